"""The OpenAI Chat Completions (and Embeddings) protocol over :mod:`runtime.net.http11`.

It builds the same request bodies as the SDK path (:func:`~runtime.providers.openai_wire.request_to_wire`),
reads the JSON answer or the ``data:`` Server-Sent Events of a stream as plain dicts, and maps
HTTP failures to the port's typed errors exactly as :func:`~runtime.providers.openai_wire.error_from_sdk`
does for the SDK's exceptions (same classes, codes, messages and ``retry_after``).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from typing import Any

from runtime.net.errors import NetError, NetErrorCode
from runtime.net.http11 import Endpoint, Http11Pool, Response
from runtime.providers.base import (
    AuthFailed,
    BadRequest,
    ChatDelta,
    ChatRequest,
    ChatResult,
    EmptyCompletion,
    ProviderError,
    ProviderTimeout,
    RateLimited,
    ServerError,
    ToolCall,
    UnknownModel,
    Usage,
)
from runtime.providers.openai_wire import ToolCallAssembler, request_to_wire
from runtime.providers.retry import parse_retry_after

_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
_loads = json.loads


def _header_ok(name: str, value: str) -> bool:
    return bool(_TOKEN.match(name)) and not any(c in value for c in "\r\n\0")


class Wire:
    """One provider's endpoint and request headers (the key lives only in ``_head``)."""

    __slots__ = ("_endpoint", "_head_json", "_head_sse")

    def __init__(self, endpoint: Endpoint, head_json: bytes, head_sse: bytes):
        self._endpoint = endpoint
        self._head_json = head_json
        self._head_sse = head_sse

    def __repr__(self) -> str:
        return f"Wire({self._endpoint.host_header})"

    @classmethod
    def build(cls, *, base_url: str, api_key: str, headers: Mapping[str, str]) -> Wire | None:
        """None when the lean client cannot send this configuration verbatim (the SDK path then
        reports the problem as it always did)."""
        try:
            endpoint = Endpoint(base_url)
        except NetError:
            return None
        merged: dict[str, tuple[str, str]] = {
            "authorization": ("Authorization", f"Bearer {api_key}"),
            "user-agent": ("User-Agent", "llmops-studio"),
            "accept-encoding": ("Accept-Encoding", "identity"),
        }
        for name, value in headers.items():  # configured headers override the defaults, as in the SDK
            merged[name.lower()] = (name, value)
        merged.pop("host", None)
        merged.pop("content-length", None)
        merged.pop("transfer-encoding", None)
        merged.pop("connection", None)
        if not all(_header_ok(name, value) for name, value in merged.values()):
            return None
        common = "".join(f"{name}: {value}\r\n" for name, value in merged.values())
        head_json = f"Content-Type: application/json\r\nAccept: application/json\r\n{common}".encode()
        head_sse = f"Content-Type: application/json\r\nAccept: text/event-stream\r\n{common}".encode()
        return cls(endpoint, head_json, head_sse)

    # --- chat ----------------------------------------------------------------------------------
    async def chat(self, pool: Http11Pool, request: ChatRequest, *, provider: str, timeout: float) -> ChatResult:
        body = _dumps(request_to_wire(request)).encode()
        status, headers, raw = await self._post(pool, "chat/completions", body, provider, request.model, timeout)
        data = _json(raw)
        if status != 200 or not isinstance(data, dict):
            raise status_error(status, raw, data, provider=provider, model=request.model, headers=headers)
        return result_from_completion(data, request, provider=provider)

    async def open_stream(
        self, pool: Http11Pool, request: ChatRequest, *, provider: str, timeout: float, usage: bool
    ) -> Response:
        wire = request_to_wire(request)
        wire["stream"] = True
        if usage:
            wire["stream_options"] = {"include_usage": True}
        body = _dumps(wire).encode()
        try:
            response = await pool.request(
                self._endpoint, "POST", "chat/completions", self._head_sse, body, timeout=timeout
            )
            if response.status == 200:
                return response
            async with asyncio.timeout(timeout):
                raw = await response.read()
        except TimeoutError:
            raise ProviderTimeout(f"{provider}: request timed out", provider=provider, model=request.model) from None
        except NetError as error:
            raise _unreachable(error, provider, request.model) from error
        raise status_error(
            response.status, raw, _json(raw), provider=provider, model=request.model, headers=response.headers
        )

    async def read_stream(
        self, response: Response, request: ChatRequest, *, provider: str, timeout: float
    ) -> AsyncGenerator[ChatDelta | ChatResult, None]:
        """Deltas, then one ChatResult (not yet checked for emptiness)."""
        text: list[str] = []
        calls = ToolCallAssembler()
        usage = Usage()
        model = request.model
        finish_reason: str | None = None
        context: dict[str, Any] = {"provider": provider, "model": request.model}
        try:
            async for data in _sse_data(response, timeout):
                if data.startswith("[DONE]"):
                    break
                chunk = _json(data.encode())
                if not isinstance(chunk, dict):
                    raise ProviderError(f"{provider}: the stream sent a chunk that is not JSON", **context)
                if chunk.get("error"):
                    error = chunk["error"]
                    message = error.get("message") if isinstance(error, dict) else None
                    raise ProviderError(f"{provider}: {message or 'An error occurred during streaming'}", **context)
                model = chunk.get("model") or model
                chunk_usage = chunk.get("usage")
                if isinstance(chunk_usage, dict):
                    usage = Usage(chunk_usage.get("prompt_tokens") or 0, chunk_usage.get("completion_tokens") or 0)
                choices = chunk.get("choices") or ()
                if choices:
                    choice = choices[0]
                    finish_reason = choice.get("finish_reason") or finish_reason
                    delta = choice.get("delta") or {}
                    fragments = delta.get("tool_calls")
                    if fragments:
                        calls.add_dicts(fragments)
                    content = delta.get("content")
                    if content:
                        text.append(content)
                        yield ChatDelta(content)
        except TimeoutError:
            raise ProviderTimeout(f"{provider}: request timed out", **context) from None
        except NetError as error:
            raise _unreachable(error, provider, request.model) from error
        finally:
            response.close()  # no-op once the body was read to its end
        yield ChatResult(
            text="".join(text), model=model, usage=usage, tool_calls=calls.result(), finish_reason=finish_reason
        )

    # --- embeddings ------------------------------------------------------------------------------
    async def embed(
        self, pool: Http11Pool, model: str, texts: list[str], *, provider: str, timeout: float
    ) -> list[list[float]]:
        body = _dumps({"model": model, "input": texts, "encoding_format": "float"}).encode()
        status, headers, raw = await self._post(pool, "embeddings", body, provider, model, timeout)
        data = _json(raw)
        if status != 200 or not isinstance(data, dict):
            raise status_error(status, raw, data, provider=provider, model=model, headers=headers)
        items = data.get("data") or []
        ordered = sorted(items, key=lambda item: item.get("index", 0))
        return [list(item.get("embedding") or []) for item in ordered]

    async def _post(
        self, pool: Http11Pool, path: str, body: bytes, provider: str, model: str, timeout: float
    ) -> tuple[int, dict[str, str], bytes]:
        try:
            async with asyncio.timeout(timeout):
                response = await pool.request(self._endpoint, "POST", path, self._head_json, body, timeout=None)
                try:
                    raw = await response.read()
                finally:
                    response.close()
        except TimeoutError:
            raise ProviderTimeout(f"{provider}: request timed out", provider=provider, model=model) from None
        except NetError as error:
            raise _unreachable(error, provider, model) from error
        return response.status, response.headers, raw


