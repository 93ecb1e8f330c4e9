"""What filters, methods and formats may build: each is sized against the budget before it runs.

A filter rule reads the filter's bound arguments and spends what its result will cost; a method
rule returns the length of the text a ``str``/``bytes`` method will build; the formatters size
each ``str.format`` field before formatting it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, pass_environment
from jinja2.filters import make_attrgetter, make_multi_attrgetter
from jinja2.sandbox import SandboxedEscapeFormatter, SandboxedFormatter

from runtime.templates.limits import _Budget, _budget
from runtime.templates.sizing import _built, _count

if TYPE_CHECKING:
    from runtime.templates.sandbox import SafeEnvironment

_PRINTF = re.compile(r"%(?:\(([^)]*)\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.?)", re.S)
_FORMAT_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(\d*)[,_]?(?:\.(\d+))?[a-zA-Z%]?", re.S)

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
