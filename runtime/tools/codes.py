"""Stable codes of :class:`~runtime.tools.base.ToolError` raised by the registry and built-ins.

Failures of the outbound client inside a tool keep their own codes (``ssrf_blocked``,
``timeout``, ... from :class:`runtime.net.NetErrorCode`).
"""

from __future__ import annotations

from enum import StrEnum


class ToolErrorCode(StrEnum):
    UNKNOWN_TOOL = "unknown_tool"
    INVALID_TOOL = "invalid_tool"
    BAD_ARGUMENTS = "bad_arguments"
    TOOL_FAILED = "tool_failed"
    BAD_EXPRESSION = "bad_expression"
    MATH_ERROR = "math_error"
    BAD_PATH = "bad_path"
    UNSUPPORTED_CONTENT = "unsupported_content"
