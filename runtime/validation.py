"""``validate(spec, registry)``: every problem of a graph, each with a stable code.

Issues point at a node, an edge and/or a config field path so the editor can highlight
them. ``compile`` refuses a graph with issues; the editor shows them while drawing.
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any, cast

from pydantic import ValidationError

from runtime.nodes.base import FAIL_HANDLE, Node, NodeConfigError
from runtime.registry import NodeRegistry, UnknownNodeType
from runtime.spec import RESERVED_NAMESPACES, SYS_VARIABLES, GraphSpec, NodeSpec


class IssueCode(str, Enum):
    DUPLICATE_NODE_ID = "duplicate_node_id"
    DUPLICATE_EDGE_ID = "duplicate_edge_id"
    RESERVED_NODE_ID = "reserved_node_id"
    UNKNOWN_NODE_TYPE = "unknown_node_type"
    UNKNOWN_NODE_VERSION = "unknown_node_version"
    INVALID_CONFIG = "invalid_config"
    DANGLING_EDGE = "dangling_edge"
    EDGE_INTO_START = "edge_into_start"
    UNKNOWN_HANDLE = "unknown_handle"
    NO_START = "no_start"
    SEVERAL_STARTS = "several_starts"
    CYCLE = "cycle"
    UNREACHABLE_NODE = "unreachable_node"
    NO_REACHABLE_END = "no_reachable_end"
    UNKNOWN_VARIABLE = "unknown_variable"
    VARIABLE_NOT_UPSTREAM = "variable_not_upstream"
    UNKNOWN_OUTPUT_FIELD = "unknown_output_field"
    OUTPUT_NOT_PRODUCED = "output_not_produced"


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    message: str
    node_id: str | None = None
    edge_id: str | None = None
    field: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Analysis:
    """Validation result plus what compile reuses: built nodes and the edge lists."""

    issues: list[Issue]
    nodes: dict[str, Node[Any]] = field(default_factory=dict)
    start_id: str | None = None
    order: list[str] = field(default_factory=list)  # topological order (when acyclic)


def validate(spec: GraphSpec, registry: NodeRegistry) -> list[Issue]:
    """All issues of ``spec``; empty when the graph can be compiled."""
    return analyse(spec, registry).issues


def analyse(spec: GraphSpec, registry: NodeRegistry) -> Analysis:
    issues: list[Issue] = []
    nodes = _build_nodes(spec, registry, issues)
    known_ids = {n.id for n in spec.nodes}

    succ: dict[str, list[str]] = {nid: [] for nid in known_ids}
    seen_edges: set[str] = set()
    for edge in spec.edges:
        if edge.id in seen_edges:
            issues.append(
                Issue(
                    IssueCode.DUPLICATE_EDGE_ID.value, f"edge id {edge.id!r} is used twice", edge_id=edge.id
                )
            )
        seen_edges.add(edge.id)
        missing = [end for end in (edge.source, edge.target) if end not in known_ids]
        if missing:
            issues.append(
                Issue(
                    IssueCode.DANGLING_EDGE.value,
                    f"edge {edge.id!r} points at missing node(s) {missing}",
                    edge_id=edge.id,
                )
            )
            continue
        succ[edge.source].append(edge.target)
        source, target = nodes.get(edge.source), nodes.get(edge.target)
        if target is not None and target.is_start:
            issues.append(
                Issue(
                    IssueCode.EDGE_INTO_START.value,
                    "the start node cannot have incoming edges",
                    edge_id=edge.id,
                    node_id=edge.target,
                )
            )
        if source is not None:
            allowed = set(source.source_handles())
            settings = cast(NodeSpec, spec.node(edge.source)).settings  # built from the spec: it has the node
            if settings.error_strategy == "fail_branch":
                allowed.add(FAIL_HANDLE)
            if edge.source_handle not in allowed:
                issues.append(
                    Issue(
                        IssueCode.UNKNOWN_HANDLE.value,
                        f"node {edge.source!r} has no handle {edge.source_handle!r} (handles: {sorted(allowed)})",
                        node_id=edge.source,
                        edge_id=edge.id,
                    )
                )

    starts = [nid for nid, node in nodes.items() if node.is_start]
    start_id = starts[0] if len(starts) == 1 else None
    if not starts:
        issues.append(Issue(IssueCode.NO_START.value, "the graph has no start node"))
    elif len(starts) > 1:
        for nid in starts[1:]:
            issues.append(
                Issue(IssueCode.SEVERAL_STARTS.value, f"more than one start node: {starts}", node_id=nid)
            )

    order = _topological_order(succ)
    if len(order) < len(succ):
        in_cycle = sorted(set(succ) - set(order))
        issues.append(
            Issue(
                IssueCode.CYCLE.value,
                f"nodes {in_cycle} form a cycle; repeat work with an iteration node instead",
                node_id=in_cycle[0],
            )
        )

    if start_id is not None:
        reachable = _reachable(start_id, succ)
        for nid in (n.id for n in spec.nodes):
            if nid not in reachable:
                issues.append(
                    Issue(
                        IssueCode.UNREACHABLE_NODE.value,
                        f"node {nid!r} is not reachable from the start",
                        node_id=nid,
                    )
                )
        if not any(nodes[n].is_terminal for n in reachable if n in nodes):
            issues.append(
                Issue(IssueCode.NO_REACHABLE_END.value, "no end or answer node is reachable from the start")
            )

    if len(order) == len(succ):
        _check_references(spec, nodes, succ, order, issues)
    return Analysis(issues, nodes, start_id, order)


def _build_nodes(spec: GraphSpec, registry: NodeRegistry, issues: list[Issue]) -> dict[str, Node[Any]]:
    nodes: dict[str, Node[Any]] = {}
    seen: set[str] = set()
    for ns in spec.nodes:
        if ns.id in seen:
            issues.append(
                Issue(IssueCode.DUPLICATE_NODE_ID.value, f"node id {ns.id!r} is used twice", node_id=ns.id)
            )
            continue
        seen.add(ns.id)
        if ns.id in RESERVED_NAMESPACES:
            issues.append(
                Issue(IssueCode.RESERVED_NODE_ID.value, f"node id {ns.id!r} is reserved", node_id=ns.id)
            )
        try:
            nodes[ns.id] = registry.build(ns)
        except UnknownNodeType as exc:
            code = IssueCode.UNKNOWN_NODE_VERSION if exc.known_versions else IssueCode.UNKNOWN_NODE_TYPE
            issues.append(Issue(code.value, str(exc), node_id=ns.id, field="type"))
        except ValidationError as exc:
            for err in exc.errors():
                path = ".".join(str(p) for p in err["loc"])
                issues.append(
                    Issue(IssueCode.INVALID_CONFIG.value, f"{path}: {err['msg']}", node_id=ns.id, field=path)
                )
        except NodeConfigError as exc:
            issues.append(Issue(exc.code, exc.message, node_id=ns.id, field=exc.field))
    return nodes


def _topological_order(succ: dict[str, list[str]]) -> list[str]:
    indegree = {nid: 0 for nid in succ}
    for targets in succ.values():
        for t in targets:
            indegree[t] += 1
    queue = deque(nid for nid, d in indegree.items() if d == 0)
    order = []
    while queue:
        nid = queue.popleft()
        order.append(nid)
        for t in succ[nid]:
            indegree[t] -= 1
            if indegree[t] == 0:
                queue.append(t)
    return order


def _reachable(start: str, succ: dict[str, list[str]]) -> set[str]:
    seen = {start}
    stack = [start]
    while stack:
        for t in succ[stack.pop()]:
            if t not in seen:
                seen.add(t)
                stack.append(t)
    return seen


def _check_references(
    spec: GraphSpec,
    nodes: dict[str, Node[Any]],
    succ: dict[str, list[str]],
    order: list[str],
    issues: list[Issue],
) -> None:
    ancestors: dict[str, set[str]] = {nid: set() for nid in succ}
    for nid in order:
        for t in succ[nid]:
            ancestors[t] |= ancestors[nid] | {nid}
    input_names = {i.name for i in spec.inputs}
    for nid, node in nodes.items():
        for ref in node.references():
            problem = _reference_problem(ref.namespace, ref.field, nid, nodes, ancestors, input_names)
            if problem:
                code, message = problem
                issues.append(Issue(code.value, message, node_id=nid, field=ref.config_field))
    produced: set[str] = set()
    for node in nodes.values():
        if node.is_terminal:
            produced |= node.output_names() or set()
    for out in spec.outputs:
        if out.name not in produced:
            issues.append(
                Issue(
                    IssueCode.OUTPUT_NOT_PRODUCED.value, f"app output {out.name!r} is not set by any end node"
                )
            )


def _reference_problem(
    namespace: str,
    field: str | None,
    node_id: str,
    nodes: dict[str, Node[Any]],
    ancestors: dict[str, set[str]],
    input_names: set[str],
) -> tuple[IssueCode, str] | None:
    ref = f"{namespace}.{field}" if field else namespace
    if namespace == "inputs":
        if field is not None and field not in input_names:
            return IssueCode.UNKNOWN_VARIABLE, f"'{ref}': the app has no input {field!r}"
        return None
    if namespace == "sys":
        if field is not None and field not in SYS_VARIABLES:
            return IssueCode.UNKNOWN_VARIABLE, f"'{ref}': sys has only {list(SYS_VARIABLES)}"
        return None
    if namespace not in nodes:
        return IssueCode.UNKNOWN_VARIABLE, f"'{ref}': no node, input or sys variable named {namespace!r}"
    if namespace not in ancestors.get(node_id, set()):
        return IssueCode.VARIABLE_NOT_UPSTREAM, f"'{ref}': node {namespace!r} does not run before {node_id!r}"
    names = nodes[namespace].output_names()
    # ``error`` is what a node routed to its ``fail`` handle outputs.
    if field is not None and names is not None and field not in names and field != "error":
        return IssueCode.UNKNOWN_OUTPUT_FIELD, f"'{ref}': node {namespace!r} outputs only {sorted(names)}"
    return None
