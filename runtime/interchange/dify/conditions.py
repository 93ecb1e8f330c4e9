"""Dify if-else conditions -> our branch conditions.

Dify comparison operators map to ours (``is`` -> ``equals``, ``≥`` -> ``gte``, ...); the
ones we lack (``not contains``, ``start with``, ``end with``, ``in``, ``not in``) become
anchored regular expressions. Conditions that compare with another variable, or test file
attributes, cannot be expressed and make the node unmapped.
"""

from __future__ import annotations

import re
from typing import Any

from runtime.interchange.dify.context import Conversion
from runtime.interchange.dify.document import DifyNode, Unmappable
from runtime.interchange.dify.references import DIFY_REF, config_selector
from runtime.interchange.dify.values import number, plain_number

_SIMPLE_OPS = {
    "contains": "contains",
    "is": "equals",
    "is not": "not_equals",
    "=": "equals",
    "≠": "not_equals",
    "!=": "not_equals",
    ">": "gt",
    "<": "lt",
    "≥": "gte",
    ">=": "gte",
    "≤": "lte",
    "<=": "lte",
    "empty": "empty",
    "not empty": "not_empty",
    "null": "empty",
    "is null": "empty",
    "not null": "not_empty",
    "is not null": "not_empty",
    "exists": "not_empty",
    "not exists": "empty",
    "regex match": "regex",
}
_NUMERIC_OPS = ("gt", "lt", "gte", "lte")
_MAX_REGEX = 500


def map_condition(conv: Conversion, cond: Any, dn: DifyNode, case_no: int) -> dict[str, Any]:
    """One Dify condition of case ``case_no`` -> ``{variable, operator[, value]}``."""
    if not isinstance(cond, dict):
        raise Unmappable(f"case {case_no} has a malformed condition")
    op = str(cond.get("comparison_operator") or "")
    if cond.get("sub_variable_condition"):
        raise Unmappable("it tests file attributes (sub-variable conditions), which are not supported")
    if cond.get("value_type") == "value_selector" or cond.get("value_selector"):
        raise Unmappable("a condition compares with another variable; branch conditions compare with fixed values")
    value = cond.get("value")
    if isinstance(value, str) and DIFY_REF.search(value):
        raise Unmappable(
            "a condition compares with a variable ({{#...#}}); branch conditions compare with fixed values"
        )
    variable = config_selector(conv, cond.get("variable_selector"), dn, f"a condition of case {case_no}")
    if op in _SIMPLE_OPS:
        operator = _SIMPLE_OPS[op]
        if operator in ("empty", "not_empty"):
            return {"variable": variable, "operator": operator}
        if operator in _NUMERIC_OPS:
            parsed = number(value)
            if parsed is None:
                raise Unmappable(f"condition '{variable} {op} {value}' needs a number")
            value = plain_number(parsed)
        elif operator in ("equals", "not_equals") and (cond.get("varType") == "number" or op in ("=", "≠", "!=")):
            parsed = number(value)
            value = plain_number(parsed) if parsed is not None else value
        elif value is None:
            value = ""
        return {"variable": variable, "operator": operator, "value": value}
    return {"variable": variable, "operator": "regex", "value": _pattern(op, value)}


def _pattern(op: str, value: Any) -> str:
    """An anchored regular expression for an operator we have no direct equivalent of."""
    text = "" if value is None else value
    if op == "not contains":
        pattern = r"\A(?![\s\S]*" + re.escape(str(text)) + ")"
    elif op == "start with":
        pattern = r"\A" + re.escape(str(text))
    elif op == "end with":
        pattern = re.escape(str(text)) + r"\Z"
    elif op in ("in", "not in"):
        items = text if isinstance(text, list) else [text]
        alternatives = "|".join(re.escape(str(v)) for v in items)
        pattern = rf"\A(?:{alternatives})\Z" if op == "in" else rf"\A(?!(?:{alternatives})\Z)"
    else:
        raise Unmappable(f"the comparison operator {op!r} is not supported")
    if len(pattern) > _MAX_REGEX:
        raise Unmappable(f"the value of '{op}' is too long to express as a pattern")
    return pattern
