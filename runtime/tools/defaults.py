"""The built-in tools every installation offers."""

from __future__ import annotations

from runtime.net import SafeHttpClient
from runtime.tools.calculator import calculator_tool
from runtime.tools.current_time import current_time_tool
from runtime.tools.fetch_web_page import fetch_web_page_tool
from runtime.tools.json_path import json_path_tool
from runtime.tools.registry import ToolRegistry


def default_tool_registry(*, http_client: SafeHttpClient | None = None) -> ToolRegistry:
    """A registry with ``calculator``, ``current_time``, ``json_path`` and ``fetch_web_page``.

    ``fetch_web_page`` uses ``http_client`` (default: a client that reaches public
    addresses only).
    """
    return ToolRegistry(
        [
            calculator_tool(),
            current_time_tool(),
            json_path_tool(),
            fetch_web_page_tool(http_client or SafeHttpClient()),
        ]
    )
