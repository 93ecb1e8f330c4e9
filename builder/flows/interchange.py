"""Export and import of apps as one YAML or JSON file: our own format, or a Dify DSL workflow.

An export carries the graph and the app's name and description — never secrets (remote model
credentials live in provider configs, referenced by name). An import first produces a report
(format, issues, unmapped nodes, nodes whose model is not available here); nothing is created
until the user confirms.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import yaml

from builder.core.text import check_json_value
from builder.core.yamlfiles import load_user_yaml
from builder.flows.errors import ImportRefused
from builder.flows.graphs import graph_issues, graph_urls_check, parse_graph
from builder.flows.models import App

EXPORT_KIND = "llmops-app"
MAX_IMPORT_BYTES = 2 * 1024 * 1024


def app_export(*, app: App, fmt: str) -> tuple[str, str]:
    """The file's text and content type for ``fmt`` (``yaml`` or ``json``)."""
    document = {
        "kind": EXPORT_KIND,
        "format_version": 1,
        "app": {"name": app.name, "description": app.description},
        "graph": app.draft,
    }
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False), "application/json"
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True), "application/yaml"


@dataclass
class ImportReport:
    format: str
    name: str
    description: str
    graph: dict[str, Any]
    issues: list[dict[str, Any]] = field(default_factory=list)
    unmapped: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Nodes whose model cannot be called here: {node_id, title, field, provider, model}.
    needs_model: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.needs_model = _needs_model(self.graph, self.issues)
        if self.needs_model:
            self.warnings.insert(0, _needs_model_line(self.needs_model))

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format, "name": self.name, "description": self.description, "graph": self.graph,
            "issues": self.issues, "unmapped": self.unmapped, "warnings": self.warnings,
            "needs_model": self.needs_model,
        }


def _needs_model(graph: dict[str, Any], issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    nodes = {n.get("id"): n for n in graph.get("nodes") or [] if isinstance(n, dict)}
    found = []
    for issue in issues:
        if issue["code"] != "model_not_configured":
            continue
        node = nodes.get(issue["node_id"]) or {}
        ref: Any = node.get("config") or {}
        for part in (issue["field"] or "").split("."):
            ref = ref.get(part) if isinstance(ref, dict) else None
        ref = ref if isinstance(ref, dict) else {}
        found.append({
            "node_id": issue["node_id"], "title": node.get("title") or issue["node_id"], "field": issue["field"],
            "provider": ref.get("provider"), "model": ref.get("model"),
        })
    return found


def _needs_model_line(nodes: list[dict[str, Any]]) -> str:
    named = ", ".join(
        f"'{n['title']}'" + (f" ({n['provider']}/{n['model']})" if n["provider"] else "") for n in nodes
    )
    count = f"{len(nodes)} node{'' if len(nodes) == 1 else 's'} need{'s' if len(nodes) == 1 else ''}"
    return (
        f"{count} a model chosen: {named}. Their models are not available here; choose an available model "
        "in each (they are marked in the editor), or ask the operator to configure the provider."
    )


def import_report(*, content: str, filename: str = "", workspace_id: int) -> ImportReport:
    """Read a file into a graph and say what the import would create; a file whose graph holds
    a URL the address policy blocks is refused here already (400 ``url_not_allowed``), so the
    preview says what the import would."""
    report = _report(content, filename, workspace_id)
    graph_urls_check(parse_graph(report.graph))
    return report


def _report(content: str, filename: str, workspace_id: int) -> ImportReport:
    if len(content.encode()) > MAX_IMPORT_BYTES:
        raise ImportRefused("The file is larger than 2 MB.", code="import_too_large", status=413)
    document = check_json_value(_load(content, filename))  # 400 invalid_json / invalid_text naming the field
    if _is_dify(document):
        return _from_dify(document, workspace_id)
    if isinstance(document, dict) and document.get("kind") == EXPORT_KIND:
        meta, graph = document.get("app") or {}, document.get("graph")
    elif isinstance(document, dict) and "nodes" in document:
        meta, graph = {"name": document.get("name", "")}, document
    else:
        raise ImportRefused(
            "This file is neither an LLMOps Studio app nor a Dify workflow.", code="import_unknown_format"
        )
    spec = parse_graph(graph)
    name = str(meta.get("name") or spec.name or _stem(filename) or "Imported app")
    return ImportReport(
        format="llmops", name=name, description=str(meta.get("description") or spec.description),
        graph=spec.to_dict(), issues=graph_issues(spec, workspace_id=workspace_id),
    )


def _load(content: str, filename: str) -> Any:
    try:
        if filename.lower().endswith(".json") or content.lstrip().startswith("{"):
            return json.loads(content)
        return load_user_yaml(content)
    except (ValueError, yaml.YAMLError) as exc:
        raise ImportRefused(f"The file could not be read as YAML or JSON: {exc}", code="import_unreadable") from None


def _is_dify(document: Any) -> bool:
    try:
        from runtime.interchange.dify import is_dify_document
    except ImportError:
        return False
    return is_dify_document(document)


def _from_dify(document: dict[str, Any], workspace_id: int) -> ImportReport:
    from runtime.errors import RuntimeFailure
    from runtime.interchange.dify import dify_to_graph

    try:
        converted = dify_to_graph(document)
    except RuntimeFailure as exc:
        raise ImportRefused(exc.message, code=exc.code) from None
    spec = parse_graph(converted.graph)
    return ImportReport(
        format="dify", name=converted.name or "Imported Dify app", description=converted.description,
        graph=spec.to_dict(), issues=graph_issues(spec, workspace_id=workspace_id), unmapped=converted.unmapped,
        warnings=converted.warnings,
    )


def _stem(filename: str) -> str:
    return filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
