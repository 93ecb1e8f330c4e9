"""What changed between two graphs: nodes added, removed and changed (down to config fields),
edges added and removed, and app inputs. Pure data in, pure data out: the editor colours the
canvas from it and lists the changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runtime.spec import EdgeSpec, GraphSpec

# Where a node's position moved is not a change a reviewer cares about.
_IGNORED_NODE_KEYS = frozenset({"position"})


@dataclass(slots=True)
class FieldChange:
    path: str
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "before": self.before, "after": self.after}


@dataclass(slots=True)
class GraphDiff:
    added_nodes: list[dict[str, Any]] = field(default_factory=list)
    removed_nodes: list[dict[str, Any]] = field(default_factory=list)
    changed_nodes: list[dict[str, Any]] = field(default_factory=list)
    added_edges: list[dict[str, Any]] = field(default_factory=list)
    removed_edges: list[dict[str, Any]] = field(default_factory=list)
    inputs: dict[str, list[Any]] = field(default_factory=lambda: {"added": [], "removed": [], "changed": []})

    @property
    def is_empty(self) -> bool:
        return not (
            self.added_nodes or self.removed_nodes or self.changed_nodes or self.added_edges
            or self.removed_edges or any(self.inputs.values())
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "nodes": {"added": self.added_nodes, "removed": self.removed_nodes, "changed": self.changed_nodes},
            "edges": {"added": self.added_edges, "removed": self.removed_edges},
            "inputs": self.inputs,
            "summary": {
                "added": len(self.added_nodes) + len(self.added_edges),
                "removed": len(self.removed_nodes) + len(self.removed_edges),
                "changed": len(self.changed_nodes),
            },
        }


def diff_graphs(before: GraphSpec, after: GraphSpec) -> GraphDiff:
    """Changes that turn ``before`` into ``after``. Nodes are matched by id, edges by their ends."""
    diff = GraphDiff()
    old_nodes = {n.id: n.model_dump(mode="json") for n in before.nodes}
    new_nodes = {n.id: n.model_dump(mode="json") for n in after.nodes}
    diff.added_nodes = [new_nodes[i] for i in new_nodes if i not in old_nodes]
    diff.removed_nodes = [old_nodes[i] for i in old_nodes if i not in new_nodes]
    for node_id in old_nodes.keys() & new_nodes.keys():
        changes = _changes(old_nodes[node_id], new_nodes[node_id], "", _IGNORED_NODE_KEYS)
        if changes:
            diff.changed_nodes.append(
                {"id": node_id, "title": new_nodes[node_id].get("title") or node_id,
                 "type": new_nodes[node_id]["type"], "changes": [c.to_dict() for c in changes]}
            )
    diff.changed_nodes.sort(key=lambda n: n["id"])

    old_edges = {_edge_key(e): e.model_dump(mode="json") for e in before.edges}
    new_edges = {_edge_key(e): e.model_dump(mode="json") for e in after.edges}
    diff.added_edges = [new_edges[k] for k in new_edges if k not in old_edges]
    diff.removed_edges = [old_edges[k] for k in old_edges if k not in new_edges]

    old_inputs = {i.name: i.model_dump(mode="json") for i in before.inputs}
    new_inputs = {i.name: i.model_dump(mode="json") for i in after.inputs}
    diff.inputs = {
        "added": [new_inputs[n] for n in new_inputs if n not in old_inputs],
        "removed": [old_inputs[n] for n in old_inputs if n not in new_inputs],
        "changed": [
            {"name": n, "changes": [c.to_dict() for c in _changes(old_inputs[n], new_inputs[n], "", frozenset())]}
            for n in sorted(old_inputs.keys() & new_inputs.keys())
            if old_inputs[n] != new_inputs[n]
        ],
    }
    return diff


def _edge_key(edge: EdgeSpec) -> tuple[str, str, str, str]:
    return (edge.source, edge.source_handle, edge.target, edge.target_handle)


def _changes(before: Any, after: Any, path: str, ignored: frozenset[str]) -> list[FieldChange]:
    if isinstance(before, dict) and isinstance(after, dict):
        found: list[FieldChange] = []
        for key in sorted(before.keys() | after.keys()):
            if not path and key in ignored:
                continue
            child = f"{path}.{key}" if path else key
            found += _changes(before.get(key), after.get(key), child, ignored)
        return found
    return [] if before == after else [FieldChange(path, before, after)]
