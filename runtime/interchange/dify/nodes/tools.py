"""Dify builtin tool nodes -> our built-in tools (time, maths, webscraper, json_process).

Any other Dify tool (plugins, API tools, workflows as tools) has no equivalent and makes
the node unmapped.
"""

from __future__ import annotations

from typing import Any

from runtime.interchange.dify.context import Conversion
from runtime.interchange.dify.document import DifyNode, Unmappable
from runtime.interchange.dify.references import jinja_expr, rewrite, variable_path

#: Dify builtin tool (provider, tool) -> (our tool, {dify parameter: our argument}).
_TOOLS: dict[tuple[str, str], tuple[str, dict[str, str]]] = {
    ("time", "current_time"): ("current_time", {"timezone": "timezone"}),
    ("maths", "eval_expression"): ("calculator", {"expression": "expression"}),
    ("webscraper", "webscraper"): ("fetch_web_page", {"url": "url"}),
    ("json_process", "parse"): ("json_path", {"content": "data", "json_filter": "path"}),
}
_OUR_TOOLS = "calculator, current_time, json_path, fetch_web_page"


def map_tool(conv: Conversion, dn: DifyNode) -> tuple[str, dict[str, Any]]:
    """tool -> tool, with parameters renamed to our tool's arguments."""
    data = dn.data
    provider = str(data.get("provider_id") or data.get("provider_name") or "").strip("/").split("/")[-1].lower()
    tool_name = str(data.get("tool_name") or "")
    known = _TOOLS.get((provider, tool_name))
    if known is None:
        label = data.get("tool_label") or tool_name or "?"
        raise Unmappable(
            f"the tool '{provider}/{tool_name}' ({label}) has no equivalent among our built-in tools ({_OUR_TOOLS})"
        )
    ours, names = known
    values: dict[str, Any] = {}
    for source in (data.get("tool_configurations"), data.get("tool_parameters")):
        if isinstance(source, dict):
            values.update(source)
    arguments: dict[str, Any] = {}
    for name, raw in values.items():
        value = _tool_value(conv, raw, dn)
        if value in (None, ""):
            continue
        if name not in names:
            conv.warn(f"{dn.label}: tool parameter '{name}' has no equivalent in '{ours}' and was dropped")
            continue
        arguments[names[name]] = value
    if ours == "json_path" and isinstance(arguments.get("path"), str) and not arguments["path"].startswith(("$", "{")):
        arguments["path"] = "$." + arguments["path"]
    return "tool", {"tool": ours, "arguments": arguments}


def _tool_value(conv: Conversion, raw: Any, dn: DifyNode) -> Any:
    if isinstance(raw, dict) and "type" in raw and "value" in raw:
        kind, value = raw.get("type"), raw.get("value")
        if kind == "variable":
            path = variable_path(conv, value, where="template", owner=dn)
            return None if path is None else "{{ " + jinja_expr(path) + " }}"
        if kind == "mixed" and isinstance(value, str):
            return rewrite(conv, value, dn)
        return rewrite(conv, value, dn) if isinstance(value, str) else value
    if isinstance(raw, str):
        return rewrite(conv, raw, dn)
    return raw
