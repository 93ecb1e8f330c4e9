"""The bridge between stored graph JSON and the runtime: parse, validate, starter graph."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from builder.flows.errors import GraphMalformed
from runtime import GraphSpec, default_registry, validate


def parse_graph(data: Any) -> GraphSpec:
    """The spec for ``data``, or GraphMalformed naming the broken fields."""
    if not isinstance(data, dict):
        raise GraphMalformed("The graph must be a JSON object.")
    try:
        return GraphSpec.from_dict(data)
    except ValidationError as exc:
        details = [
            {"field": ".".join(str(p) for p in err["loc"]), "message": err["msg"]}
            for err in exc.errors(include_input=False, include_url=False)
        ]
        raise GraphMalformed("The graph does not have the expected shape.", details=details) from None


def graph_issues(spec: GraphSpec) -> list[dict[str, Any]]:
    return [
        {"code": str(i.code), "message": i.message, "node_id": i.node_id, "edge_id": i.edge_id, "field": i.field}
        for i in validate(spec, default_registry())
    ]


def starter_graph(name: str) -> dict[str, Any]:
    """A new app: one input, a start node and an answer node, already connected."""
    return GraphSpec.from_dict(
        {
            "name": name,
            "inputs": [{"name": "query", "type": "string", "description": "What the user asks."}],
            "nodes": [
                {"id": "start", "type": "start", "title": "Start", "position": {"x": 80, "y": 200}},
                {
                    "id": "answer",
                    "type": "answer",
                    "title": "Answer",
                    "config": {"template": "{{ inputs.query }}"},
                    "position": {"x": 420, "y": 200},
                },
            ],
            "edges": [{"id": "start-answer", "source": "start", "target": "answer"}],
        }
    ).to_dict()
