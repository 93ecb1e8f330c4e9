"""Build ``start -> node(s) -> end`` graphs for node tests."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from runtime.engine.compiled import CompiledGraph, compile_graph
from runtime.spec import GraphSpec


def linear_graph(
    *nodes: dict[str, Any], inputs: dict[str, str] | None = None, outputs: dict[str, str] | None = None
) -> CompiledGraph:
    """Compile start -> ``nodes`` (in order) -> end. ``inputs`` maps name -> type."""
    ids = ["start", *(n["id"] for n in nodes), "end"]
    spec = GraphSpec.from_dict(
        {
            "name": "node-test",
            "inputs": [{"name": name, "type": kind} for name, kind in (inputs or {}).items()],
            "nodes": [
                {"id": "start", "type": "start"},
                *nodes,
                {"id": "end", "type": "end", "config": {"outputs": outputs or {}}},
            ],
            "edges": [{"id": f"e{i}", "source": a, "target": b} for i, (a, b) in enumerate(pairwise(ids))],
        }
    )
    return compile_graph(spec)
