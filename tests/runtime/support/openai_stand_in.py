"""A local stand-in for an OpenAI-compatible server, on a real socket on 127.0.0.1.

It speaks ``POST /v1/chat/completions`` (JSON and SSE streaming) and ``POST /v1/embeddings``,
served by uvicorn in a background thread with a minimal ASGI app. Tests script what comes back::

    def test_something(openai_stand_in):
        openai_stand_in.script(Reply(text="Hi", usage=(3, 1)))
        openai_stand_in.script(Reply.error(429, retry_after="1"), Reply(text="ok"))
        provider = OpenAICompatibleProvider(name="stand-in", base_url=openai_stand_in.base_url)

One scripted :class:`Reply` answers one chat request (first in, first out); whether it goes out
as JSON or as SSE chunks follows the request's ``stream`` flag, so the same script serves
``chat`` and ``stream``. With nothing scripted the server answers ``default_text``.
``latency_s`` adds a fixed delay to every request (for benchmarks); ``api_key`` makes it demand
``Authorization: Bearer <key>`` (401 otherwise). ``requests`` records what arrived.
``Reply.held()`` holds its answer open until the client hangs up, and :meth:`StandInServer.wait_for_hangup`
tells whether a client hung up on an answer (a cancelled run must close its model connection).

Reuse it from any conftest with ``from tests.runtime.support.openai_stand_in import *  # noqa``
(exports the ``stand_in_server`` session fixture and the per-test ``openai_stand_in`` fixture).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import uvicorn

__all__ = ["RecordedRequest", "Reply", "StandInServer", "openai_stand_in", "stand_in_server"]

Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]
HOLD_LIMIT_S = 120.0  # a held answer goes on after this, so that a test that forgets it cannot hang


@dataclass
class Reply:
    """One scripted answer to a chat request.

    ``tool_calls`` items are ``{"id", "name", "arguments"}``; ``usage`` is (prompt, completion)
    tokens (None: no usage sent at all, as some servers do). ``pieces`` splits the text into SSE
    chunks (default: word by word). ``delay_s`` waits before answering; ``chunk_delay_s``
    between SSE chunks.
    """

    text: str | None = "Hello from the stand-in."
    tool_calls: list[dict[str, str]] = field(default_factory=list)
    usage: tuple[int, int] | None = (7, 5)
    finish_reason: str | None = None
    pieces: list[str] | None = None
    status: int = 200
    error_message: str = ""
    error_code: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    chunk_delay_s: float = 0.0
    model: str | None = None
    hold: bool = False
    release: threading.Event | None = None  # streamed: the rest after the first piece waits for it

    @classmethod
    def held(cls, text: str = "Thinking") -> Reply:
        """Streamed: the first piece of ``text``, then nothing until the client hangs up (JSON:
        no answer until then)."""
        return cls(text=text, pieces=[text], hold=True)

    @classmethod
    def error(
        cls,
        status: int,
        message: str = "scripted error",
        *,
        retry_after: str | None = None,
        code: str | None = None,
    ) -> Reply:
        headers = {"retry-after": retry_after} if retry_after is not None else {}
        return cls(status=status, error_message=message, error_code=code, headers=headers)

    @classmethod
    def empty(cls) -> Reply:
        return cls(text="", usage=(7, 0))

    @classmethod
    def slow(cls, delay_s: float, text: str = "late answer") -> Reply:
        return cls(text=text, delay_s=delay_s)


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class StandInServer:
    """The server; start with :meth:`start` (or use the fixtures), stop with :meth:`stop`."""

    def __init__(self, *, default_text: str = "Hello from the stand-in.", embedding_dims: int = 8) -> None:
        self.default_text = default_text
        self.embedding_dims = embedding_dims
        self.latency_s = 0.0
        self.api_key: str | None = None
        #: What ``GET /v1/models`` lists; ``models_reply`` (a status) answers it instead, once.
        self.models = ["gpt-test", "gpt-mini"]
        self.models_reply: Reply | None = None
        #: Answers a chat request nothing is scripted for, from its body (None: the default).
        self.responder: Callable[[dict[str, Any]], Reply | None] | None = None
        self.requests: list[RecordedRequest] = []
        self._chat_script: deque[Reply] = deque()
        self._embed_script: deque[Reply] = deque()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self._hangups = 0
        self._hung_up = threading.Condition()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def script(self, *replies: Reply) -> None:
        """Queue answers for the next chat requests."""
        self._chat_script.extend(replies)

    def script_embeddings(self, *replies: Reply) -> None:
        """Queue answers (errors only; success is computed) for the next embedding requests."""
        self._embed_script.extend(replies)

    def reset(self) -> None:
        self._chat_script.clear()
        self._embed_script.clear()
        self.requests.clear()
        self.latency_s = 0.0
        self.api_key = None
        self.models = ["gpt-test", "gpt-mini"]
        self.models_reply = None
        self.responder = None
        with self._hung_up:
            self._hangups = 0

    def wait_for_hangup(self, count: int = 1, timeout: float = 10.0) -> bool:
        """True once clients have hung up on ``count`` answers (since the last reset) before
        they were complete; False if that did not happen within ``timeout`` seconds."""
        with self._hung_up:
            return self._hung_up.wait_for(lambda: self._hangups >= count, timeout)

    def _note_hangup(self) -> None:
        with self._hung_up:
            self._hangups += 1
            self._hung_up.notify_all()

    def chat_requests(self) -> list[dict[str, Any]]:
        return [r.body for r in self.requests if r.path.endswith("/chat/completions")]

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> StandInServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self._app,
            interface="asgi3",
            lifespan="off",
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("stand-in server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=5)

    # --- ASGI ----------------------------------------------------------------------------------

    async def _app(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        raw = b""
        while True:
            message = await receive()
            raw += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        body = json.loads(raw) if raw else {}
        path: str = scope["path"]
        self.requests.append(RecordedRequest(path, headers, body))

        if self.api_key is not None and headers.get("authorization") != f"Bearer {self.api_key}":
            await _send_json(
                send,
                401,
                {
                    "error": {
                        "message": "Incorrect API key provided",
                        "type": "invalid_request_error",
                        "code": "invalid_api_key",
                    }
                },
            )
            return
        if path.endswith("/models") and scope["method"] == "GET":
            reply, self.models_reply = self.models_reply or Reply(), None
            if reply.status != 200:
                error = {"message": reply.error_message, "type": "stand_in", "code": reply.error_code}
                await _send_json(send, reply.status, {"error": error}, reply.headers)
            else:
                await _send_json(send, 200, {"object": "list", "data": [
                    {"id": m, "object": "model", "owned_by": "stand-in"} for m in self.models]})
            return
        if path.endswith("/chat/completions"):
            reply = (self._chat_script.popleft() if self._chat_script
                     else (self.responder(body) if self.responder else None) or Reply(text=self.default_text))
        elif path.endswith("/embeddings"):
            reply = self._embed_script.popleft() if self._embed_script else Reply()
        else:
            await _send_json(send, 404, {"error": {"message": f"no route {path}"}})
            return

        if not await _wait_unless_disconnected(receive, self.latency_s + reply.delay_s):
            self._note_hangup()
            return
        if reply.hold and not body.get("stream"):
            if not await _wait_unless_disconnected(receive, HOLD_LIMIT_S):
                self._note_hangup()
                return
        if reply.status != 200:
            error = {"message": reply.error_message, "type": "stand_in", "code": reply.error_code}
            await _send_json(send, reply.status, {"error": error}, reply.headers)
        elif path.endswith("/embeddings"):
            await _send_json(send, 200, self._embeddings(body), reply.headers)
        elif body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            complete = await _send_sse(send, receive, _stream_chunks(reply, body, include_usage), reply.chunk_delay_s,
                                       hold_after=2 if reply.hold else None, release=reply.release)
            if not complete:
                self._note_hangup()
        else:
            await _send_json(send, 200, _completion(reply, body), reply.headers)

    def _embeddings(self, body: dict[str, Any]) -> dict[str, Any]:
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = [
            {"object": "embedding", "index": i, "embedding": self._vector(text)}
            for i, text in enumerate(inputs)
        ]
        tokens = sum(len(str(t).split()) for t in inputs)
        return {
            "object": "list",
            "data": data,
            "model": body.get("model", "stand-in-embed"),
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }

    def _vector(self, text: str) -> list[float]:
        digest = hashlib.sha256(str(text).encode()).digest()
        repeated = digest * (self.embedding_dims // len(digest) + 1)
        return [b / 255.0 for b in repeated[: self.embedding_dims]]


# --- wire rendering --------------------------------------------------------------------------------


def _base(reply: Reply, body: dict[str, Any], obj: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-standin",
        "object": obj,
        "created": int(time.time()),
        "model": reply.model or body.get("model", "stand-in"),
    }


def _usage(reply: Reply) -> dict[str, int] | None:
    if reply.usage is None:
        return None
    prompt, completion = reply.usage
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _completion(reply: Reply, body: dict[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text}
    if reply.tool_calls:
        message["tool_calls"] = [
            {"id": c["id"], "type": "function", "function": {"name": c["name"], "arguments": c["arguments"]}}
            for c in reply.tool_calls
        ]
    finish = reply.finish_reason or ("tool_calls" if reply.tool_calls else "stop")
    out = _base(reply, body, "chat.completion")
    out["choices"] = [{"index": 0, "message": message, "finish_reason": finish}]
    out["usage"] = _usage(reply)
    return out


def _stream_chunks(reply: Reply, body: dict[str, Any], include_usage: bool) -> Iterator[dict[str, Any]]:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        out = _base(reply, body, "chat.completion.chunk")
        out["choices"] = [{"index": 0, "delta": delta, "finish_reason": finish}]
        if include_usage:
            out["usage"] = None
        return out

    yield chunk({"role": "assistant", "content": ""})
    text = reply.text or ""
    pieces = reply.pieces if reply.pieces is not None else re.findall(r"\S+\s*|\s+", text)
    for piece in pieces:
        if piece:
            yield chunk({"content": piece})
    for index, call in enumerate(reply.tool_calls):
        args = call["arguments"]
        head = {
            "index": index,
            "id": call["id"],
            "type": "function",
            "function": {"name": call["name"], "arguments": ""},
        }
        yield chunk({"tool_calls": [head]})
        third = max(len(args) // 3, 1)
        for start in range(0, len(args), third):
            yield chunk(
                {"tool_calls": [{"index": index, "function": {"arguments": args[start : start + third]}}]}
            )
    yield chunk({}, reply.finish_reason or ("tool_calls" if reply.tool_calls else "stop"))
    if include_usage and reply.usage is not None:
        out = _base(reply, body, "chat.completion.chunk")
        out["choices"] = []
        out["usage"] = _usage(reply)
        yield out


async def _wait_unless_disconnected(receive: Receive, seconds: float) -> bool:
    """Sleep ``seconds``; False if the client hung up meanwhile (so slow replies end early)."""
    if seconds <= 0:
        return True
    try:
        message = await asyncio.wait_for(receive(), timeout=seconds)
    except TimeoutError:
        return True
    return message.get("type") != "http.disconnect"


async def _send_json(
    send: Send, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
) -> None:
    raw = json.dumps(payload).encode()
    pairs = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    pairs += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": pairs})
    await send({"type": "http.response.body", "body": raw})


async def _send_sse(
    send: Send, receive: Receive, chunks: Iterator[dict[str, Any]], chunk_delay_s: float,
    hold_after: int | None = None, release: threading.Event | None = None,
) -> bool:
    """Send the chunks; False when the client hung up first. ``hold_after``: after that many
    chunks, wait for the client to hang up (at most ``HOLD_LIMIT_S``); ``release``: after the
    first piece of text, wait until the test sets it (at most ``HOLD_LIMIT_S``)."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")],
        }
    )
    try:
        for number, item in enumerate(chunks, 1):
            await send(
                {
                    "type": "http.response.body",
                    "body": f"data: {json.dumps(item)}\n\n".encode(),
                    "more_body": True,
                }
            )
            if number == 2 and release is not None:
                await asyncio.to_thread(release.wait, HOLD_LIMIT_S)
            wait = HOLD_LIMIT_S if number == hold_after else chunk_delay_s
            if not await _wait_unless_disconnected(receive, wait):
                return False
        await send({"type": "http.response.body", "body": b"data: [DONE]\n\n", "more_body": False})
    except OSError:  # the client went away mid-stream
        return False
    return True


# --- pytest fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def stand_in_server() -> Iterator[StandInServer]:
    """One stand-in server for the whole test session."""
    server = StandInServer().start()
    yield server
    server.stop()


@pytest.fixture
def openai_stand_in(stand_in_server: StandInServer) -> Iterator[StandInServer]:
    """The session's stand-in server, with an empty script and no recorded requests."""
    stand_in_server.reset()
    yield stand_in_server
    stand_in_server.reset()
