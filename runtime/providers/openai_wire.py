"""Translation between the provider port's plain data and the OpenAI Chat Completions wire format.

Kept apart from the client so that the mapping (messages, tool calls, errors) can be read and
tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import openai

from runtime.providers.base import (
    AuthFailed,
    BadRequest,
    ChatMessage,
    ChatRequest,
    ProviderError,
    ProviderTimeout,
    RateLimited,
    ServerError,
    ToolCall,
    UnknownModel,
)
from runtime.providers.retry import parse_retry_after


def message_to_wire(message: ChatMessage) -> dict[str, Any]:
    """One :class:`ChatMessage` as an OpenAI message dict."""
    wire: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.tool_calls:
        wire["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in message.tool_calls
        ]
    if message.tool_call_id is not None:
        wire["tool_call_id"] = message.tool_call_id
    if message.name is not None:
        wire["name"] = message.name
    return wire


def request_to_wire(request: ChatRequest) -> dict[str, Any]:
    """Keyword arguments for ``chat.completions.create`` (only the fields that are set)."""
    kwargs: dict[str, Any] = {
        "model": request.model,
        "messages": [message_to_wire(m) for m in request.messages],
    }
    optional = {
        "temperature": request.temperature,
        "top_p": request.top_p,
        "max_tokens": request.max_tokens,
        "stop": request.stop or None,
        "seed": request.seed,
        "tools": request.tools or None,
    }
    kwargs.update({k: v for k, v in optional.items() if v is not None})
    if request.response_schema is not None:
        kwargs["response_format"] = {
            "type": "json_schema", "json_schema": {"name": "response", "schema": request.response_schema},
        }
    elif request.json_mode:
        kwargs["response_format"] = {"type": "json_object"}
    return kwargs


def tool_calls_from_wire(calls: list[Any] | None) -> list[ToolCall]:
    """Tool calls of a non-streamed response message."""
    return [
        ToolCall(id=c.id or "", name=c.function.name or "", arguments=c.function.arguments or "")
        for c in calls or []
        if getattr(c, "function", None) is not None
    ]


@dataclass(slots=True)
class _PartialCall:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


class ToolCallAssembler:
    """Joins streamed tool-call fragments (keyed by ``index``) into whole :class:`ToolCall` s."""

    def __init__(self) -> None:
        self._calls: dict[int, _PartialCall] = {}

    def add(self, fragments: list[Any] | None) -> None:
        for fragment in fragments or []:
            index = fragment.index if fragment.index is not None else len(self._calls)
            call = self._calls.setdefault(index, _PartialCall())
            if fragment.id:
                call.id = fragment.id
            function = fragment.function
            if function is not None:
                if function.name:
                    call.name += function.name
                if function.arguments:
                    call.arguments.append(function.arguments)

    def add_dicts(self, fragments: list[dict[str, Any]]) -> None:
        """The same, for fragments as parsed JSON (the lean client)."""
        for fragment in fragments:
            if not isinstance(fragment, dict):
                continue
            index = fragment.get("index")
            call = self._calls.setdefault(index if index is not None else len(self._calls), _PartialCall())
            if fragment.get("id"):
                call.id = fragment["id"]
            function = fragment.get("function")
            if isinstance(function, dict):
                if function.get("name"):
                    call.name += function["name"]
                if function.get("arguments"):
                    call.arguments.append(function["arguments"])

    def result(self) -> list[ToolCall]:
        return [
            ToolCall(id=c.id, name=c.name, arguments="".join(c.arguments))
            for _, c in sorted(self._calls.items())
            if c.name
        ]


def error_from_sdk(error: openai.OpenAIError, *, provider: str, model: str) -> ProviderError:
    """Map an ``openai`` SDK exception to the port's typed error, keeping provider and model."""
    context: dict[str, Any] = {"provider": provider, "model": model}
    if isinstance(error, openai.APITimeoutError):
        return ProviderTimeout(f"{provider}: request timed out", **context)
    if isinstance(error, openai.APIConnectionError):
        return ServerError(f"{provider}: cannot reach the server ({error})", **context)
    if not isinstance(error, openai.APIStatusError):
        return ProviderError(f"{provider}: {error}", **context)
    status = error.status_code
    detail = _error_detail(error)
    message = f"{provider}: HTTP {status}: {detail}"
    if status == 429:
        return RateLimited(message, retry_after=parse_retry_after(dict(error.response.headers)), **context)
    if status in (401, 403):
        return AuthFailed(message, **context)
    if status == 404 and _error_code(error) == "model_not_found":
        return UnknownModel(message, **context)
    if status == 408:
        return ProviderTimeout(message, **context)
    if status == 409 or status >= 500:
        return ServerError(message, retry_after=parse_retry_after(dict(error.response.headers)), **context)
    return BadRequest(message, **context)


def _error_code(error: openai.APIStatusError) -> str | None:
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(code := inner.get("code"), str):
            return code
    return getattr(error, "code", None)


def _error_detail(error: openai.APIStatusError) -> str:
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
    return error.message
