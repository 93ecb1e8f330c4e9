"""The ``/v1/`` ASGI application and the gateway's composition root: it wires the key gate, the
catalog of published versions, the registry of live runs and the run store, and routes requests
to the route classes; plus the error shape, CORS and lifespan (a clean shutdown lets running runs
finish and writes every run before the process exits)."""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from builder.core.errors import ApplicationError
from builder.publishing.gateway.catalog import Catalog
from builder.publishing.gateway.chat import ChatRoutes
from builder.publishing.gateway.http import (
    CORS_HEADERS,
    Receive,
    Request,
    Scope,
    Send,
    error_body,
    send_error,
    send_json,
)
from builder.publishing.gateway.keys import KeyGate
from builder.publishing.gateway.live import Registry
from builder.publishing.gateway.runs import RunRoutes
from builder.publishing.gateway.share import ShareRoutes
from builder.publishing.gateway.store import RunStore

logger = logging.getLogger(__name__)
SHUTDOWN_GRACE_SECONDS = 30.0

gate = KeyGate()
catalog = Catalog()
registry = Registry(on_finished=lambda live: store.submit(live))
store = RunStore(key_use=gate.used, on_written=registry.forget)
_runs = RunRoutes(gate, catalog, registry)
_chat = ChatRoutes(gate, catalog, registry)
_share = ShareRoutes(catalog, registry)

Handler = Callable[..., Awaitable[None]]
_UUID = r"[0-9a-fA-F-]{1,64}"
ROUTES: list[tuple[re.Pattern[str], dict[str, Handler]]] = [
    (re.compile(r"^/v1/apps/([A-Za-z0-9_-]{1,140})/run/?$"), {"POST": _runs.run_app}),
    (re.compile(rf"^/v1/runs/({_UUID})/?$"), {"GET": _runs.run_get}),
    (re.compile(rf"^/v1/runs/({_UUID})/events/?$"), {"GET": _runs.run_events}),
    (re.compile(rf"^/v1/runs/({_UUID})/feedback/?$"), {"POST": _runs.feedback}),
    (re.compile(r"^/v1/chat/completions/?$"), {"POST": _chat.completions}),
    (re.compile(r"^/v1/models/?$"), {"GET": _chat.models}),
    (re.compile(r"^/v1/share/([^/]{1,200})/?$"), {"GET": _share.info}),
    (re.compile(r"^/v1/share/([^/]{1,200})/chat/?$"), {"POST": _share.chat}),
    (re.compile(r"^/v1/share/([^/]{1,200})/runs/([^/]{1,64})/feedback/?$"), {"POST": _share.feedback}),
]
_PREFLIGHT = [
    *CORS_HEADERS,
    (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
    (b"access-control-allow-headers", b"authorization, content-type, idempotency-key, last-event-id"),
    (b"access-control-max-age", b"86400"),
]


_guard: asyncio.Task[None] | None = None


async def _shutdown_guard() -> None:
    """Waits for the end of the event loop. Servers run without lifespan (``--lifespan off``)
    and uvicorn re-raises SIGTERM once it has stopped, which skips ``atexit``; but the loop's
    end cancels this task first, so it stores every run before the process goes."""
    try:
        await asyncio.Event().wait()
    except asyncio.CancelledError:
        await registry.drain(SHUTDOWN_GRACE_SECONDS)  # runs being cancelled record themselves
        store.flush()
        raise


def _hook_server_signals() -> None:
    """Under uvicorn without lifespan, a SIGTERM/SIGINT stops the server and is then re-raised
    with the default handler, which ends the process before ``atexit``. So the server's handler
    is wrapped: it also adds a task to the server's own task set — uvicorn waits for that set —
    which lets running runs finish and writes every run once the connections are closed."""
    if threading.current_thread() is not threading.main_thread():
        return
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(signum)
        state = getattr(getattr(previous, "__self__", None), "server_state", None)
        if not callable(previous) or not isinstance(getattr(state, "tasks", None), set):
            continue

        def handler(sig, frame, previous=previous, state=state):
            previous(sig, frame)
            if not any(getattr(t, "get_name", lambda: "")() == "api-run-flush" for t in state.tasks):
                task = loop.create_task(_flush_when_idle(state), name="api-run-flush")
                state.tasks.add(task)
                task.add_done_callback(state.tasks.discard)

        signal.signal(signum, handler)


async def _flush_when_idle(state: Any) -> None:
    while getattr(state, "connections", None):
        await asyncio.sleep(0.05)
    await shutdown()


async def application(scope: Scope, receive: Receive, send: Send) -> None:
    global _guard
    if scope["type"] == "lifespan":
        await lifespan(receive, send)
        return
    if _guard is None:
        _guard = asyncio.get_running_loop().create_task(_shutdown_guard(), name="api-run-shutdown-guard")
        _hook_server_signals()
    started = False

    async def tracked_send(message: dict[str, Any]) -> None:
        nonlocal started
        started = True
        await send(message)

    try:
        await _dispatch(scope, receive, tracked_send)
    except ApplicationError as exc:
        if not started:
            await send_error(send, exc)
    except Exception:
        logger.exception("the public API failed on %s %s", scope.get("method"), scope.get("path"))
        if not started:
            message = "Something went wrong on our side. The error was logged."
            await send_json(send, 500, error_body("internal_error", message))


async def _dispatch(scope: Scope, receive: Receive, send: Send) -> None:
    path, method = scope["path"], scope["method"]
    for pattern, methods in ROUTES:
        match = pattern.match(path)
        if match is None:
            continue
        if method == "OPTIONS":
            await send({"type": "http.response.start", "status": 204, "headers": _PREFLIGHT})
            await send({"type": "http.response.body", "body": b""})
            return
        handler = methods.get(method)
        if handler is None:
            await send_json(send, 405, error_body("method_not_allowed", f"{method} is not allowed here."),
                            [(b"allow", ", ".join(methods).encode())])
            return
        await handler(Request(scope, receive), send, *match.groups())
        return
    await send_json(send, 404, error_body("not_found", f"No API route {path}."))


async def shutdown() -> None:
    """Let running runs finish, then write every run."""
    await registry.drain(SHUTDOWN_GRACE_SECONDS)
    await asyncio.get_running_loop().run_in_executor(None, store.flush)


async def lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            try:
                await shutdown()
            finally:
                await send({"type": "lifespan.shutdown.complete"})
            return
