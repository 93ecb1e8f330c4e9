"""Size estimates of values: how long a value's text would be, found without building it.

A walk stops as soon as its estimate passes the limit it was given, so it costs O(limit) even
for a container that would print as gigabytes.
"""

from __future__ import annotations

import re
from collections.abc import ItemsView, Iterable, KeysView, Mapping, ValuesView
from typing import Any


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
