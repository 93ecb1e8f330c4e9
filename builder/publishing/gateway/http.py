"""Just enough HTTP for the gateway: read a capped JSON body, answer JSON or Server-Sent Events,
and the one error shape ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from builder.core.errors import ApplicationError, UnsupportedMediaType
from builder.core.text import parse_json_body, storable
from builder.publishing.errors import BadRequest, RateLimited, RequestTooLarge

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

CORS_HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", b"retry-after, idempotent-replayed, x-run-id"),
]
_JSON = [(b"content-type", b"application/json")]
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode


def dumps(obj: Any) -> bytes:
    """UTF-8 JSON; text that UTF-8 cannot carry (a lone surrogate in a model's answer) is sent
    the way it is stored (:func:`~builder.core.text.storable`)."""
    text = _dumps(obj)
    try:
        return text.encode()
    except UnicodeEncodeError:
        return _dumps(storable(obj)).encode()


class Request:
    __slots__ = ("_receive", "disconnected", "headers", "method", "path", "query", "scope")

    def __init__(self, scope: Scope, receive: Receive):
        self.scope = scope
        self._receive = receive
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        self.query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        self.disconnected = False

    async def json(self, limit: int) -> dict[str, Any]:
        """The body as a JSON object; 415 when the client declares another media type (a form,
        text), 413 past ``limit`` bytes (checked before reading when the client declares a length),
        400 when it is not a JSON object or breaks the platform's rules for bodies
        (:func:`~builder.core.text.parse_json_body`). A body without a Content-Type is read as JSON."""
        media_type = self.headers.get("content-type", "").partition(";")[0].strip().lower()[:100]
        if media_type and media_type != "application/json" and not media_type.endswith("+json"):
            raise UnsupportedMediaType(f"Send the body as JSON (Content-Type: application/json), not {media_type}.")
        declared = self.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise RequestTooLarge(f"The request body is larger than {limit} bytes.")
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                self.disconnected = True
                raise BadRequest("The client went away before sending the whole body.")
            body = message.get("body", b"")
            size += len(body)
            if size > limit:
                raise RequestTooLarge(f"The request body is larger than {limit} bytes.")
            chunks.append(body)
            if not message.get("more_body"):
                break
        raw = b"".join(chunks)
        if not raw:
            return {}
        data = parse_json_body(raw)  # 400 malformed_request / invalid_json / invalid_text
        if not isinstance(data, dict):
            raise BadRequest("The request body must be a JSON object.", code="malformed_request")
        return data

    async def wait_disconnect(self) -> None:
        """Returns once the client hangs up (call only after the body was read)."""
        while True:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                self.disconnected = True
                return


async def send_json(send: Send, status: int, payload: Any, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = dumps(payload)
    all_headers = [*_JSON, (b"content-length", str(len(body)).encode()), *CORS_HEADERS, *(headers or ())]
    await send({"type": "http.response.start", "status": status, "headers": all_headers})
    await send({"type": "http.response.body", "body": body})


async def send_error(send: Send, exc: ApplicationError) -> None:
    headers = []
    if isinstance(exc, RateLimited):
        headers.append((b"retry-after", str(exc.retry_after).encode()))
    if exc.status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="llmops"'))
    await send_json(send, exc.status, error_body(exc.code, exc.message, exc.details), headers)


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


class EventStream:
    """A Server-Sent Events response. ``event`` frames carry an ``id`` for Last-Event-ID resume."""

    def __init__(self, send: Send):
        self._send = send
        self.open = True

    async def start(self, headers: list[tuple[bytes, bytes]] | None = None) -> None:
        await self._send({
            "type": "http.response.start", "status": 200,
            "headers": [
                (b"content-type", b"text/event-stream; charset=utf-8"), (b"cache-control", b"no-cache"),
                (b"x-accel-buffering", b"no"), *CORS_HEADERS, *(headers or ()),
            ],
        })

    async def write(self, raw: bytes) -> bool:
        """False once the client is gone (the caller stops writing, the run goes on)."""
        if not self.open:
            return False
        try:
            await self._send({"type": "http.response.body", "body": raw, "more_body": True})
        except OSError:  # the connection died under us
            self.open = False
        return self.open

    async def end(self) -> None:
        if self.open:
            self.open = False
            try:
                await self._send({"type": "http.response.body", "body": b"", "more_body": False})
            except OSError:
                pass


def sse_frame(event: str | None, data: Any, event_id: int | None = None) -> bytes:
    head = f"id: {event_id}\n" if event_id is not None else ""
    if event:
        head += f"event: {event}\n"
    payload = data.encode() if isinstance(data, str) else dumps(data)
    return head.encode() + b"data: " + payload + b"\n\n"


KEEPALIVE = b": keepalive\n\n"
