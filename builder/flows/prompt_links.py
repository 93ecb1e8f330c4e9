"""Library prompts inside graphs.

A model node may use a prompt of the library (its link: ``config.prompt`` on an LLM node,
``config.library_prompt`` on a classifier or an agent, whose ``prompt`` is their task; ``ref``:
``name@label``, ``name@v3`` or ``name``) instead of messages of its own. :func:`resolve_links` copies the version a
reference names *now* into the node — its messages, its model, its declared defaults — and writes
the version's number into the link: the link is then *pinned*. Every graph that runs or becomes a
version goes through it, so a run's graph and a saved or published version say exactly which
prompt version they hold. A pinned link stays as it is (a version never changes); a draft's links
are not pinned (the editor writes only the reference, and restoring a version into the draft
unpins them), so a label moved later reaches a draft at its next run, and a published app only
when it is republished (:func:`resolve_links` with ``repin``). :func:`prompt_uses` lists the
prompts a stored graph holds beside what their references resolve to today.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from builder.core.errors import NotFound
from builder.prompts.selectors import prompt_resolve

#: The node types that can use a library prompt, and the config field holding their link.
LINK_FIELDS = {"prompt": "prompt", "classifier": "library_prompt", "agent": "library_prompt"}
#: ModelRef's fields: what a node takes of a version's model configuration.
_MODEL_FIELDS = ("provider", "model", "temperature", "top_p", "max_tokens", "stop", "seed", "json_mode",
                 "response_schema")


@dataclass(frozen=True, slots=True)
class PromptUse:
    """One node's library prompt: what the graph holds and what the reference resolves to now."""

    node_id: str
    ref: str
    version: int | None
    prompt_id: int | None
    prompt_name: str
    current: int | None

    @property
    def outdated(self) -> bool:
        return self.current is not None and self.current != self.version

    def to_dict(self) -> dict[str, Any]:
        return {"node_id": self.node_id, "ref": self.ref, "version": self.version, "prompt_id": self.prompt_id,
                "prompt_name": self.prompt_name, "current": self.current, "outdated": self.outdated}


def has_links(graph: dict[str, Any]) -> bool:
    return any(True for _ in _linked_nodes(graph, ""))


def _is_pinned(config: dict[str, Any], link: dict[str, Any]) -> bool:
    """A link that holds its version: the number and the version's messages."""
    return bool(link.get("version")) and bool(config.get("messages"))


def unpinned(graph: dict[str, Any]) -> dict[str, Any]:
    """``graph`` with its links following their references again (a version restored into the
    draft): the numbers and the copied messages go, the references and mappings stay."""
    if not has_links(graph):
        return graph
    graph = copy.deepcopy(graph)
    for _, node, _, field in _linked_nodes(graph, ""):
        link = node["config"][field]
        node["config"][field] = {"ref": link.get("ref"), "variables": link.get("variables") or {}}
        node["config"]["messages"] = []
    return graph


def resolve_links(
    graph: dict[str, Any], *, workspace_id: int, repin: bool = False
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """``graph`` with each link that is not pinned (every link, with ``repin``) resolved now, and
    an issue (``error``) per link that cannot be: an unknown prompt, version or label, a prompt
    variable that gets no value."""
    if not has_links(graph):
        return graph, []
    resolved = copy.deepcopy(graph)
    issues: list[dict[str, Any]] = []
    for node_id, node, app_inputs, field in _linked_nodes(resolved, ""):
        config, link = node["config"], node["config"][field]
        if not repin and _is_pinned(config, link):
            continue
        try:
            version = prompt_resolve(workspace_id=workspace_id, ref=str(link.get("ref") or ""))
        except NotFound as exc:
            issues.append(_issue(exc.code, f"{exc.message}", node_id, field))
            continue
        mapped = dict(link.get("variables") or {})
        defaults: dict[str, Any] = {}
        for variable in version.variables:
            name = variable["name"]
            if name in mapped:
                continue
            if name in app_inputs:
                mapped[name] = f"{{{{ inputs.{name} }}}}"
            elif variable.get("default") is not None:
                defaults[name] = variable["default"]
            else:
                issues.append(_issue(
                    "prompt_variable_unmapped",
                    f"the prompt's variable {name!r} gets no value: map it to one of this app's variables "
                    "(or give it a default in the prompt)",
                    node_id, f"{field}.variables.{name}",
                ))
        config[field] = {"ref": link["ref"], "version": version.number, "variables": mapped, "defaults": defaults}
        config["messages"] = [{"role": m["role"], "template": m["template"]} for m in version.messages]
        config["model"] = {k: version.model[k] for k in _MODEL_FIELDS if version.model.get(k) is not None}
    return resolved, issues


def prompt_uses(graph: dict[str, Any], *, workspace_id: int) -> list[PromptUse]:
    """The library prompts ``graph`` holds (a stored version: their pinned numbers) and what
    each reference resolves to now (``current``; None when it no longer resolves)."""
    uses = []
    for node_id, node, _, field in _linked_nodes(graph, ""):
        link = node["config"][field]
        ref = str(link.get("ref") or "")
        try:
            now = prompt_resolve(workspace_id=workspace_id, ref=ref)
        except NotFound:
            now = None
        uses.append(PromptUse(
            node_id=node_id, ref=ref, version=link.get("version"), prompt_id=now.prompt_id if now else None,
            prompt_name=ref.split("@", 1)[0], current=now.number if now else None,
        ))
    return uses


def _linked_nodes(
    graph: dict[str, Any], prefix: str
) -> Iterator[tuple[str, dict[str, Any], frozenset[str], str]]:
    """(node id, node dict, the graph's input names, the link's field) of every node with a
    link, sub-graphs too."""
    nodes = graph.get("nodes") if isinstance(graph, dict) else None
    inputs = frozenset(
        str(i.get("name")) for i in (graph.get("inputs") or []) if isinstance(i, dict)
    ) if isinstance(graph, dict) else frozenset()
    for node in nodes if isinstance(nodes, list) else []:
        if not isinstance(node, dict) or not isinstance(node.get("config"), dict):
            continue
        node_id = f"{prefix}{node.get('id')}"
        config = node["config"]
        field = LINK_FIELDS.get(str(node.get("type")))
        if field is not None and isinstance(config.get(field), dict):
            yield node_id, node, inputs, field
        if isinstance(config.get("graph"), dict):
            yield from _linked_nodes(config["graph"], f"{node_id}/")


def _issue(code: str, message: str, node_id: str, field: str) -> dict[str, Any]:
    return {"code": code, "message": message, "node_id": node_id, "edge_id": None, "field": field,
            "severity": "error"}
