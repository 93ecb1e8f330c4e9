"""The Dify DSL document: recognising, loading and validating an export, and its errors.

Everything here is about the *shape* of the file (``kind: app``, ``app.mode``,
``workflow.graph.nodes/edges``, environment and conversation variables); nothing here
knows what a node means in LLMOps Studio.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from runtime.errors import RuntimeFailure

WORKFLOW_MODES = ("workflow", "advanced-chat")
OTHER_MODES = ("chat", "agent-chat", "completion")
MAX_YAML_CHARS = 10_000_000


class DifyInvalid(RuntimeFailure):
    """The document is not a Dify workflow/chatflow export, or it is malformed."""

    code = "dify_invalid"


class Unmappable(Exception):
    """Raised while converting one node: it joins ``unmapped`` with this reason."""


@dataclass
class DifyNode:
    """One node of ``workflow.graph.nodes``, as read from the file."""

    index: int
    id: str
    type: str
    title: str
    data: dict[str, Any]
    raw: dict[str, Any]
    parent: str | None = None  # iteration/loop container

    @property
    def label(self) -> str:
        return f"'{self.title}'" if self.title else f"node {self.id}"


def is_dify_document(doc: Any) -> bool:
    """True for a Dify workflow/chatflow export: ``kind: app`` with ``workflow.graph.nodes``
    and ``edges`` lists, or an ``app.mode`` of ``workflow``/``advanced-chat``."""
    if not isinstance(doc, dict):
        return False
    workflow = doc.get("workflow")
    graph = workflow.get("graph") if isinstance(workflow, dict) else None
    has_graph = (
        isinstance(graph, dict) and isinstance(graph.get("nodes"), list) and isinstance(graph.get("edges"), list)
    )
    if doc.get("kind") == "app" and has_graph:
        return True
    app = doc.get("app")
    mode = app.get("mode") if isinstance(app, dict) else None
    return mode in WORKFLOW_MODES and isinstance(workflow, dict)


def load_dify_yaml(text: str | bytes) -> dict[str, Any]:
    """Parse a Dify DSL file; :class:`DifyInvalid` when it is not a YAML mapping."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise DifyInvalid("the file is not UTF-8 text; a Dify DSL export is a .yml file") from None
    if len(text) > MAX_YAML_CHARS:
        raise DifyInvalid(f"the file is larger than {MAX_YAML_CHARS} characters")
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise DifyInvalid(f"the file is not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(doc, dict):
        raise DifyInvalid("a Dify DSL file is a YAML mapping with 'kind: app', 'app' and 'workflow'")
    return doc


def read_workflow(doc: Any) -> tuple[dict[str, Any], list[Any], list[Any]]:
    """The ``workflow`` section and its raw node and edge lists; :class:`DifyInvalid` when the
    document is not a workflow/chatflow export."""
    if not isinstance(doc, dict):
        raise DifyInvalid(
            f"a Dify DSL document is a mapping with 'kind: app', 'app' and 'workflow', not {type(doc).__name__}"
        )
    kind = doc.get("kind")
    if kind is not None and kind != "app":
        raise DifyInvalid(f"'kind: {kind}' is not a Dify app export (expected 'kind: app')")
    app = doc.get("app")
    if app is None:
        app = {}
    if not isinstance(app, dict):
        raise DifyInvalid("'app' must be a mapping (name, mode, description)")
    mode = app.get("mode")
    name = app.get("name") or "this app"
    if mode in OTHER_MODES:
        raise DifyInvalid(
            f"'{name}' is a Dify {mode} app; only workflow and chatflow (advanced-chat) apps have a graph to import"
        )
    if mode is not None and mode not in WORKFLOW_MODES:
        raise DifyInvalid(f"unknown Dify app mode {mode!r} (expected workflow or advanced-chat)")
    if kind is None and mode is None:
        raise DifyInvalid("not a Dify DSL export: it has neither 'kind: app' nor 'app.mode'")
    workflow = doc.get("workflow")
    if not isinstance(workflow, dict):
        raise DifyInvalid("the document has no 'workflow' section: it is not a Dify workflow export")
    graph = workflow.get("graph")
    if not isinstance(graph, dict):
        raise DifyInvalid("'workflow.graph' is missing or not a mapping")
    nodes, edges = graph.get("nodes"), graph.get("edges", [])
    if not isinstance(nodes, list) or not isinstance(edges, list):
        raise DifyInvalid("'workflow.graph.nodes' and 'workflow.graph.edges' must be lists")
    if not nodes:
        raise DifyInvalid("the workflow graph has no nodes")
    return workflow, nodes, edges


def read_variables(workflow: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Environment and conversation variables by name."""
    env: dict[str, dict[str, Any]] = {}
    conversation: dict[str, dict[str, Any]] = {}
    for key, target in (("environment_variables", env), ("conversation_variables", conversation)):
        items = workflow.get(key) or []
        if not isinstance(items, list):
            raise DifyInvalid(f"'workflow.{key}' must be a list")
        for item in items:
            if isinstance(item, dict) and item.get("name"):
                target[str(item["name"])] = item
    return env, conversation


def read_nodes(raw_nodes: list[Any]) -> dict[str, DifyNode]:
    """The graph's nodes by Dify id, in file order."""
    nodes: dict[str, DifyNode] = {}
    for index, raw in enumerate(raw_nodes):
        if not isinstance(raw, dict):
            raise DifyInvalid(f"workflow.graph.nodes[{index}] is not a mapping")
        node_id = raw.get("id")
        if node_id is None or isinstance(node_id, (dict, list, bool)) or str(node_id) == "":
            raise DifyInvalid(f"workflow.graph.nodes[{index}] has no id")
        node_id = str(node_id)
        if node_id in nodes:
            raise DifyInvalid(f"node id {node_id!r} is used twice in workflow.graph.nodes")
        raw_data = raw.get("data")
        data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
        node_type = data.get("type") or ""
        if raw.get("type") == "custom-note":
            node_type = "custom-note"
        elif raw.get("type") in ("custom-iteration-start", "custom-loop-start") and not node_type:
            node_type = "iteration-start" if "iteration" in raw["type"] else "loop-start"
        if not isinstance(node_type, str) or not node_type:
            raise DifyInvalid(f"workflow.graph.nodes[{index}] (id {node_id}) has no data.type")
        parent = (
            raw.get("parentId")
            or data.get("iteration_id")
            or data.get("loop_id")
            or (data.get("isInIteration") and "iteration")
            or (data.get("isInLoop") and "loop")
            or None
        )
        nodes[node_id] = DifyNode(
            index, node_id, node_type, str(data.get("title") or ""), data, raw, str(parent) if parent else None
        )
    return nodes


def list_field(container: dict[str, Any], key: str, owner: DifyNode | None) -> list[Any]:
    """``container[key]`` as a list (missing/empty: ``[]``); anything else is a malformed file."""
    value = container.get(key)
    if value in (None, "", {}):
        return []
    if not isinstance(value, list):
        where = f"node {owner.id} ({owner.title or owner.type})" if owner else "the file"
        raise DifyInvalid(f"{where}: '{key}' must be a list, not {type(value).__name__}")
    return value
