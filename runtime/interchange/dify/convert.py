"""The conversion: a Dify document in, a :class:`DifyImport` (graph spec + report) out.

Orchestration only: read and validate the document, declare the app inputs, map every
node (or list it as unmapped, with a note on the canvas), connect the edges, and check
the result is a valid graph spec.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runtime.interchange.dify.context import Conversion
from runtime.interchange.dify.document import (
    DifyInvalid,
    DifyNode,
    Unmappable,
    load_dify_yaml,
    read_nodes,
    read_variables,
    read_workflow,
)
from runtime.interchange.dify.edges import convert_edges
from runtime.interchange.dify.ids import assign_ids
from runtime.interchange.dify.node_types import NODE_TYPES, UNSUPPORTED
from runtime.interchange.dify.nodes import MAPPERS, declare_start_inputs, map_note
from runtime.interchange.dify.settings import node_settings
from runtime.interchange.dify.values import position
from runtime.spec import GraphSpec


@dataclass
class DifyImport:
    """The result of an import: the graph plus everything the user must know about it."""

    name: str
    description: str
    graph: dict[str, Any]
    unmapped: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    mode: str = "workflow"
    id_map: dict[str, str] = field(default_factory=dict)  # Dify node id -> our node id

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "mode": self.mode,
            "graph": self.graph,
            "unmapped": list(self.unmapped),
            "warnings": list(self.warnings),
            "id_map": dict(self.id_map),
        }


def dify_yaml_to_graph(text: str | bytes) -> DifyImport:
    """:func:`load_dify_yaml` then :func:`dify_to_graph`."""
    return dify_to_graph(load_dify_yaml(text))


def dify_to_graph(doc: dict[str, Any]) -> DifyImport:
    """Convert a parsed Dify DSL document. Raises :class:`DifyInvalid` (code ``dify_invalid``)
    when it is not a Dify workflow/chatflow export or is malformed."""
    workflow, raw_nodes, raw_edges = read_workflow(doc)
    app = doc.get("app") or {}
    mode = app.get("mode") or "workflow"
    env, conversation = read_variables(workflow)
    dify_nodes = read_nodes(raw_nodes)
    conv = Conversion(nodes=dify_nodes, ids=assign_ids(dify_nodes), env=env, conversation=conversation)
    _check_features(conv, workflow)

    starts = [dn for dn in conv.nodes.values() if dn.type == "start" and not dn.parent]
    for dn in starts:  # inputs first: every other node reads them
        declare_start_inputs(conv, dn)
    if not starts:
        conv.warn("the Dify graph has no start node; add one before running the app")

    nodes: list[dict[str, Any]] = []
    for dn in conv.nodes.values():
        if dn.type == "custom-note":
            conv.notes.append(map_note(conv, dn))
            continue
        try:
            nodes.append(_graph_node(conv, dn))
        except Unmappable as exc:
            _mark_unmapped(conv, dn, str(exc))
    edges = convert_edges(conv, raw_edges, {n["id"] for n in nodes})
    for provider, models in conv.providers.items():
        conv.warn(f"model provider '{provider}' must be configured in LLMOps Studio (models used: {', '.join(models)})")
    graph: dict[str, Any] = {
        "name": str(app.get("name") or ""),
        "description": str(app.get("description") or ""),
        "inputs": list(conv.inputs.values()),
        "outputs": list(conv.outputs.values()),
        "nodes": nodes,
        "edges": edges,
        "notes": conv.notes,
    }
    try:
        spec = GraphSpec.from_dict(graph)
    except ValueError as exc:  # a converter bug, not the user's: say so clearly
        raise DifyInvalid(f"the converted graph is not a valid graph spec: {exc}") from None
    return DifyImport(
        name=graph["name"],
        description=graph["description"],
        graph=spec.to_dict(),
        unmapped=conv.unmapped,
        warnings=conv.warnings,
        mode=mode,
        id_map={k: v for k, v in conv.ids.items() if k not in conv.unmapped_ids},
    )


def _check_features(conv: Conversion, workflow: dict[str, Any]) -> None:
    features = workflow.get("features") or {}
    if not isinstance(features, dict):
        return
    if features.get("opening_statement"):
        conv.warn("the chat opening statement is not converted")
    upload = features.get("file_upload") or {}
    if isinstance(upload, dict) and upload.get("enabled"):
        conv.warn("file upload is enabled in Dify; file inputs are not supported yet")


def _graph_node(conv: Conversion, dn: DifyNode) -> dict[str, Any]:
    """Our node for a Dify node; :class:`Unmappable` when it has no equivalent."""
    if dn.parent:
        container = conv.nodes.get(dn.parent)
        what = f"'{container.title}'" if container and container.title else "an iteration or loop"
        raise Unmappable(f"it is inside {what}, whose sub-graph is not converted")
    if dn.type in UNSUPPORTED:
        raise Unmappable(UNSUPPORTED[dn.type])
    if dn.type not in NODE_TYPES:
        raise Unmappable(f"unknown Dify node type {dn.type!r}")
    node_type, config = MAPPERS[dn.type](conv, dn)
    node: dict[str, Any] = {
        "id": conv.ids[dn.id],
        "type": node_type,
        "version": 1,
        "title": dn.title,
        "config": config,
        "position": position(dn.raw.get("position")),
    }
    settings = node_settings(dn)
    if settings:
        node["settings"] = settings
    return node


def _mark_unmapped(conv: Conversion, dn: DifyNode, reason: str) -> None:
    """List the node as unmapped and leave a note where it stood on the canvas."""
    conv.unmapped.append({"id": dn.id, "title": dn.title, "type": dn.type, "reason": reason})
    conv.unmapped_ids.add(dn.id)
    where = dn.raw.get("position") if isinstance(dn.raw.get("position"), dict) else {}
    if not dn.parent:
        conv.notes.append(
            {
                "id": f"unmapped_{conv.ids.get(dn.id, dn.id)}",
                "text": f"Not imported: Dify {dn.type} node '{dn.title or dn.id}'. {reason}.",
                "position": position(where),
                "color": "pink",
            }
        )
