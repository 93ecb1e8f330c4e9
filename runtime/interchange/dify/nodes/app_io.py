"""The app's inputs and outputs: Dify start, end and answer nodes.

Start variables become app inputs (declared before any other node is mapped, since every
node may read them); end outputs become app outputs; an answer keeps its template with
references rewritten.
"""

from __future__ import annotations

from typing import Any

from runtime.interchange.dify.context import Conversion
from runtime.interchange.dify.document import DifyNode, Unmappable, list_field
from runtime.interchange.dify.ids import identifier
from runtime.interchange.dify.references import VALUE_TYPES, config_selector, rewrite
from runtime.interchange.dify.values import number, plain_number

_INPUT_TYPES = {
    "text-input": "string",
    "paragraph": "string",
    "select": "string",
    "url": "string",
    "number": "number",
    "checkbox": "boolean",
    "boolean": "boolean",
    "json": "object",
    "json_object": "object",
}
_FILE_INPUTS = ("file", "file-list", "files", "single-file", "multi-files")


def declare_start_inputs(conv: Conversion, dn: DifyNode) -> None:
    """Declare an app input per variable of a start node."""
    for var in list_field(dn.data, "variables", dn):
        if not isinstance(var, dict) or not var.get("variable"):
            continue
        name = str(var["variable"])
        kind = str(var.get("type") or "text-input")
        local = identifier(name)
        conv.input_names[name] = local
        if kind in _FILE_INPUTS:
            conv.warn(
                f"start variable '{name}' is a file input ({kind}); file inputs are not supported, "
                "so it was not declared"
            )
            continue
        value_type = _INPUT_TYPES.get(kind)
        if value_type is None:
            conv.warn(f"start variable '{name}' has the unknown type {kind!r}; it became a string input")
            value_type = "string"
        label = var.get("label")
        description = label if isinstance(label, str) else ""
        if var.get("hint"):
            description = f"{description} — {var['hint']}" if description else str(var["hint"])
        options = list_field(var, "options", dn)
        if kind == "select" and options:
            description = (description + " " if description else "") + "(one of: " + ", ".join(map(str, options)) + ")"
        default = var.get("default")
        if default in ("", None):
            default = None
        elif value_type == "number":
            parsed = number(default)
            default = None if parsed is None else plain_number(parsed)
        conv.declare_input(
            local,
            type=value_type,
            required=bool(var.get("required", True)),
            default=default,
            description=description,
        )


def map_start(conv: Conversion, dn: DifyNode) -> tuple[str, dict[str, Any]]:
    """start -> start (its variables are declared by :func:`declare_start_inputs`)."""
    return "start", {}


def map_end(conv: Conversion, dn: DifyNode) -> tuple[str, dict[str, Any]]:
    """end -> end; each output also becomes an app output."""
    outputs: dict[str, str] = {}
    for item in list_field(dn.data, "outputs", dn):
        if not isinstance(item, dict) or not item.get("variable"):
            continue
        name = identifier(str(item["variable"]))
        try:
            outputs[name] = config_selector(conv, item.get("value_selector"), dn, f"output '{name}'")
        except Unmappable as exc:
            conv.warn(f"{dn.label}: {exc}; the output was dropped")
            continue
        value_type = str(item.get("value_type") or "")
        kind = "array" if value_type.startswith("array") else VALUE_TYPES.get(value_type, "any")
        conv.outputs.setdefault(name, {"name": name, "type": kind, "description": ""})
    return "end", {"outputs": outputs}


def map_answer(conv: Conversion, dn: DifyNode) -> tuple[str, dict[str, Any]]:
    """answer -> answer."""
    return "answer", {"template": rewrite(conv, dn.data.get("answer"), dn)}
