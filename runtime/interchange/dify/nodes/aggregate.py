"""Dify variable-aggregator (``variable-assigner`` in early versions) -> aggregate."""

from __future__ import annotations

from typing import Any

from runtime.interchange.dify.context import Conversion
from runtime.interchange.dify.document import DifyNode, Unmappable
from runtime.interchange.dify.references import config_selector


def map_variable_aggregator(conv: Conversion, dn: DifyNode) -> tuple[str, dict[str, Any]]:
    """variable-aggregator -> aggregate over the selected variables (ungrouped only)."""
    data = dn.data
    advanced = data.get("advanced_settings") or {}
    if isinstance(advanced, dict) and advanced.get("group_enabled"):
        raise Unmappable("grouped aggregation is not supported; use one aggregate node per group")
    variables = data.get("variables") or []
    if not isinstance(variables, list) or not all(isinstance(v, list) for v in variables):
        raise Unmappable("it assigns conversation variables, which is not supported")
    inputs = [config_selector(conv, v, dn, "a variable") for v in variables]
    if not inputs:
        raise Unmappable("it aggregates no variables")
    return "aggregate", {"inputs": inputs}
