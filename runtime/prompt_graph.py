"""The graph a library prompt runs in alone — a playground column, an experiment variant, a
prompt file under ``llmops eval``: start (one input per declared variable) → the LLM node (the
prompt's messages, the given model) → end (``text``). The library's templates read the prompt's
own variables (``{{ topic }}``); the node's prompt link fills each from the start node's input of
the same name. With an empty ``ref`` (a prompt not in the library, e.g. fine-tuning's base vs
tuned) there is no link: the messages are the node's own templates over ``inputs.<name>``."""

from __future__ import annotations

from typing import Any

#: A prompt variable's declared type → the start input's type.
INPUT_TYPES = {"text": "string", "choice": "string", "number": "number", "boolean": "boolean", "json": "object"}
PROMPT_NODE = "prompt"


def prompt_graph(
    *, ref: str, version: int | None, messages: list[dict[str, Any]], variables: list[dict[str, Any]],
    model: dict[str, Any], stream: bool = True, name: str = "Playground",
) -> dict[str, Any]:
    inputs = [
        {"name": v["name"], "type": INPUT_TYPES.get(str(v.get("type") or "text"), "string"),
         "description": str(v.get("description") or ""), "default": v.get("default"),
         "required": v.get("default") is None}
        for v in variables
    ]
    mapped = {v["name"]: f"{{{{ inputs.{v['name']} }}}}" for v in variables}
    link = {"ref": ref, "version": version, "variables": mapped}
    return {
        "name": name,
        "inputs": inputs,
        "outputs": [{"name": "text", "type": "string"}],
        "nodes": [
            {"id": "start", "type": "start", "title": "Start", "config": {}},
            {"id": PROMPT_NODE, "type": "prompt", "title": "Prompt",
             "config": {"model": model, **({"prompt": link} if ref else {}), "messages": messages, "stream": stream}},
            {"id": "end", "type": "end", "title": "End", "config": {"outputs": {"text": f"{PROMPT_NODE}.text"}}},
        ],
        "edges": [
            {"id": "e0", "source": "start", "target": PROMPT_NODE},
            {"id": "e1", "source": PROMPT_NODE, "target": "end"},
        ],
    }