async def _sse_data(response: Response, timeout: float) -> AsyncIterator[str]:
    """The ``data`` of each Server-Sent Event (comments and other fields skipped)."""
    pending = b""
    data: list[str] = []
    async for piece in response.iter_bytes(read_timeout=timeout):
        pending += piece
        lines = pending.split(b"\n")
        pending = lines.pop()
        for raw in lines:
            line = raw.decode("utf-8").rstrip("\r")
            if not line:
                if data:
                    yield "\n".join(data)
                    data = []
                continue
            if line.startswith("data:"):
                value = line[5:]
                data.append(value[1:] if value.startswith(" ") else value)
    if pending.strip().startswith(b"data:"):
        value = pending.decode("utf-8").strip()[5:]
        data.append(value[1:] if value.startswith(" ") else value)
    if data:
        yield "\n".join(data)


def _json(raw: bytes) -> Any:
    try:
        return _loads(raw) if raw else None
    except ValueError:
        return None


def _unreachable(error: NetError, provider: str, model: str) -> ProviderError:
    """The provider error for a failed connection. Only a request that provably never reached
    the server (refused connection, unknown name) is retried: a call that may have been received
    is never sent twice, and a blocked address or a bad certificate won't change on a retry."""
    if error.code == NetErrorCode.TIMEOUT:
        return ProviderTimeout(f"{provider}: request timed out", provider=provider, model=model)
    if error.code in (NetErrorCode.CONNECT_ERROR, NetErrorCode.DNS_ERROR):
        return ServerError(f"{provider}: cannot reach the server ({error.message})", provider=provider, model=model)
    failure = ProviderError(f"{provider}: {error.message}", provider=provider, model=model)
    failure.code = str(error.code)
    return failure


