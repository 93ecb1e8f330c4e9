"""Dify custom-note canvas notes -> our notes (plain text out of Dify's rich-text JSON)."""

from __future__ import annotations

import json
from typing import Any

from runtime.interchange.dify.context import Conversion
from runtime.interchange.dify.document import DifyNode
from runtime.interchange.dify.ids import slug
from runtime.interchange.dify.values import number, position


def map_note(conv: Conversion, dn: DifyNode) -> dict[str, Any]:
    """A custom-note node -> a note of our graph."""
    raw = dn.raw
    note: dict[str, Any] = {
        "id": f"note_{slug(dn.id) or len(conv.notes) + 1}",
        "text": _note_text(dn.data.get("text")),
        "position": position(raw.get("position")),
        "color": str(dn.data.get("theme") or "yellow")[:32],
    }
    for key in ("width", "height"):
        size = number(dn.data.get(key) or raw.get(key))
        if size is not None and size > 0:
            note[key] = size
    return note


def _note_text(text: Any) -> str:
    """Plain text of a Dify note (stored as Lexical editor JSON)."""
    if not isinstance(text, str):
        return ""
    try:
        tree = json.loads(text)
    except ValueError:
        return text
    paragraphs: list[str] = []
    budget = [10_000]

    def walk(node: Any, parts: list[str]) -> None:
        budget[0] -= 1
        if budget[0] < 0 or not isinstance(node, dict):
            return
        if isinstance(node.get("text"), str):
            parts.append(node["text"])
        for child in node.get("children") or []:
            walk(child, parts)

    root = tree.get("root") if isinstance(tree, dict) else None
    for block in (root or {}).get("children") or []:
        parts: list[str] = []
        walk(block, parts)
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs).strip()
