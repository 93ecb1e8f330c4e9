"""Lenient reading of Dify scalar values: numbers written as text, canvas positions.

Dify files are hand-edited and produced by many versions; a value that cannot be read
becomes ``None`` (or a default) rather than an error.
"""

from __future__ import annotations

from typing import Any


def number(value: Any) -> float | None:
    """A finite float from a number or numeric text; ``None`` otherwise (booleans included)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value) if value == value and value not in (float("inf"), float("-inf")) else None
    try:
        result = float(str(value).strip())
    except ValueError:
        return None
    return result if result == result and abs(result) != float("inf") else None


def plain_number(value: float) -> int | float:
    """``3.0`` -> ``3``; other floats unchanged."""
    return int(value) if value.is_integer() else value


def integer(value: Any, default: int) -> int:
    """:func:`number` truncated to an int, or ``default``."""
    result = number(value)
    return default if result is None else int(result)


def position(raw: Any) -> dict[str, float]:
    """A canvas position ``{x, y}`` (missing coordinates are 0)."""
    raw = raw if isinstance(raw, dict) else {}
    return {"x": number(raw.get("x")) or 0.0, "y": number(raw.get("y")) or 0.0}
