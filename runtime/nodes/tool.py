"""Tool: calls one registered tool with templated arguments and outputs its result."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import Field

from runtime.context import RunState
from runtime.errors import NodeError
from runtime.nodes.base import Node, NodeConfig, OutputField
from runtime.templates import Template
from runtime.tools.base import ToolError
from runtime.tools.registry import TOOL_NAME, ToolRegistry
from runtime.variables import resolve

#: ``{{ node.field }}`` and nothing else: the argument takes the variable's value, typed.
_WHOLE_REFERENCE = re.compile(r"^\s*\{\{\s*[A-Za-z_]\w*(\.\w+)+\s*\}\}\s*$")
_JSON_TYPES = frozenset({"integer", "number", "boolean", "array", "object", "null"})


class ToolConfig(NodeConfig):
    tool: str = Field(pattern=TOOL_NAME.pattern, title="Tool", description="Name of a registered tool.")
    arguments: dict[str, Any] = Field(
        default_factory=dict,
        title="Arguments",
        description=(
            "Argument name -> value. Strings are templates; a string that is exactly one "
            "{{ node.field }} passes that value with its type."
        ),
    )


class _Reference:
    __slots__ = ("path",)

    def __init__(self, path: tuple[str, ...]):
        self.path = path


class ToolNode(Node[ToolConfig]):
    """Runs a tool from the run's tool registry. Bad arguments fail with ``bad_arguments``;
    tool failures keep the tool's code (``math_error``, ``ssrf_blocked``, ...)."""

    type = "tool"
    title = "Tool"
    description = "Calls a registered tool (calculator, web page fetch, ...) with templated arguments."
    category = "tools"
    icon = "wrench"
    config_model = ToolConfig
    outputs = (
        OutputField("result", "any", "What the tool returned."),
        OutputField("text", "string", "The result as text (JSON for structured results)."),
    )

    def setup(self) -> None:
        self._arguments = {
            name: self._compile(value, f"arguments.{name}") for name, value in self.config.arguments.items()
        }

    def _compile(self, value: Any, field: str) -> Any:
        if isinstance(value, str):
            if _WHOLE_REFERENCE.match(value):
                return _Reference(self.selector(value, field))
            return self.template(value, field)
        if isinstance(value, list):
            return [self._compile(item, f"{field}.{i}") for i, item in enumerate(value)]
        if isinstance(value, dict):
            return {key: self._compile(item, f"{field}.{key}") for key, item in value.items()}
        return value

    def thread_demand(self) -> int:
        return 1  # sync tools run in a worker thread

    async def run(self, run: RunState) -> dict[str, Any]:
        registry = run.context.tools
        if not isinstance(registry, ToolRegistry):
            raise NodeError("no tool registry is configured for this run", code="no_tools")
        name = self.config.tool
        try:
            tool = registry.get(name)
            arguments = {key: _render(value, run.variables) for key, value in self._arguments.items()}
            arguments = coerce_arguments(arguments, tool.parameters)
            run.record_inputs(self.id, {"tool": name, "arguments": arguments})
            result = await registry.call(name, arguments, in_thread=run.in_thread)
        except ToolError as exc:
            raise NodeError(exc.message, code=exc.code) from None
        return {"result": result, "text": result_text(result)}


def _render(value: Any, variables: dict[str, Any]) -> Any:
    if isinstance(value, _Reference):
        return resolve(variables, value.path)
    if isinstance(value, Template):
        return value.render(variables)
    if isinstance(value, list):
        return [_render(item, variables) for item in value]
    if isinstance(value, dict):
        return {key: _render(item, variables) for key, item in value.items()}
    return value


def coerce_arguments(arguments: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Rendered text for a non-string parameter (``"3"`` for an integer) parsed as JSON.

    Templates always render text; this lets ``{{ a.count }} + 1``-style arguments reach
    numeric, boolean, array and object parameters. Values that don't parse are left for the
    schema check to refuse with a clear message.
    """
    properties = schema.get("properties", {})
    coerced = dict(arguments)
    for name, value in arguments.items():
        declared = properties.get(name, {}).get("type")
        types = set(declared) if isinstance(declared, list) else {declared}
        if isinstance(value, str) and "string" not in types and types & _JSON_TYPES:
            try:
                coerced[name] = json.loads(value)
            except json.JSONDecodeError:
                pass
    return coerced


def result_text(result: Any) -> str:
    """A tool result as text for templates and models: strings as is, the rest as JSON."""
    if isinstance(result, str):
        return result
    try:
        return json.dumps(result, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(result)


__all__ = ["ToolConfig", "ToolNode", "coerce_arguments", "result_text"]
