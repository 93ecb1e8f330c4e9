"""Sandboxed, bounded Jinja2 templates with explicit variable references.

Templates see the run's variables: ``{{ node_id.field }}``, ``{{ inputs.name }}``,
``{{ sys.run_id }}``. Rules:

* the environment is Jinja2's ``ImmutableSandboxedEnvironment``; unsafe attributes
  (``__class__``, ``__globals__``, ...) and mutation of data are refused;
* an undefined variable is an error that names it (``undefined_variable``);
* ``None`` renders as empty text (``{{ inputs.name }}`` of an optional input that was not
  sent), in output and in ``~``; ``{{ x is none }}`` still tells it apart;
* every loop iteration, call and filter spends from a per-render operation budget, and every
  value a render builds — output, ``{% set %}`` captures, macro results, intermediate strings
  and lists — spends from one work allowance (:class:`TemplateLimits`). Whatever can grow a
  value (``*``, ``+``, ``%``, ``~``, ``**``, slicing, printing a container, string methods,
  filters, ``str.format`` widths) is sized *before* it is built, with an estimate that stops as
  soon as it passes what is left, so ``range(10**9)``, ``['x' * 200000] * 200000`` printed,
  ``'%*s' % (10**8, '')`` or a long separator in ``join`` are refused (``template_limit``)
  instead of eating the worker's memory. Operations whose result is at most a small multiple
  of a value that already exists (``upper`` of an input, ``split``) are counted after;
* templates made only of text and ``{{ a.b }}`` lookups take a fast path that does plain
  dict lookups (no Jinja at render time) — same result, a fraction of the cost, and the same
  bound on the rendered text.
"""

from __future__ import annotations

import functools
import inspect
import itertools
import re
import time
import types
from collections.abc import Callable, ItemsView, Iterable, Iterator, KeysView, Mapping, ValuesView
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, cast

from jinja2 import (
    Environment,
    StrictUndefined,
    TemplateSyntaxError,
    UndefinedError,
    meta,
    nodes,
    pass_environment,
)
from jinja2.exceptions import SecurityError
from jinja2.filters import make_attrgetter, make_multi_attrgetter
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

from runtime.errors import TemplateError


@dataclass(frozen=True, slots=True)
class TemplateLimits:
    """Caps for one render.

    * ``max_output_chars``: the rendered text, and any one text value the template builds
      (a string, or the text of a value it prints, joins or formats);
    * ``max_work_chars``: everything one render builds, together: output, ``{% set %}``
      captures, macro results, intermediate strings (their characters) and lists (8 per
      element). It bounds a render's memory (well under 64 MB at the default) and its work;
      never less than ``max_output_chars``;
    * ``max_ops``: loop iterations, calls and filters;
    * ``max_seconds``: wall time, checked every 256 operations;
    * ``max_range``: the length of a ``range()``;
    * ``max_int_bits``: the size of an integer built by ``*`` or ``**``.
    """

    max_output_chars: int = 200_000
    max_work_chars: int = 2_000_000
    max_ops: int = 200_000
    max_seconds: float = 1.0
    max_range: int = 10_000
    max_int_bits: int = 4_096


DEFAULT_LIMITS = TemplateLimits()


def _too_big(limits: TemplateLimits, what: str) -> TemplateError:
    return TemplateError(
        f"{what} exceeds the template size limit ({limits.max_output_chars})", code="template_limit"
    )


# --- size estimates --------------------------------------------------------------------------


class _Over(Exception):
    """An estimate passed its limit (internal: ends a walk early)."""


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _controls(text: str) -> int:
    return 0 if text.isprintable() else len(_CONTROL.findall(text))


