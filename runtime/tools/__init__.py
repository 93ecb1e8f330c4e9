"""Tools for tool and agent nodes: the :class:`ToolRegistry` and the built-in tools."""

from runtime.tools.base import Tool, ToolError, ToolFunc
from runtime.tools.codes import ToolErrorCode
from runtime.tools.defaults import default_tool_registry
from runtime.tools.registry import ToolRegistry

__all__ = ["Tool", "ToolError", "ToolErrorCode", "ToolFunc", "ToolRegistry", "default_tool_registry"]
