"""Dify edges -> ours.

Source handles are renamed (classifier classes and if-else cases to our handle ids,
``fail-branch`` to ``fail``); edges of unmapped nodes are removed with one warning per
node; duplicates and edges to nodes missing from the file are dropped.
"""

from __future__ import annotations

from typing import Any

from runtime.interchange.dify.context import Conversion
from runtime.interchange.dify.document import DifyInvalid


def convert_edges(conv: Conversion, raw_edges: list[Any], node_ids: set[str]) -> list[dict[str, Any]]:
    """Our edges between the converted nodes ``node_ids``."""
    edges: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    used_ids: set[str] = set()
    removed: dict[str, int] = {}
    for index, raw in enumerate(raw_edges):
        if not isinstance(raw, dict) or raw.get("source") in (None, "") or raw.get("target") in (None, ""):
            raise DifyInvalid(f"workflow.graph.edges[{index}] needs a source and a target")
        source, target = str(raw["source"]), str(raw["target"])
        missing = [end for end in (source, target) if end not in conv.nodes]
        if missing:
            conv.warn(f"an edge points at node(s) {missing} that are not in the file; it was dropped")
            continue
        gone = [end for end in (source, target) if end in conv.unmapped_ids]
        if gone:
            for end in gone:
                removed[end] = removed.get(end, 0) + 1
            continue
        ours_source, ours_target = conv.ids.get(source), conv.ids.get(target)
        if ours_source not in node_ids or ours_target not in node_ids:
            continue  # a note
        handle = _source_handle(conv, source, raw.get("sourceHandle"))
        if handle is None:
            continue
        key = (ours_source, handle, ours_target)
        if key in seen:
            continue
        seen.add(key)
        edge_id = f"e_{ours_source}_{ours_target}" + ("" if handle == "out" else f"_{handle}")
        candidate, n = edge_id, 2
        while candidate in used_ids:
            candidate, n = f"{edge_id}_{n}", n + 1
        used_ids.add(candidate)
        edges.append(
            {
                "id": candidate,
                "source": ours_source,
                "source_handle": handle,
                "target": ours_target,
                "target_handle": "in",
            }
        )
    for dify_id, count in removed.items():
        dn = conv.nodes[dify_id]
        conv.warn(
            f"removed {count} edge(s) of the unmapped {dn.type} node '{dn.title or dn.id}'; reconnect the "
            "graph around it"
        )
    return edges


def _source_handle(conv: Conversion, source: str, handle: Any) -> str | None:
    dn = conv.nodes[source]
    handle = "source" if handle in (None, "") else str(handle)
    if handle == "fail-branch":
        return "fail"
    handles = conv.handle_maps.get(source)
    if handles is not None:
        if handle in handles:
            return handles[handle]
        conv.warn(f"an edge leaves {dn.label} from the unknown branch {handle!r}; it was dropped")
        return None
    if handle != "source":
        conv.warn(f"an edge leaves {dn.label} from the unknown handle {handle!r}; it was connected to 'out'")
    return "out"
