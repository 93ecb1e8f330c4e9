"""Dify if-else -> branch: one case per Dify case, ``false`` becomes ``else``.

The conditions themselves are mapped in :mod:`runtime.interchange.dify.conditions`.
"""

from __future__ import annotations

from typing import Any

from runtime.interchange.dify.conditions import map_condition
from runtime.interchange.dify.context import Conversion
from runtime.interchange.dify.document import DifyNode, Unmappable, list_field
from runtime.interchange.dify.ids import HANDLE_ID


def map_if_else(conv: Conversion, dn: DifyNode) -> tuple[str, dict[str, Any]]:
    """if-else -> branch; each case id becomes a branch handle."""
    data = dn.data
    cases = data.get("cases")
    if not cases:  # Dify < 0.6.x: one case ('true') at the top level
        cases = [
            {
                "case_id": "true",
                "logical_operator": data.get("logical_operator") or "and",
                "conditions": data.get("conditions") or [],
            }
        ]
    if not isinstance(cases, list):
        raise Unmappable("its cases are not a list")
    ours, handles, taken = [], {"false": "else"}, set()
    for i, case in enumerate(cases, 1):
        if not isinstance(case, dict):
            raise Unmappable(f"case {i} is not a mapping")
        dify_id = str(case.get("case_id") or case.get("id") or "")
        case_id = dify_id if HANDLE_ID.match(dify_id) and dify_id != "else" else f"case_{i}"
        if case_id in taken:
            case_id = f"case_{i}"
        taken.add(case_id)
        handles[dify_id] = case_id
        conditions = [map_condition(conv, c, dn, i) for c in list_field(case, "conditions", dn)]
        if not conditions:
            raise Unmappable(f"case {i} has no conditions")
        logical = case.get("logical_operator") or "and"
        ours.append(
            {
                "id": case_id,
                "logical_operator": logical if logical in ("and", "or") else "and",
                "conditions": conditions,
            }
        )
    conv.handle_maps[dn.id] = handles
    return "branch", {"cases": ours}
