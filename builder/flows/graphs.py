"""The bridge between stored graph JSON and the runtime: parse, validate (against the models this
installation can call), starter graph."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from builder.core.addresses import configured_url_check
from builder.execution.providers import available_models
from builder.flows.errors import GraphMalformed
from builder.flows.prompt_links import LINK_FIELDS, has_links, resolve_links
from runtime import GraphSpec, default_registry, validate

_TEMPLATE_START = re.compile(r"\{\{|\{%|\{#")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_AUTHORITY = re.compile(r"^[^:]+://([^/?#]*)[/?#]")


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


def graph_check(
    spec: GraphSpec, *, workspace_id: int, repin: bool = False, resolve: bool = True
) -> tuple[GraphSpec, list[dict[str, Any]]]:
    """``spec`` with its library prompt links pinned (see :mod:`builder.flows.prompt_links`) —
    what a run or a version stores — and every issue of it in the workspace: a reference that
    does not resolve (on the node's link field; that link is left as it is), the models it
    names checked against :func:`available_models`; each issue with its ``severity``: ``error``
    stops a version or a publish, ``warning`` does not. ``repin``: pinned links are resolved
    again too; ``resolve=False``: links are taken as they are (a graph whose links already hold
    their messages, e.g. a playground draft's)."""
    link_issues: list[dict[str, Any]] = []
    if resolve and has_links(graph := spec.to_dict()):
        resolved, link_issues = resolve_links(graph, workspace_id=workspace_id, repin=repin)
        spec = parse_graph(resolved)
    unresolved = {i["node_id"] for i in link_issues if i["field"] in LINK_FIELDS.values()}
    return spec, link_issues + [
        {"code": str(i.code), "message": i.message, "node_id": i.node_id, "edge_id": i.edge_id, "field": i.field,
         "severity": i.severity}
        for i in validate(spec, default_registry(), available_models(workspace_id=workspace_id))
        if not (i.code == "prompt_not_resolved" and i.node_id in unresolved)
    ]


def graph_issues(spec: GraphSpec, *, workspace_id: int, resolve: bool = True) -> list[dict[str, Any]]:
    """The issues of :func:`graph_check`."""
    return graph_check(spec, workspace_id=workspace_id, resolve=resolve)[1]


def graph_errors(issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The issues of :func:`graph_issues` that stop a version or a publish."""
    return [i for i in issues if i["severity"] == "error"]


def graph_urls_check(spec: GraphSpec) -> None:
    """Refuse (400 ``url_not_allowed`` naming the field, e.g. ``nodes.fetch.config.url``) a graph
    with a URL the address policy would block: an HTTP node's URL, a tool's ``url`` argument, in
    sub-graphs too. A template is judged by its literal part: its scheme when that is written out,
    its host when that is written out too; a URL built from variables is checked at call time."""
    for field, template in _configured_urls(spec.to_dict()["nodes"], "nodes"):
        url = literal_url_part(template)
        if url is not None:
            configured_url_check(url, field=field)


def _configured_urls(nodes: Any, prefix: str) -> Iterator[tuple[str, str]]:
    for node in nodes if isinstance(nodes, list) else []:
        if not isinstance(node, dict) or not isinstance(node.get("config"), dict):
            continue
        config, at = node["config"], f"{prefix}.{node.get('id')}.config"
        if node.get("type") == "http_request" and isinstance(config.get("url"), str):
            yield f"{at}.url", config["url"]
        if node.get("type") == "tool" and isinstance(config.get("arguments"), dict):
            for name, value in config["arguments"].items():
                if isinstance(value, str) and (name == "url" or name.endswith("_url")):
                    yield f"{at}.arguments.{name}", value
        if isinstance(config.get("graph"), dict):
            yield from _configured_urls(config["graph"].get("nodes"), f"{at}.graph.nodes")


def literal_url_part(template: str) -> str | None:
    """What of a URL template is known before it renders, as a URL to check, or None.

    ``https://10.0.0.5/items/{{ inputs.id }}`` -> ``https://10.0.0.5/``; ``file://{{ x }}`` ->
    ``file://`` (the scheme alone is refused); ``{{ inputs.url }}`` and ``https://{{ x }}.example``
    -> None (the host is only known at call time).
    """
    text = template.strip()
    start = _TEMPLATE_START.search(text)
    if start is None:
        return text
    prefix = text[: start.start()]
    scheme = _SCHEME.match(prefix)
    if scheme is None:
        return None
    if scheme.group(1).lower() not in ("http", "https"):
        return prefix
    authority = _AUTHORITY.match(prefix)
    if authority is not None:
        return f"{prefix[: authority.end(1)]}/"
    rest = prefix[scheme.end() :].removeprefix("//")
    host, colon, _ = rest.rpartition(":") if "]" not in rest else rest.partition("]:")
    if colon and "@" not in rest and host:
        host = f"{host}]" if colon == "]:" else host
        return f"{scheme.group(1)}://{host}/"
    return None


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
