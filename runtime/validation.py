"""``validate(spec, registry, models)``: every problem of a graph, each with a stable code.

Issues point at a node, an edge and/or a config field path so the editor can highlight
them. ``compile`` refuses a graph with issues; the editor shows them while drawing.

Each issue has a severity: an ``error`` stops the app from running or going live; a
``warning`` is shown but allowed. A required field left empty is a ``required`` error on that
field. With ``models`` (the models this installation can call, see :class:`ModelCatalog`)
every model a node names is checked too: one that is not available is a
``model_not_configured`` error on the node's model field. Without it (``None``, e.g. a
command-line check with no platform behind it) models are not checked.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterator
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any, Literal, cast, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from runtime.nodes.base import FAIL_HANDLE, REQUIRED, Node, NodeConfigError
from runtime.nodes.model_call import ModelRef
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
    REQUIRED = REQUIRED
    MODEL_NOT_CONFIGURED = "model_not_configured"
    MODEL_NOT_LISTED = "model_not_listed"


Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    message: str
    node_id: str | None = None
    edge_id: str | None = None
    field: str | None = None
    #: ``error``: the app cannot run or go live; ``warning``: shown, allowed.
    severity: Severity = ERROR

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ModelCatalog:
    """The models an app may call here: ``(provider, model)`` pairs.

    A provider in ``open_providers`` (a remote API) also serves models it does not list: its
    list is what the operator offers, so naming another of its models is only a warning."""

    models: frozenset[tuple[str, str]]
    open_providers: frozenset[str] = frozenset()

    @classmethod
    def of(cls, models: ModelCatalog | Collection[tuple[str, str]]) -> ModelCatalog:
        if isinstance(models, ModelCatalog):
            return models
        return cls(frozenset((str(p), str(m)) for p, m in models))

    def listed(self, provider: str) -> list[str]:
        return sorted(m for p, m in self.models if p == provider)

    def check(self, provider: str, model: str) -> tuple[IssueCode, Severity, str] | None:
        """Why ``provider/model`` cannot (or may not) be called here; None when it can."""
        if (provider, model) in self.models:
            return None
        listed = self.listed(provider)
        name = f"{provider}/{model}"
        if provider in self.open_providers:
            if not listed:
                return None
            return (
                IssueCode.MODEL_NOT_LISTED,
                WARNING,
                f"model {name} is not one of the models offered for provider {provider!r} "
                f"({', '.join(listed)}); calls fail if the provider does not serve it",
            )
        if listed:
            why = f"provider {provider!r} has no model {model!r} (it has {', '.join(listed)})"
        else:
            why = f"model provider {provider!r} is not configured here"
        return (
            IssueCode.MODEL_NOT_CONFIGURED,
            ERROR,
            f"model {name} is not available: {why}. Choose an available model, "
            f"or ask the operator to configure provider {provider!r}",
        )


@dataclass
class Analysis:
    """Validation result plus what compile reuses: built nodes and the edge lists."""

    issues: list[Issue]
    nodes: dict[str, Node[Any]] = field(default_factory=dict)
    start_id: str | None = None
    order: list[str] = field(default_factory=list)  # topological order (when acyclic)


def validate(
    spec: GraphSpec,
    registry: NodeRegistry,
    models: ModelCatalog | Collection[tuple[str, str]] | None = None,
) -> list[Issue]:
    """All issues of ``spec``; empty when the graph can be compiled (and, with ``models``, when
    every model it names can be called). ``models=None``: models are not checked."""
    return analyse(spec, registry, models).issues


def analyse(
    spec: GraphSpec,
    registry: NodeRegistry,
    models: ModelCatalog | Collection[tuple[str, str]] | None = None,
) -> Analysis:
    issues: list[Issue] = []
    nodes = _build_nodes(spec, registry, issues)
    if models is not None:
        _check_models(spec, nodes, registry, ModelCatalog.of(models), issues)
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
            config_model = registry.get(ns.type, ns.version).config_model
            for err in exc.errors():
                path = ".".join(str(p) for p in err["loc"])
                if _is_required(err):
                    issues.append(
                        Issue(IssueCode.REQUIRED.value, _required_message(config_model, err["loc"]),
                              node_id=ns.id, field=path)
                    )
                else:
                    issues.append(
                        Issue(IssueCode.INVALID_CONFIG.value, f"{path}: {err['msg']}", node_id=ns.id, field=path)
                    )
        except NodeConfigError as exc:
            issues.append(Issue(exc.code, exc.message, node_id=ns.id, field=exc.field))
    return nodes


_EMPTY: tuple[Any, ...] = (None, "", [], {})


def _is_required(err: ErrorDetails) -> bool:
    """A field left out, empty or blank (as opposed to filled in wrongly)."""
    if err["type"] in ("missing", REQUIRED):
        return True
    return err["type"] != "extra_forbidden" and any(err.get("input") == e for e in _EMPTY)


def _required_message(config_model: type[BaseModel], loc: tuple[int | str, ...]) -> str:
    """``Content is required (messages.1.template)``: the field's title, and where in a list."""
    title, cls = None, _model_in(config_model)
    for part in loc:
        if isinstance(part, int):
            continue
        info = cls.model_fields.get(part) if cls is not None else None
        if info is None:
            break
        title, cls = info.title or part, _model_in(info.annotation)
    path = ".".join(str(p) for p in loc)
    if title is None:
        return f"{path} is required"
    where = f" ({path})" if any(isinstance(p, int) for p in loc) else ""
    return f"{title} is required{where}"


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model an annotation holds (``X``, ``list[X]``, ``X | None``…), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _check_models(
    spec: GraphSpec,
    nodes: dict[str, Node[Any]],
    registry: NodeRegistry,
    catalog: ModelCatalog,
    issues: list[Issue],
) -> None:
    """Every model a node names (wherever in its config), and those of its sub-graphs. A node
    whose config has other problems still has its model checked, so all is said at once."""
    seen: set[str] = set()
    for ns in spec.nodes:
        if ns.id in seen:
            continue  # a duplicate id: said once
        seen.add(ns.id)
        node = nodes.get(ns.id)
        found = _walk(node.config, ()) if node is not None else _raw_model_refs(ns, registry)
        for path, value in found:
            if isinstance(value, ModelRef):
                problem = catalog.check(value.provider, value.model)
                if problem is not None:
                    code, severity, message = problem
                    issues.append(Issue(code.value, message, node_id=ns.id, field=path, severity=severity))
            else:  # a sub-graph: its model issues, on this node
                for sub in analyse(value, registry, catalog).issues:
                    if sub.code in (IssueCode.MODEL_NOT_CONFIGURED.value, IssueCode.MODEL_NOT_LISTED.value):
                        issues.append(
                            Issue(sub.code, f"sub-graph node {sub.node_id!r}: {sub.message}", node_id=ns.id,
                                  field=path, severity=sub.severity)
                        )


