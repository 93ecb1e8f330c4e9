"""The registry of tools that tool and agent nodes may call.

Graphs name tools; the registry turns a name and model-supplied arguments into a checked
call: arguments are parsed (JSON text or a mapping), validated against the tool's JSON
Schema, and the function runs (sync ones in a worker thread). Every failure is a
:class:`~runtime.tools.base.ToolError` with a stable code.
"""

from __future__ import annotations

import asyncio
import builtins
import inspect
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from runtime.tools.base import Tool, ToolError
from runtime.tools.codes import ToolErrorCode

#: OpenAI's rule for function names.
TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

#: Runs a blocking callable off the event loop: ``await in_thread(func, **kwargs)``.
InThread = Callable[..., Awaitable[Any]]


class ToolRegistry:
    """Tools by name, with argument validation and OpenAI ``tools`` specs."""

    def __init__(self, tools: Iterable[Tool] = ()):
        self._tools: dict[str, Tool] = {}
        self._validators: dict[str, Draft202012Validator] = {}
        for tool in tools:
            self.register(tool)

    def register(self, tool: Tool, *, replace: bool = False) -> Tool:
        """Add ``tool``; its name must be OpenAI-valid and its schema a valid JSON Schema object."""
        if not TOOL_NAME.match(tool.name):
            raise ToolError(
                ToolErrorCode.INVALID_TOOL, f"tool name {tool.name!r} must match {TOOL_NAME.pattern}"
            )
        if tool.name in self._tools and not replace:
            raise ToolError(ToolErrorCode.INVALID_TOOL, f"tool {tool.name!r} is already registered")
        if tool.parameters.get("type") != "object":
            raise ToolError(
                ToolErrorCode.INVALID_TOOL, f"tool {tool.name!r}: parameters must be an object schema"
            )
        try:
            Draft202012Validator.check_schema(tool.parameters)
        except SchemaError as exc:
            raise ToolError(
                ToolErrorCode.INVALID_TOOL, f"tool {tool.name!r}: invalid schema: {exc.message}"
            ) from None
        self._tools[tool.name] = tool
        self._validators[tool.name] = Draft202012Validator(tool.parameters)
        return tool

    def get(self, name: str) -> Tool:
        """The tool called ``name``; ``unknown_tool`` when there is none."""
        try:
            return self._tools[name]
        except KeyError:
            known = ", ".join(sorted(self._tools)) or "none"
            raise ToolError(ToolErrorCode.UNKNOWN_TOOL, f"unknown tool {name!r} (known: {known})") from None

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def list(self) -> list[Tool]:
        """All tools, sorted by name."""
        return [self._tools[name] for name in sorted(self._tools)]

    def names(self) -> builtins.list[str]:
        return sorted(self._tools)

    def openai_specs(self, names: Iterable[str] | None = None) -> builtins.list[dict[str, Any]]:
        """The ``tools`` list for a chat request: all tools, or the named ones in the given order."""
        chosen = self.list() if names is None else [self.get(name) for name in names]
        return [tool.openai_spec() for tool in chosen]

    def validate_arguments(self, name: str, arguments: Mapping[str, Any] | str | None) -> dict[str, Any]:
        """Parse and check ``arguments`` for tool ``name``; raise ``bad_arguments`` with every problem."""
        validator = self._validators[self.get(name).name]
        parsed = parse_arguments(name, arguments)
        problems = sorted(validator.iter_errors(parsed), key=lambda e: list(e.absolute_path))
        if problems:
            details = "; ".join(_describe(problem) for problem in problems[:5])
            raise ToolError(ToolErrorCode.BAD_ARGUMENTS, f"bad arguments for tool {name!r}: {details}")
        return parsed

    async def call(
        self,
        name: str,
        arguments: Mapping[str, Any] | str | None = None,
        *,
        in_thread: InThread | None = None,
    ) -> Any:
        """Validate ``arguments`` and run tool ``name``; returns what the tool returns.

        Sync tools run through ``in_thread`` (e.g. a run's bounded pool, ``RunState.in_thread``)
        or :func:`asyncio.to_thread`. A :class:`ToolError` from the tool passes through; any
        other exception becomes ``tool_failed`` (its message kept, its traceback not).
        """
        tool = self.get(name)
        kwargs = self.validate_arguments(name, arguments)
        try:
            if inspect.iscoroutinefunction(tool.func):
                return await tool.func(**kwargs)
            result = await (in_thread or asyncio.to_thread)(tool.func, **kwargs)
            if inspect.isawaitable(result):
                return await result
            return result
        except ToolError:
            raise
        except Exception as exc:
            raise ToolError(ToolErrorCode.TOOL_FAILED, f"tool {name!r} failed: {exc}") from exc


def parse_arguments(name: str, arguments: Mapping[str, Any] | str | None) -> dict[str, Any]:
    """Arguments as a dict: JSON text (as models send it), a mapping, or nothing."""
    if arguments is None or arguments == "":
        return {}
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments)
        except json.JSONDecodeError as exc:
            raise ToolError(
                ToolErrorCode.BAD_ARGUMENTS, f"arguments for tool {name!r} are not JSON: {exc.msg}"
            ) from None
    if not isinstance(arguments, Mapping):
        raise ToolError(ToolErrorCode.BAD_ARGUMENTS, f"arguments for tool {name!r} must be a JSON object")
    return dict(arguments)


def _describe(problem: Any) -> str:
    where = "/".join(str(part) for part in problem.absolute_path)
    return f"{where}: {problem.message}" if where else problem.message