class _Sizer:
    """Estimates the length of a value's text — ``str()``, ``json.dumps`` or ``pformat`` — and
    stops as soon as the estimate passes ``limit``, so a walk costs O(limit) even for a list
    holding 200,000 references to one huge string. Escapes are counted closely enough
    (within about 2x; non-printable characters beyond ASCII are not counted)."""

    __slots__ = ("flat", "json", "left", "pretty", "step")

    def __init__(self, limit: int, style: str = "str", step: int | None = None):
        self.left = limit
        self.json = style == "json"
        self.pretty = style == "pprint"
        self.step = 1 if self.pretty else step
        self.flat = self.step is None

    def measure(self, value: object, quoted: bool = False) -> int:
        """The estimate, or ``limit + 1`` once it passes ``limit``."""
        limit = self.left
        try:
            self._add(value, 0, quoted or self.pretty)
        except (_Over, RecursionError):
            return limit + 1
        return limit - self.left

    def _spend(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise _Over

    def _add(self, value: object, indent: int, quoted: bool = True) -> None:
        if isinstance(value, str):
            self._spend(self._text(value, indent, quoted))
        elif isinstance(value, int):  # and bool
            self._spend(value.bit_length() * 3 // 10 + 5)
        elif isinstance(value, (list, tuple, set, frozenset, KeysView, ValuesView, ItemsView)):
            self._elements(value, indent)
        elif isinstance(value, Mapping):
            self._items(value, indent)
        elif isinstance(value, (bytes, bytearray)):
            self._spend(4 * len(value) + 3)
        else:  # None, numbers, ranges, generators, macros: a short repr
            self._spend(64 if value is not None else 4)

    def _elements(self, values: Iterable[object], indent: int) -> None:
        child = indent + (self.step or 0)
        gap = 2 if self.flat else 2 + child  # ", " or ",\n" and the indentation
        self._spend(2 if self.flat else 3 + indent)
        for item in values:
            self._add(item, child)
            self._spend(gap)

    def _items(self, mapping: Mapping[Any, Any], indent: int) -> None:
        child = indent + (self.step or 0)
        gap = 4 if self.flat else 4 + child
        self._spend(2 if self.flat else 3 + indent)
        for key, item in mapping.items():
            before = self.left
            self._add(key, child)
            # pformat indents a value past its key
            self._add(item, child + before - self.left + 2 if self.pretty else child)
            self._spend(gap)

    def _text(self, text: str, indent: int, quoted: bool) -> int:
        n = len(text)
        if n > self.left:
            raise _Over  # the counts below stay O(limit)
        if self.json:  # json.dumps, ensure_ascii, and tojson's HTML-safe escapes
            size = n + 2 + text.count('"') + text.count("\\") + 5 * _controls(text)
            size += 5 * sum(text.count(c) for c in "<>&'")
            return size if text.isascii() else size + 5 * (len(text.encode("utf-8", "surrogatepass")) - n)
        if not quoted:
            return n
        size = n + 2 + text.count("\\") + 3 * _controls(text)
        if self.pretty and size > 80 - indent:  # pformat splits a long string into quoted chunks
            chunks = min(n + 1, 2 * n // max(1, 78 - indent) + text.count("\n") + 2)
            size += chunks * (indent + 4) + 2
        return size


def _count(value: object) -> int:
    """A width, precision, count or length as an operation reads it (0 if it is not one)."""
    if isinstance(value, int):
        return max(int(value), 0)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value) if len(value) < 10 else 10**10
    return 0


def _built(value: object) -> int:
    """What a value just built costs the work allowance: its characters, or 8 per element."""
    if isinstance(value, (str, bytes)):
        return len(value)
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        return 8 * len(value) + 56
    return 0


_PRINTF = re.compile(r"%(?:\(([^)]*)\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.?)", re.S)
_FORMAT_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(\d*)[,_]?(?:\.(\d+))?[a-zA-Z%]?", re.S)


class _Budget:
    """One render's allowances: operations, time, and the characters it may build."""

    __slots__ = ("chars", "deadline", "limits", "ops")

    def __init__(self, limits: TemplateLimits):
        self.limits = limits
        self.ops = limits.max_ops
        self.chars = max(limits.max_work_chars, limits.max_output_chars)
        self.deadline = time.perf_counter() + limits.max_seconds

    def tick(self) -> None:
        self.ops -= 1
        if self.ops <= 0:
            raise TemplateError(f"template exceeded {self.limits.max_ops} operations", code="template_limit")
        if not self.ops & 255 and time.perf_counter() > self.deadline:
            raise TemplateError(f"template ran longer than {self.limits.max_seconds}s", code="template_limit")

    def spend(self, n: int) -> None:
        """Count work that builds values (lists, keys, text) against the allowance."""
        self.chars -= n
        if self.chars < 0:
            raise TemplateError(
                f"template built more than {max(self.limits.max_work_chars, self.limits.max_output_chars)} "
                "characters of text and values (output, captures and intermediate values)",
                code="template_limit",
            )

    def spend_text(self, n: int, what: str) -> None:
        """Count a text value about to be built; one value is capped at ``max_output_chars``."""
        if n > self.limits.max_output_chars:
            raise _too_big(self.limits, what)
        self.spend(n)

    def spend_sized(self, like: object, n: int, what: str) -> None:
        """Count a string of n characters (like ``like``) or a list of n elements before it is built."""
        if isinstance(like, (str, bytes)):
            self.spend_text(n, what)
        elif n > self.limits.max_output_chars:
            raise _too_big(self.limits, what)
        else:
            self.spend(8 * n + 56)

    def measure(self, value: object, quoted: bool = False, style: str = "str", step: int | None = None) -> int:
        """Estimated length of ``str(value)`` (or its repr, json, pformat), bounded by what is left."""
        if type(value) is str and not quoted and style == "str":
            return len(value)
        return _Sizer(min(self.chars, self.limits.max_output_chars), style, step).measure(value, quoted)

    def stringify(self, value: object, what: str) -> int:
        """The length of ``str(value)``, counting the text when an operation builds it first."""
        if isinstance(value, str):
            return len(value)
        n = self.measure(value)
        self.spend_text(n, what)
        return n


_BUDGET: ContextVar[_Budget] = ContextVar("template_budget")


def _budget() -> _Budget:
    # Raises LookupError outside a render: Jinja's compile-time constant folding then leaves
    # the expression to run time, where it is bounded.
    return _BUDGET.get()


# --- what filters, methods and formats may build ----------------------------------------------

FilterRule = Callable[["SafeEnvironment", _Budget, dict[str, Any]], None]


def _replace_size(text: str | bytes, old: Any, new: Any, count: Any, budget: _Budget) -> int:
    n = len(text)
    if not isinstance(old, (str, bytes)) or not isinstance(new, (str, bytes)):
        old_n, new_n = budget.stringify(old, "replace()"), budget.stringify(new, "replace()")
        hits = n + 1
    else:
        old_n, new_n = len(old), len(new)
        try:
            hits = text.count(old) if old else n + 1  # type: ignore[arg-type]  # a mismatch is the call's TypeError
        except TypeError:
            return n
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    return n + hits * max(0, new_n - old_n)


def _join_size(budget: _Budget, items: list[Any] | tuple[Any, ...] | str | bytes, sep_n: int) -> int:
    room = min(budget.chars, budget.limits.max_output_chars)
    total = sep_n * max(0, len(items) - 1)
    for item in items:
        if total > room:
            break
        total += len(item) if isinstance(item, (str, bytes)) else budget.measure(item)
    return total


def _listed(value: Any) -> Any:
    """An iterable the estimate and the operation can both walk (generators are consumed once)."""
    return value if isinstance(value, (list, tuple, str, bytes, Mapping)) else list(value)


_KEY_COST = 72  # what sort, unique and groupby hold per item: a key (a small list), a set entry


def _key_chars(budget: _Budget, items: Iterable[Any], getter: Callable[[Any], Any]) -> int:
    """Characters a case-insensitive sort, group or unique lowercases (one copy per key)."""
    total = 0
    for item in items:
        key = getter(item)
        for part in key if isinstance(key, list) else (key,):
            if isinstance(part, str):
                total += len(part)
        if total > budget.chars:
            break
    return total


def _printf_size(budget: _Budget, fmt: str | bytes, args: Any) -> int:
    """An upper estimate of ``len(fmt % args)``: widths, precisions and the text of each value."""
    text = fmt.decode("latin-1") if isinstance(fmt, bytes) else fmt
    mapping = args if isinstance(args, Mapping) else None
    values = iter(args if isinstance(args, tuple) else (args,))
    total = len(text)
    for match in _PRINTF.finditer(text):
        key, width, precision, kind = match.groups()
        if kind == "%":
            continue
        w = _count(next(values, 0) if width == "*" else width)
        p = _count(next(values, 0) if precision == "*" else precision)
        value = mapping.get(key) if key is not None and mapping is not None else next(values, None)
        if kind in ("s", "r", "a"):  # str() is built whole even when a precision cuts it
            body = budget.measure(value, quoted=kind != "s")
        elif kind == "c":
            body = 1
        elif isinstance(value, int):
            body = value.bit_length() // 3 + 3 + p
        else:  # %f of 1e308 has 309 digits
            body = 420 + p
        total += max(w, body) - len(match[0])  # the field replaces its spec
        if total > budget.chars:
            break
    return total


def _format_field_size(budget: _Budget, value: Any, spec: str) -> int:
    """An upper estimate of ``len(format(value, spec))``."""
    match = _FORMAT_SPEC.fullmatch(spec)
    if match is None:  # a type's own mini-language (dates): bounded by the spec's length
        return budget.measure(value) + 32 * len(spec)
    width, precision = _count(match[1]), _count(match[2])
    if isinstance(value, str):
        body = min(len(value), precision) if match[2] else len(value)
    elif isinstance(value, int):
        body = value.bit_length() * 5 // 4 + 4  # binary, grouped
    elif isinstance(value, float):
        body = 420 + precision
    else:
        body = budget.measure(value) + precision
    return max(width, body)


def _rule(*names: str) -> Callable[[FilterRule], FilterRule]:
    def register(rule: FilterRule) -> FilterRule:
        for name in names:
            _FILTER_RULES[name] = rule
        return rule

    return register


_FILTER_RULES: dict[str, FilterRule] = {}


@_rule("center")
def _center(env: SafeEnvironment, budget: _Budget, a: dict[str, Any]) -> None:
    budget.spend_text(max(budget.stringify(a["value"], "center"), _count(a["width"])), "center")


@_rule("indent")
def _indent(env: SafeEnvironment, budget: _Budget, a: dict[str, Any]) -> None:
    text, width = a["s"], a["width"]
    n = budget.stringify(text, "indent")
    lines = text.count("\n") + 1 if isinstance(text, str) else n + 1
    budget.spend_text(n + lines * (len(width) if isinstance(width, str) else _count(width)), "indent")


@_rule("wordwrap")
def _wordwrap(env: SafeEnvironment, budget: _Budget, a: dict[str, Any]) -> None:
    n = budget.stringify(a["s"], "wordwrap")
    wrap = a["wrapstring"] if a["wrapstring"] is not None else env.newline_sequence
    budget.spend_text(n + (n + 1) * budget.stringify(wrap, "wordwrap"), "wordwrap")


@_rule("truncate")
def _truncate(env: SafeEnvironment, budget: _Budget, a: dict[str, Any]) -> None:
    budget.spend_text(budget.stringify(a["s"], "truncate") + budget.stringify(a["end"], "truncate"), "truncate")


@_rule("replace")
def _replace(env: SafeEnvironment, budget: _Budget, a: dict[str, Any]) -> None:
    text = a["s"]
    if not isinstance(text, str):
        text = " " * budget.stringify(text, "replace()")  # stands in for its text: same length
    budget.spend_text(_replace_size(text, a["old"], a["new"], a["count"], budget), "replace() result")


@_rule("urlize")
def _urlize(env: SafeEnvironment, budget: _Budget, a: dict[str, Any]) -> None:
    value = a["value"]
    n = budget.stringify(value, "urlize")
    if isinstance(value, str):
        escaped = n + 5 * sum(value.count(c) for c in "&<>\"'")
        links = sum(value.count(c) for c in ".@:")  # every link holds one (extra_schemes end in ':')
    else:
        escaped, links = 6 * n, n + 1
    per_link = 64 + 6 * (budget.stringify(a["target"] or "", "urlize") + budget.stringify(a["rel"] or "", "urlize"))
    budget.spend_text(2 * escaped + links * per_link, "urlize")


@_rule("format")
def _format(env: SafeEnvironment, budget: _Budget, a: dict[str, Any]) -> None:
    fmt = a["value"]
    if not isinstance(fmt, str):
        fmt = " " * budget.stringify(fmt, "format")
    budget.spend_text(_printf_size(budget, fmt, a["kwargs"] or a["args"]), "format")


@_rule("escape", "e", "forceescape")
def _escape(env: SafeEnvironment, budget: _Budget, a: dict[str, Any]) -> None:
    value = a["s"] if "s" in a else a["value"]
    n = budget.stringify(value, "escape")
    specials = sum(value.count(c) for c in "&<>\"'") if isinstance(value, str) else n
    budget.spend_text(n + 5 * specials, "escape")


@_rule("urlencode")
def _urlencode(env: SafeEnvironment, budget: _Budget, a: dict[str, Any]) -> None:
    value = a["value"]
    if isinstance(value, str):
        size = 3 * (len(value) if value.isascii() else len(value.encode("utf-8", "surrogatepass")))
    else:
        size = 12 * budget.measure(value)
    budget.spend_text(size, "urlencode")


@_rule("tojson")
def _tojson(env: SafeEnvironment, budget: _Budget, a: dict[str, Any]) -> None:
    indent = a["indent"]
    step = len(indent) if isinstance(indent, str) else None if indent is None else _count(indent)
    budget.spend_text(budget.measure(a["value"], style="json", step=step), "tojson")


@_rule("pprint")
def _pprint(env: SafeEnvironment, budget: _Budget, a: dict[str, Any]) -> None:
    budget.spend_text(budget.measure(a["value"], style="pprint"), "pprint")


@_rule("xmlattr")
def _xmlattr(env: SafeEnvironment, budget: _Budget, a: dict[str, Any]) -> None:
    budget.spend_text(6 * budget.measure(a["d"]), "xmlattr")


@_rule("string", "safe", "capitalize", "lower", "upper", "title", "trim", "striptags")
def _same_text(env: SafeEnvironment, budget: _Budget, a: dict[str, Any]) -> None:
    value = next(iter(a.values()))
    if isinstance(value, str):
        budget.spend_text(len(value), "text")
    else:
        budget.stringify(value, "text")


@_rule("wordcount")
def _wordcount(env: SafeEnvironment, budget: _Budget, a: dict[str, Any]) -> None:
    value = a["s"]
    if isinstance(value, str):
        budget.spend(len(value))  # the list of words it finds
    else:
        budget.stringify(value, "wordcount")


@_rule("join")
def _join(env: SafeEnvironment, budget: _Budget, a: dict[str, Any]) -> None:
    items = a["value"]
    if a["attribute"] is not None:
        items = list(map(make_attrgetter(env, a["attribute"]), items))
        a["attribute"] = None
    a["value"] = items = _listed(items)
    budget.spend_text(_join_size(budget, items, budget.stringify(a["d"], "join")), "join")


def _lowered_keys(env: SafeEnvironment, budget: _Budget, a: dict[str, Any]) -> Any:
    """The items, listed once; counts the keys a case-insensitive comparison lowercases."""
    a["value"] = items = _listed(a["value"])
    if not a["case_sensitive"]:
        budget.spend(_key_chars(budget, items, make_multi_attrgetter(env, a["attribute"])))
    return items


@_rule("min", "max")
def _min_max(env: SafeEnvironment, budget: _Budget, a: dict[str, Any]) -> None:
    _lowered_keys(env, budget, a)


@_rule("sort", "unique")
def _sort_unique(env: SafeEnvironment, budget: _Budget, a: dict[str, Any]) -> None:
    budget.spend(_KEY_COST * len(_lowered_keys(env, budget, a)))  # sort holds a key per item, unique a set


@_rule("groupby")
def _groupby(env: SafeEnvironment, budget: _Budget, a: dict[str, Any]) -> None:
    a["value"] = items = _listed(a["value"])
    budget.spend(_KEY_COST * len(items))
    if not a["case_sensitive"]:
        budget.spend(2 * _key_chars(budget, items, make_attrgetter(env, a["attribute"])))


@_rule("dictsort")
def _dictsort(env: SafeEnvironment, budget: _Budget, a: dict[str, Any]) -> None:
    value = a["value"]
    if isinstance(value, Mapping):
        budget.spend(_KEY_COST * len(value))
        if not a["case_sensitive"]:
            keys = value.keys() if a["by"] == "key" else value.values()
            budget.spend(_key_chars(budget, keys, lambda key: key))


@_rule("batch")
def _batch(env: SafeEnvironment, budget: _Budget, a: dict[str, Any]) -> None:
    if a["fill_with"] is not None:  # the last row is filled up to linecount
        budget.spend(8 * _count(a["linecount"]))


@pass_environment
def _sum(environment: Environment, iterable: Iterable[Any], attribute: str | int | None = None, start: Any = 0) -> Any:
    """Jinja's ``sum``; lists and tuples are concatenated in one pass, not one copy per item."""
    if attribute is not None:
        iterable = map(make_attrgetter(environment, attribute), iterable)
    if isinstance(start, (list, tuple)):
        items = list(iterable)
        if all(type(item) is type(start) for item in items):
            _budget().spend(8 * (len(start) + sum(len(item) for item in items)))
            return type(start)(itertools.chain(start, *items))
        iterable = items
    return sum(iterable, start)


_METERED_FILTERS = frozenset({"batch", "slice"})  # they yield lists they build
_BUILDING_FILTERS = frozenset({"list", "sort", "dictsort", "groupby", "reverse"})


def _metered(rows: Iterable[Any]) -> Iterator[Any]:
    budget = _budget()
    for row in rows:
        budget.spend(8 + _built(row))
        yield row


MethodRule = Callable[[_Budget, Any, tuple[Any, ...], dict[str, Any]], int]


def _arg(args: tuple[Any, ...], kwargs: dict[str, Any], i: int, name: str, default: Any) -> Any:
    return args[i] if len(args) > i else kwargs.get(name, default)


def _translate_size(budget: _Budget, text: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    table = _arg(args, kwargs, 0, "table", None)
    longest = 1
    if isinstance(table, Mapping) and isinstance(text, str):
        longest = max([len(v) for v in table.values() if isinstance(v, str)] + [1])
    return len(text) * longest


_TEXT_METHODS: dict[str, MethodRule] = {
    "center": lambda b, s, args, kw: max(len(s), _count(_arg(args, kw, 0, "width", 0))),
    "ljust": lambda b, s, args, kw: max(len(s), _count(_arg(args, kw, 0, "width", 0))),
    "rjust": lambda b, s, args, kw: max(len(s), _count(_arg(args, kw, 0, "width", 0))),
    "zfill": lambda b, s, args, kw: max(len(s), _count(_arg(args, kw, 0, "width", 0))),
    "expandtabs": lambda b, s, args, kw: len(s)
    + s.count("\t" if isinstance(s, str) else b"\t") * _count(_arg(args, kw, 0, "tabsize", 8)),
    "replace": lambda b, s, args, kw: _replace_size(
        s, _arg(args, kw, 0, "old", ""), _arg(args, kw, 1, "new", ""), _arg(args, kw, 2, "count", -1), b
    ),
    "join": lambda b, s, args, kw: _join_size(b, args[0], len(s)) if args else 0,
    "translate": _translate_size,
}


class _BoundedFormatting:
    """``str.format`` fields are sized before they are formatted (widths may come from arguments)."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        budget = _budget()
        budget.spend_text(_format_field_size(budget, value, format_spec), "format() field")
        return super().format_field(value, format_spec)  # type: ignore[misc]  # the formatter it is mixed into

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion is not None:  # !s, !r, !a build the text first
            budget = _budget()
            budget.spend_text(budget.measure(value, quoted=conversion != "s"), "format() field")
        return super().convert_field(value, conversion)  # type: ignore[misc]


class _Formatter(_BoundedFormatting, SandboxedFormatter):
    pass


class _EscapeFormatter(_BoundedFormatting, SandboxedEscapeFormatter):
    pass


# --- the environment -------------------------------------------------------------------------


def _loop_guard(iterable: Iterable[Any]) -> Iterator[Any]:
    budget = _budget()
    for item in iterable:
        budget.tick()
        yield item


def _emit(value: Any) -> str:
    """``finalize``: each piece of output (literal text, ``{{ x }}``) is counted before it is built."""
    budget = _budget()
    if isinstance(value, str):  # Markup stays Markup in {% autoescape %}
        budget.spend_text(len(value), "output")
        return value
    if value is None:
        return ""
    budget.spend_text(budget.measure(value), "output")
    return str(value)


def _concat_guard(*parts: Any) -> str:
    """``~``: like output, ``None`` is empty text; the parts are sized before they are joined."""
    budget = _budget()
    budget.spend_text(sum(0 if part is None else budget.measure(part) for part in parts), "concatenation")
    return "".join(part if type(part) is str else "" if part is None else str(part) for part in parts)


def _slice_guard(obj: Any, start: Any, stop: Any, step: Any) -> Any:
    """``x[a:b:c]``: the copy is counted before it is made."""
    key = slice(start, stop, step)
    if isinstance(obj, (str, bytes, list, tuple)):
        try:
            n = len(range(len(obj))[key])
        except (TypeError, ValueError):
            pass  # the slicing itself reports it
        else:
            _budget().spend_sized(obj, n, "slice")
    return obj[key]


class _Guards(NodeTransformer):
    """Rewrites a parsed template so loops, text, slices and ``~`` go through budget guards."""

    def __init__(self, environment: SafeEnvironment):
        self.environment = environment
        self.escaping = False  # inside {% autoescape %}

    def _call(self, name: str, args: list[nodes.Expr], lineno: int) -> nodes.Call:
        call = nodes.Call(nodes.Name(name, "load"), args, [], None, None, lineno=lineno)
        call.set_environment(self.environment)
        return call

    def visit_For(self, node: nodes.For) -> nodes.For:
        node = cast(nodes.For, self.generic_visit(node))
        node.iter = self._call("__loop_guard__", [cast(nodes.Expr, node.iter)], node.lineno)
        return node

    def visit_TemplateData(self, node: nodes.TemplateData) -> nodes.Expr:
        # As a constant, literal text goes through ``finalize`` at run time and is counted
        # each time a loop or macro outputs it; in {% autoescape %} it stays unescaped.
        const = nodes.Const(node.data, lineno=node.lineno)
        text = nodes.MarkSafeIfAutoescape(const, lineno=node.lineno) if self.escaping else const
        text.set_environment(self.environment)
        return text

    def visit_ScopedEvalContextModifier(self, node: nodes.ScopedEvalContextModifier) -> nodes.Node:
        escaping, self.escaping = self.escaping, True
        try:
            return self.generic_visit(node)
        finally:
            self.escaping = escaping

    def visit_Getitem(self, node: nodes.Getitem) -> nodes.Expr:
        node = cast(nodes.Getitem, self.generic_visit(node))
        if not isinstance(node.arg, nodes.Slice):
            return node
        bounds = [node.arg.start, node.arg.stop, node.arg.step]
        args = [bound or nodes.Const(None, lineno=node.lineno) for bound in bounds]
        return self._call("__slice__", [node.node, *args], node.lineno)

    def visit_Concat(self, node: nodes.Concat) -> nodes.Call:
        node = cast(nodes.Concat, self.generic_visit(node))
        return self._call("__concat__", list(node.nodes), node.lineno)


class SafeEnvironment(ImmutableSandboxedEnvironment):
    """The only Jinja environment the runtime uses. See the module docstring for its rules."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, limits: TemplateLimits = DEFAULT_LIMITS):
        super().__init__(undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)
        self.limits = limits
        self.finalize = _emit
        self.globals = {
            "range": self._range,
            "dict": dict,
            "__loop_guard__": _loop_guard,
            "__concat__": _concat_guard,
            "__slice__": _slice_guard,
        }
        filters = {**self.filters, "sum": _sum}
        self.filters = {name: self._guard_filter(name, f) for name, f in filters.items()}
        for test in ("lower", "upper"):
            self.tests[test] = self._guard_test(self.tests[test])

    # --- budget hooks ------------------------------------------------------------------------
    def _range(self, *args: int) -> range:
        r = range(*args)
        if len(r) > self.limits.max_range:
            raise TemplateError(f"range() longer than {self.limits.max_range}", code="template_limit")
        return r

    def _guard_filter(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        env = self
        rule = _FILTER_RULES.get(name)
        signature = inspect.signature(func) if rule is not None else None
        metered = name in _METERED_FILTERS
        building = name in _BUILDING_FILTERS

        @functools.wraps(func)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            budget = _budget()
            budget.tick()
            if rule is not None and signature is not None:
                bound = signature.bind(*args, **kwargs)
                bound.apply_defaults()
                rule(env, budget, bound.arguments)
                args, kwargs = bound.args, bound.kwargs
            result = func(*args, **kwargs)
            if rule is not None and isinstance(result, str) and len(result) > env.limits.max_output_chars:
                raise _too_big(env.limits, name)  # an estimate fell short (escapes it does not count)
            if metered:
                return _metered(result)
            if building:
                env._built(budget, result, "value")
            return result

        return guarded

    @staticmethod
    def _guard_test(func: Any) -> Any:  # Jinja types its table of tests as plain functions
        @functools.wraps(func)
        def guarded(value: Any) -> Any:  # ``lower`` and ``upper`` test str(value)
            _budget().stringify(value, "value")
            return func(value)

        return guarded

    def _built(self, budget: _Budget, value: Any, what: str) -> None:
        """Count a value an operation has just built from values that already exist."""
        if isinstance(value, (str, bytes)):
            budget.spend_text(len(value), what)
        elif isinstance(value, (list, tuple)) and len(value) > self.limits.max_output_chars:
            raise _too_big(self.limits, what)
        else:
            budget.spend(_built(value))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805, PYI063
        budget = _budget()
        budget.tick()
        if __obj is _loop_guard or __obj is _concat_guard or __obj is _slice_guard:
            return __obj(*args)  # kwargs: only the ``_loop_vars`` Jinja passes inside loops
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(owner, (str, bytes)):
            rule = _TEXT_METHODS.get(name)
            if name == "join" and args:
                args = (_listed(args[0]), *args[1:])
            if rule is not None:
                budget.spend_text(rule(budget, owner, args, kwargs), f"{name}()")
                return super().call(__context, __obj, *args, **kwargs)
            result = super().call(__context, __obj, *args, **kwargs)
            __self._built(budget, result, f"{name}()")
            return result
        if isinstance(owner, int) and name == "to_bytes":
            budget.spend_text(_count(_arg(args, kwargs, 0, "length", 1)), "to_bytes()")
        result = super().call(__context, __obj, *args, **kwargs)
        if __obj is dict or name in ("copy", "fromkeys"):
            __self._built(budget, result, "value")
        # macro and loop() results are not counted again: their text was counted as it was output
        return result

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        limits = self.limits
        budget = _budget()
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, bytes, list, tuple)) and isinstance(n, int):
                    budget.spend_sized(seq, len(seq) * max(n, 0), "repetition")
            if (
                type(left) is int
                and type(right) is int
                and left.bit_length() + right.bit_length() > limits.max_int_bits
            ):
                raise TemplateError("number too large for a template", code="template_limit")
        elif operator == "**":
            if (
                type(left) is int
                and type(right) is int
                and abs(left) > 1
                and right > 0
                and (abs(left).bit_length() - 1) * right + 1 > limits.max_int_bits
            ):
                raise TemplateError("number too large for a template", code="template_limit")
        elif operator == "%":
            if isinstance(left, (str, bytes)):
                budget.spend_text(_printf_size(budget, left, right), "%-formatting")
        elif isinstance(left, (str, bytes, list, tuple)) and isinstance(right, (str, bytes, list, tuple)):
            budget.spend_sized(left, len(left) + len(right), "concatenation")
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        # Node outputs are dicts: ``node.items`` means the output field, not dict.items.
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """Jinja's sandboxed ``str.format``/``format_map``, with fields sized before they are built."""
        if not isinstance(value, (types.MethodType, types.BuiltinMethodType)) or value.__name__ not in (
            "format",
            "format_map",
        ):
            return None
        text = value.__self__
        if not isinstance(text, str):
            return None
        formatter: SandboxedFormatter
        if isinstance(text, Markup):
            formatter = _EscapeFormatter(self, escape=text.escape)
        else:
            formatter = _Formatter(self)
        is_format_map = value.__name__ == "format_map"
        str_type = type(text)

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if is_format_map:
                if kwargs:
                    raise TypeError("format_map() takes no keyword arguments")
                if len(args) != 1:
                    raise TypeError(f"format_map() takes exactly one argument ({len(args)} given)")
                kwargs, args = args[0], ()
            return str_type(formatter.vformat(text, args, kwargs))

        return functools.update_wrapper(wrapper, value)

    def _generate(self, source: nodes.Template, name: Any, filename: Any, defer_init: bool = False) -> str:
        return super()._generate(_Guards(self).visit(source), name, filename, defer_init=defer_init)


# --- compiled templates --------------------------------------------------------------------

_SIMPLE_REF = re.compile(r"\{\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*\}\}")
_JINJA_MARKERS = ("{{", "{%", "{#", "}}", "%}", "#}", "\r")


def _fast_parts(source: str) -> tuple[tuple[str, tuple[str, ...] | None], ...] | None:
    """Split ``text {{ a.b }} text`` into (literal, path) pairs, or None if it needs Jinja."""
    parts: list[tuple[str, tuple[str, ...] | None]] = []
    pos = 0
    for match in _SIMPLE_REF.finditer(source):
        literal = source[pos : match.start()]
        if any(m in literal for m in _JINJA_MARKERS):
            return None
        parts.append((literal, tuple(match.group(1).split("."))))
        pos = match.end()
    tail = source[pos:]
    if any(m in tail for m in _JINJA_MARKERS):
        return None
    if tail:
        parts.append((tail, None))
    return tuple(parts)


_MISSING = object()


def _fast_text(limits: TemplateLimits, value: Any) -> str:
    """A looked-up value that is not a string: ``None`` is empty; a container is sized first."""
    if value is None:
        return ""
    if not isinstance(value, (int, float)) and _Sizer(limits.max_output_chars).measure(value) > limits.max_output_chars:
        raise _too_big(limits, "rendered text")
    return str(value)


def _fast_renderer(
    parts: tuple[tuple[str, tuple[str, ...] | None], ...], limits: TemplateLimits
) -> Callable[[Mapping[str, Any]], str]:
    """Build a plain function for a text-and-lookups template::

        def render(v):
            a1 = v[K1][K2]
            if type(a1) is not str: a1 = _text(a1)
            if len(a1) > _room: _refuse()
            return f"{L0}{a1}{L2}"

    The generated source holds only generated names: the template's text and keys are
    bound as constants, never spliced into code.
    """

    def refuse() -> None:
        raise _too_big(limits, "rendered text")

    constants: dict[str, Any] = {
        "_text": functools.partial(_fast_text, limits),
        "_refuse": refuse,
        "_room": limits.max_output_chars - sum(len(literal) for literal, _ in parts),
    }
    lines = []
    pieces = []
    values = []
    for i, (literal, path) in enumerate(parts):
        if literal:
            constants[f"_l{i}"] = literal
            pieces.append(f"{{_l{i}}}")
        if path is not None:
            lookup = "v"
            for j, key in enumerate(path):
                constants[f"_k{i}_{j}"] = key
                lookup += f"[_k{i}_{j}]"
            lines += [f"a{i} = {lookup}", f"if type(a{i}) is not str: a{i} = _text(a{i})"]
            pieces.append(f"{{a{i}}}")
            values.append(f"len(a{i})")
    lines.append(f"if {' + '.join(values) or '0'} > _room: _refuse()")
    lines.append("return " + ('f"' + "".join(pieces) + '"' if pieces else '""'))
    namespace: dict[str, Any] = {}
    source = "def render(v):\n" + "".join(f"    {line}\n" for line in lines)
    exec(source, constants, namespace)  # noqa: S102 - generated names only
    render: Callable[[Mapping[str, Any]], str] = namespace["render"]  # exec-defined above
    return render


class Template:
    """A compiled template. ``references`` lists the (namespace, field) pairs it reads;
    ``field`` names the config field it came from, so that its errors say where they happened."""

    __slots__ = ("_env", "_fast", "_jinja", "field", "references", "source")

    def __init__(self, source: str, environment: SafeEnvironment, field: str | None = None):
        self.source = source
        self._env = environment
        self.field = field
        try:
            ast = environment.parse(source)
        except TemplateSyntaxError as exc:
            raise TemplateError(f"line {exc.lineno}: {exc.message}", code="template_syntax") from None
        self.references = _references(ast, environment)
        self._jinja = environment.from_string(ast)
        parts = _fast_parts(source)
        self._fast = _fast_renderer(parts, environment.limits) if parts is not None else None

    def render(self, variables: Mapping[str, Any]) -> str:
        """Render against the run's variables; raises :class:`TemplateError` with a stable code
        (and the config field, when the template has one)."""
        try:
            fast = self._fast
            if fast is not None:
                try:
                    return fast(variables)
                except (KeyError, TypeError, IndexError):
                    return self._render_jinja(variables)  # a non-dict value or a missing key
            return self._render_jinja(variables)
        except TemplateError as exc:
            if self.field is not None and exc.field is None:
                exc.field = self.field
                exc.message = f"{exc.message} (in {self.field})"
            raise

    def _render_jinja(self, variables: Mapping[str, Any]) -> str:
        token = _BUDGET.set(_Budget(self._env.limits))
        try:
            text = self._jinja.render(variables)
        except TemplateError:
            raise
        except UndefinedError as exc:
            raise TemplateError(self._undefined_message(variables, exc), code="undefined_variable") from None
        except SecurityError as exc:
            raise TemplateError(f"refused by the sandbox: {exc}", code="template_security") from None
        except RecursionError:
            raise TemplateError("template recursion too deep", code="template_limit") from None
        except (MemoryError, OverflowError) as exc:
            raise TemplateError(f"template too large: {exc}", code="template_limit") from None
        except Exception as exc:  # noqa: BLE001 - any other evaluation error: a user mistake, not a crash
            raise TemplateError(f"{type(exc).__name__}: {exc}", code="template_error") from None
        finally:
            _BUDGET.reset(token)
        if len(text) > self._env.limits.max_output_chars:
            raise _too_big(self._env.limits, "rendered text")
        return text

    def _undefined_message(self, variables: Mapping[str, Any], exc: UndefinedError) -> str:
        for namespace, field in self.references:
            scope = variables.get(namespace, _MISSING)
            if scope is _MISSING:
                return f"undefined variable '{namespace}'"
            if field is not None and isinstance(scope, Mapping) and field not in scope:
                return f"undefined variable '{namespace}.{field}'"
        return f"undefined variable: {exc.message}"


def _references(ast: nodes.Template, environment: SafeEnvironment) -> tuple[tuple[str, str | None], ...]:
    free = meta.find_undeclared_variables(ast) - set(environment.globals)
    refs: list[tuple[str, str | None]] = []
    seen_ns: set[str] = set()
    found = cast("Iterator[nodes.Getattr | nodes.Getitem]", ast.find_all((nodes.Getattr, nodes.Getitem)))
    for node in found:
        target = node.node
        if not isinstance(target, nodes.Name) or target.name not in free:
            continue
        if isinstance(node, nodes.Getattr):
            field = node.attr
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            field = node.arg.value
        else:
            continue
        if (target.name, field) not in refs:
            refs.append((target.name, field))
        seen_ns.add(target.name)
    refs.extend((name, None) for name in sorted(free - seen_ns))
    return tuple(refs)


_DEFAULT_ENV: SafeEnvironment | None = None


def default_environment() -> SafeEnvironment:
    global _DEFAULT_ENV
    if _DEFAULT_ENV is None:
        _DEFAULT_ENV = SafeEnvironment()
    return _DEFAULT_ENV


def configure_default_limits(limits: TemplateLimits) -> None:
    """Bound templates compiled from now on by ``limits`` (the platform calls this once at
    start-up, from its settings); templates compiled before keep the limits they had."""
    global _DEFAULT_ENV
    _DEFAULT_ENV = SafeEnvironment(limits)


def compile_template(
    source: str, environment: SafeEnvironment | None = None, *, field: str | None = None
) -> Template:
    """Parse and compile once; raises ``TemplateError(code="template_syntax")`` on bad syntax.
    ``field``: the config field the template comes from (named in its render errors)."""
    return Template(source, environment or default_environment(), field)


def render(source: str, variables: Mapping[str, Any]) -> str:
    """One-off render (compiles every call: use :func:`compile_template` in hot code)."""
    return compile_template(source).render(variables)