def _raw_model_refs(ns: NodeSpec, registry: NodeRegistry) -> Iterator[tuple[str, ModelRef]]:
    """The model fields of a node that could not be built, read from its raw config."""
    if (ns.type, ns.version) not in registry:
        return
    config_model = registry.get(ns.type, ns.version).config_model
    for name, info in config_model.model_fields.items():
        raw = ns.config.get(name)
        if _model_in(info.annotation) is ModelRef and isinstance(raw, dict):
            try:
                yield name, ModelRef.model_validate(raw)
            except ValidationError:
                continue  # already an issue of its own


def _walk(value: Any, path: tuple[str, ...]) -> Iterator[tuple[str, ModelRef | GraphSpec]]:
    """The model references and sub-graphs inside a node config, with their config paths."""
    if isinstance(value, (ModelRef, GraphSpec)):
        yield ".".join(path), value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _walk(getattr(value, name), (*path, name))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _walk(item, (*path, str(i)))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*path, str(key)))


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
    if namespace not in ancestors:  # every node of the graph has an entry, built or not
        return IssueCode.UNKNOWN_VARIABLE, f"'{ref}': no node, input or sys variable named {namespace!r}"
    if namespace not in ancestors.get(node_id, set()):
        return IssueCode.VARIABLE_NOT_UPSTREAM, f"'{ref}': node {namespace!r} does not run before {node_id!r}"
    if namespace not in nodes:
        return None  # its config has issues of its own; what it outputs is known once they are fixed
    names = nodes[namespace].output_names()
    # ``error`` is what a node routed to its ``fail`` handle outputs.
    if field is not None and names is not None and field not in names and field != "error":
        return IssueCode.UNKNOWN_OUTPUT_FIELD, f"'{ref}': node {namespace!r} outputs only {sorted(names)}"
    return None
