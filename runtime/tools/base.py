"""Tools that tool and agent nodes call: a name, a JSON-Schema of arguments, a function.

Tools are registered explicitly in a :class:`ToolRegistry`; graphs name them, never import
them. A tool function may be sync (run in a worker thread) or async.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

ToolFunc = Callable[..., Any] | Callable[..., Awaitable[Any]]


class ToolError(Exception):
    """A tool refused its arguments or failed; ``code`` is stable."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    description: str
    parameters: dict[str, Any]  # JSON Schema of the keyword arguments
    func: ToolFunc

    def openai_spec(self) -> dict[str, Any]:
        """This tool in OpenAI's ``tools`` format."""
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": self.parameters},
        }