def result_from_completion(data: dict[str, Any], request: ChatRequest, *, provider: str) -> ChatResult:
    choices = data.get("choices") or []
    if not choices:
        raise EmptyCompletion(f"{provider}: response has no choices", provider=provider, model=request.model)
    choice = choices[0]
    message = choice.get("message") or {}
    usage = data.get("usage")
    return ChatResult(
        text=message.get("content") or "",
        model=data.get("model") or request.model,
        usage=Usage(usage.get("prompt_tokens") or 0, usage.get("completion_tokens") or 0)
        if isinstance(usage, dict)
        else Usage(),
        tool_calls=[
            ToolCall(id=c.get("id") or "", name=fn.get("name") or "", arguments=fn.get("arguments") or "")
            for c in message.get("tool_calls") or []
            if isinstance(fn := c.get("function"), dict)
        ],
        finish_reason=choice.get("finish_reason"),
    )


def status_error(
    status: int, raw: bytes, body: Any, *, provider: str, model: str, headers: Any = None
) -> ProviderError:
    """The typed error of a non-200 answer (the same mapping as ``error_from_sdk``)."""
    context: dict[str, Any] = {"provider": provider, "model": model}
    if status == 200:  # 200 but not a JSON object
        return ProviderError(f"{provider}: the server's answer is not JSON", **context)
    inner = body.get("error", body) if isinstance(body, dict) else body
    if isinstance(inner, dict) and inner.get("message"):
        detail = str(inner["message"])
    else:
        detail = f"Error code: {status} - {inner if inner is not None else raw.decode('utf-8', 'replace')[:500]}"
    code = inner.get("code") if isinstance(inner, dict) and isinstance(inner.get("code"), str) else None
    message = f"{provider}: HTTP {status}: {detail}"
    retry_after = parse_retry_after(headers) if headers else None
    if status == 429:
        return RateLimited(message, retry_after=retry_after, **context)
    if status in (401, 403):
        return AuthFailed(message, **context)
    if status == 404 and code == "model_not_found":
        return UnknownModel(message, **context)
    if status == 408:
        return ProviderTimeout(message, **context)
    if status == 409 or status >= 500:
        return ServerError(message, retry_after=retry_after, **context)
    return BadRequest(message, **context)
