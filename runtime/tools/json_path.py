"""The ``json_path`` tool: a small, well-defined JSONPath subset.

Supported (RFC 9535 spelling where it has one)::

    $                 the root            $.a.b, $['a'], $["a b"]   members
    $.*, $[*]         all children        $..name, $..*             descendants
    $[0], $[-1]       array elements      $[1:5:2], $[::-1]         slices
    $[0,2], $['a','b'] unions            $[?(@.price < 10)]        filters

Filters compare ``@``-relative paths with literals (numbers, quoted strings, true, false,
null) using ``== != < <= > >=``, test existence (``?(@.isbn)``), and combine with ``&&``,
``||``, ``!`` and parentheses. A path not starting with ``$`` is read as relative to it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NoReturn

from runtime.tools.base import Tool, ToolError
from runtime.tools.codes import ToolErrorCode

MAX_PATH_CHARS = 500
MAX_NODES = 100_000

Selector = Callable[[Any], Iterator[Any]]
Predicate = Callable[[Any], bool]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")
_INT = re.compile(r"-?\d+")
_MISSING = object()


def json_path_query(data: Any, path: str) -> list[Any]:
    """Every value in ``data`` that ``path`` selects, in document order; ``bad_path`` if invalid."""
    return _Parser(path).parse()(data)


def _children(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        yield from value.values()
    elif isinstance(value, list):
        yield from value


def _descendants(value: Any) -> Iterator[Any]:
    yield value
    for child in _children(value):
        yield from _descendants(child)


def _member(name: str) -> Selector:
    def select(value: Any) -> Iterator[Any]:
        if isinstance(value, dict) and name in value:
            yield value[name]

    return select


def _index(index: int) -> Selector:
    def select(value: Any) -> Iterator[Any]:
        if isinstance(value, list) and -len(value) <= index < len(value):
            yield value[index]

    return select


def _slice(start: int | None, stop: int | None, step: int | None) -> Selector:
    def select(value: Any) -> Iterator[Any]:
        if isinstance(value, list):
            yield from value[start:stop:step]

    return select


def _filter(predicate: Predicate) -> Selector:
    def select(value: Any) -> Iterator[Any]:
        yield from (child for child in _children(value) if predicate(child))

    return select


@dataclass(slots=True)
class _Step:
    selectors: list[Selector]
    descend: bool = False

    def apply(self, nodes: list[Any]) -> list[Any]:
        found: list[Any] = []
        for node in nodes:
            for context in _descendants(node) if self.descend else (node,):
                for selector in self.selectors:
                    found.extend(selector(context))
                if len(found) > MAX_NODES:
                    raise ToolError(ToolErrorCode.BAD_PATH, f"path selects more than {MAX_NODES} values")
        return found


class _Parser:
    def __init__(self, path: str):
        if len(path) > MAX_PATH_CHARS:
            raise ToolError(ToolErrorCode.BAD_PATH, f"path is longer than {MAX_PATH_CHARS} characters")
        path = path.strip()
        if not path.startswith("$"):
            path = "$" + (path if path.startswith("[") else "." + path)
        self.text = path
        self.pos = 1

    def parse(self) -> Callable[[Any], list[Any]]:
        steps = self._steps(stop_at=None)
        if self.pos != len(self.text):
            self._fail("unexpected text")
        return lambda data: _run(steps, data)

    def _steps(self, stop_at: str | None) -> list[_Step]:
        steps: list[_Step] = []
        while self.pos < len(self.text) and not (stop_at and self._peek_any(stop_at)):
            if self._eat(".."):
                if self._peek("["):
                    steps.append(_Step(self._bracket(), descend=True))
                else:
                    steps.append(_Step([self._dot_name()], descend=True))
            elif self._eat("."):
                steps.append(_Step([self._dot_name()]))
            elif self._peek("["):
                steps.append(_Step(self._bracket()))
            else:
                break
        return steps

    def _dot_name(self) -> Selector:
        if self._eat("*"):
            return _children
        match = _NAME.match(self.text, self.pos)
        if not match:
            self._fail("expected a member name")
        self.pos = match.end()
        return _member(match.group())

    def _bracket(self) -> list[Selector]:
        self._expect("[")
        selectors = [self._selector()]
        while self._eat(","):
            selectors.append(self._selector())
        self._expect("]")
        return selectors

    def _selector(self) -> Selector:
        self._skip_space()
        if self._eat("*"):
            return _children
        if self._peek("'") or self._peek('"'):
            return _member(self._string())
        if self._eat("?"):
            self._skip_space()
            return _filter(self._or())
        numbers: list[int | None] = []
        for _ in range(3):
            self._skip_space()
            match = _INT.match(self.text, self.pos)
            numbers.append(int(match.group()) if match else None)
            if match:
                self.pos = match.end()
            self._skip_space()
            if not self._eat(":"):
                break
        else:
            self._fail("a slice has at most three parts")
        if len(numbers) == 1:
            if numbers[0] is None:
                self._fail("expected an index, a name, a slice, * or a filter")
            return _index(numbers[0])
        if len(numbers) == 3 and numbers[2] == 0:
            self._fail("slice step cannot be 0")
        return _slice(*(numbers + [None] * (3 - len(numbers))))

    def _or(self) -> Predicate:
        parts = [self._and()]
        while self._eat("||"):
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else lambda v: any(p(v) for p in parts)

    def _and(self) -> Predicate:
        parts = [self._atom()]
        while self._eat("&&"):
            parts.append(self._atom())
        return parts[0] if len(parts) == 1 else lambda v: all(p(v) for p in parts)

    def _atom(self) -> Predicate:
        self._skip_space()
        if self._eat("!"):
            inner = self._atom()
            return lambda v: not inner(v)
        if self._eat("("):
            inner = self._or()
            self._expect(")")
            return inner
        if not self._eat("@"):
            self._fail("a filter starts with @")
        steps = self._steps(stop_at="=!<>)&|],")
        self._skip_space()
        for op in ("==", "!=", "<=", ">=", "<", ">"):
            if self._eat(op):
                return _comparison(steps, op, self._literal())
        return lambda v: bool(_run(steps, v))

    def _literal(self) -> Any:
        self._skip_space()
        if self._peek("'") or self._peek('"'):
            return self._string()
        for word, value in (("true", True), ("false", False), ("null", None)):
            if self._eat(word):
                return value
        match = _NUMBER.match(self.text, self.pos)
        if not match:
            self._fail("expected a literal")
        self.pos = match.end()
        return json.loads(match.group())

    def _string(self) -> str:
        quote = self.text[self.pos]
        end = self.pos + 1
        chars: list[str] = []
        while end < len(self.text) and self.text[end] != quote:
            if self.text[end] == "\\" and end + 1 < len(self.text):
                end += 1
            chars.append(self.text[end])
            end += 1
        if end >= len(self.text):
            self._fail("unterminated string")
        self.pos = end + 1
        return "".join(chars)

    def _skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] == " ":
            self.pos += 1

    def _peek(self, token: str) -> bool:
        return self.text.startswith(token, self.pos)

    def _peek_any(self, chars: str) -> bool:
        self._skip_space()
        return self.pos < len(self.text) and self.text[self.pos] in chars

    def _eat(self, token: str) -> bool:
        self._skip_space()
        if self._peek(token):
            self.pos += len(token)
            return True
        return False

    def _expect(self, token: str) -> None:
        if not self._eat(token):
            self._fail(f"expected {token!r}")

    def _fail(self, reason: str) -> NoReturn:
        raise ToolError(ToolErrorCode.BAD_PATH, f"bad JSONPath at position {self.pos}: {reason}")


def _run(steps: list[_Step], data: Any) -> list[Any]:
    nodes = [data]
    for step in steps:
        nodes = step.apply(nodes)
    return nodes


def _comparison(steps: list[_Step], op: str, literal: Any) -> Predicate:
    def check(value: Any) -> bool:
        found = _run(steps, value)
        left = found[0] if len(found) == 1 else _MISSING
        if op == "==":
            return _same(left, literal)
        if op == "!=":
            return not _same(left, literal)
        comparable = (
            isinstance(left, int | float)
            and not isinstance(left, bool)
            and isinstance(literal, int | float)
            and not isinstance(literal, bool)
        ) or (isinstance(left, str) and isinstance(literal, str))
        if not comparable:
            return False
        result: bool = {"<": left < literal, "<=": left <= literal, ">": left > literal, ">=": left >= literal}[op]
        return result

    return check


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, bool) != isinstance(right, bool):
        return False
    return left is not _MISSING and left == right


def json_path(data: Any, path: str) -> dict[str, Any]:
    """Tool function: ``{"matches": [...], "count": n}``. ``data`` may be JSON text."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError:
            pass
    matches = json_path_query(data, path)
    return {"matches": matches, "count": len(matches)}


def json_path_tool() -> Tool:
    """The ``json_path`` tool."""
    return Tool(
        name="json_path",
        description=(
            "Extract values from JSON with a JSONPath such as $.items[0].name, $..price, $.items[*].id "
            "or $.items[?(@.price < 10)].name. Returns all matches."
        ),
        parameters={
            "type": "object",
            "properties": {
                "data": {"description": "the JSON document (a value, or JSON text)"},
                "path": {
                    "type": "string",
                    "description": "a JSONPath starting with $",
                    "maxLength": MAX_PATH_CHARS,
                },
            },
            "required": ["data", "path"],
            "additionalProperties": False,
        },
        func=json_path,
    )
