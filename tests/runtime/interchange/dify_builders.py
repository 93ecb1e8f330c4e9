"""Small Dify DSL documents for the converter tests, and the fixture files."""

from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def dify_doc(
    nodes: list[dict[str, Any]],
    edges: list[tuple[str, str] | tuple[str, str, str]],
    *,
    mode: str = "workflow",
    **workflow: Any,
) -> dict[str, Any]:
    """A minimal Dify export: ``nodes`` are ``{"id", "data"}`` dicts, edges ``(source, target[, handle])``."""
    return {
        "app": {"name": "inline", "mode": mode, "description": ""},
        "kind": "app",
        "version": "0.3.1",
        "workflow": {
            **workflow,
            "graph": {
                "nodes": [
                    {"id": n["id"], "type": "custom", "position": {"x": 0, "y": 0}, "data": n["data"]} for n in nodes
                ],
                "edges": [
                    {
                        "id": f"{e[0]}-{e[2] if len(e) > 2 else 'source'}-{e[1]}-target",
                        "source": e[0],
                        "sourceHandle": e[2] if len(e) > 2 else "source",
                        "target": e[1],
                        "targetHandle": "target",
                        "type": "custom",
                    }
                    for e in edges
                ],
            },
        },
    }


def start(*variables: dict[str, Any], node_id: str = "1000") -> dict[str, Any]:
    return {"id": node_id, "data": {"type": "start", "title": "Start", "variables": list(variables)}}


def text_var(name: str, kind: str = "text-input", required: bool = True) -> dict[str, Any]:
    return {"variable": name, "label": name.title(), "type": kind, "required": required}


def answer(node_id: str, text: str, title: str = "Answer") -> dict[str, Any]:
    return {"id": node_id, "data": {"type": "answer", "title": title, "answer": text}}


def end(node_id: str, **outputs: list[str]) -> dict[str, Any]:
    return {
        "id": node_id,
        "data": {
            "type": "end",
            "title": "End",
            "outputs": [{"variable": k, "value_selector": v} for k, v in outputs.items()],
        },
    }
