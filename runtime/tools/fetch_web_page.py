"""The ``fetch_web_page`` tool: a public web page as readable text, through the safe client."""

from __future__ import annotations

import json
from typing import Any

from runtime.net import NetError, SafeHttpClient
from runtime.tools.base import Tool, ToolError
from runtime.tools.codes import ToolErrorCode
from runtime.tools.html_text import html_to_text

DEFAULT_MAX_CHARS = 20_000
MAX_CHARS_LIMIT = 100_000
MAX_RESPONSE_BYTES = 2 * 1024 * 1024
TIMEOUT_S = 15.0

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_TYPES = frozenset(
    {"text/plain", "text/markdown", "text/csv", "application/json", "text/xml", "application/xml"}
)


async def fetch_web_page(
    client: SafeHttpClient, url: str, max_chars: int = DEFAULT_MAX_CHARS
) -> dict[str, Any]:
    """Fetch ``url`` and return ``{url, status, title, text, truncated}``.

    HTML is reduced to readable text; plain text, JSON and XML are returned as is; other
    content is refused with ``unsupported_content``. Client failures keep their codes
    (``ssrf_blocked``, ``timeout``, ``response_too_large``, ``http_error`` ...).
    """
    try:
        response = await client.get(
            url,
            headers={"accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5"},
            timeout_s=TIMEOUT_S,
            max_response_bytes=MAX_RESPONSE_BYTES,
            raise_for_status=True,
        )
    except NetError as exc:
        raise ToolError(exc.code.value, exc.message) from None
    content_type = response.content_type or "text/html"
    if content_type in _HTML_TYPES:
        page = html_to_text(response.text)
        title, text = page.title, page.text
    elif content_type in _TEXT_TYPES or content_type.startswith("text/"):
        title, text = "", response.text
        if content_type == "application/json":
            try:
                text = json.dumps(response.json(), ensure_ascii=False, indent=1)
            except ValueError:
                pass
    else:
        raise ToolError(ToolErrorCode.UNSUPPORTED_CONTENT, f"cannot read content of type {content_type!r}")
    truncated = len(text) > max_chars
    return {
        "url": response.url,
        "status": response.status,
        "title": title,
        "text": text[:max_chars],
        "truncated": truncated,
    }


def fetch_web_page_tool(client: SafeHttpClient) -> Tool:
    """The ``fetch_web_page`` tool bound to ``client`` (whose policy decides what is reachable)."""

    async def run(url: str, max_chars: int = DEFAULT_MAX_CHARS) -> dict[str, Any]:
        return await fetch_web_page(client, url, max_chars)

    return Tool(
        name="fetch_web_page",
        description="Download a public web page and return its readable text (title and body, no markup).",
        parameters={
            "type": "object",
            "properties": {
                "url": {"type": "string", "description": "an http or https URL", "maxLength": 2048},
                "max_chars": {
                    "type": "integer",
                    "minimum": 100,
                    "maximum": MAX_CHARS_LIMIT,
                    "default": DEFAULT_MAX_CHARS,
                    "description": "cut the text after this many characters",
                },
            },
            "required": ["url"],
            "additionalProperties": False,
        },
        func=run,
    )
