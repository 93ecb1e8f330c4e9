"""``/v1/apps/{slug}/run`` and ``/v1/runs/...``: run an app (JSON or SSE), read a run, replay and
resume its events, leave feedback."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from rest_framework.fields import DateTimeField

from builder.core.errors import Conflict
from builder.publishing.errors import BadRequest, RunNotFound
from builder.publishing.gateway.bodies import FeedbackBody, RunBody, parse_body
from builder.publishing.gateway.catalog import Catalog, Target
from builder.publishing.gateway.db import db
from builder.publishing.gateway.http import KEEPALIVE, EventStream, Request, Send, send_json, sse_frame
from builder.publishing.gateway.keys import KeyGate, KeyInfo
from builder.publishing.gateway.live import TERMINAL, LiveRun, Registry, public_event
from builder.publishing.models import ApiRun
from builder.publishing.selectors import api_run_find
from builder.publishing.services import feedback_create
from builder.runs.errors import InputsInvalid
from builder.runs.models import Run
from runtime.errors import InputInvalid


def check_inputs(target: Target, inputs: dict[str, Any]) -> dict[str, Any]:
    """``inputs`` if they fit the app's declared inputs, else 400 ``inputs_invalid`` (``details``:
    one ``{"field": "inputs.<name>", "message"}`` per wrong input)."""
    try:
        target.version.compiled.prepare_inputs(inputs)
    except InputInvalid as exc:
        raise InputsInvalid.of(exc) from None
    return inputs


def call_hash(target: Target, body: RunBody) -> str:
    """What an idempotency key stands for: the app and the call as validated (each field in one
    order, so key order, ``"v3"`` for ``3`` or fields the API ignores make no difference).
    ``stream`` is left out: it is how the answer is sent, not what runs — a client may take the
    answer of its first call streamed."""
    call = {"app_id": target.app_id, **body.model_dump(exclude={"stream", "idempotency_key"})}
    canonical = json.dumps(call, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


_DATETIME = DateTimeField()


def timestamp(value: datetime | float | None) -> str | None:
    """A time as ``/api/`` shows it (DRF's ISO 8601, UTC as ``Z``: ``2026-12-04T17:16:01.123456Z``);
    ``value`` a datetime or wall-clock seconds. (``created`` in the OpenAI-shaped answers of
    ``/v1/chat/completions`` and ``/v1/models`` stays Unix seconds: that protocol defines it so.)"""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromtimestamp(value, UTC)
    text: str = _DATETIME.to_representation(value)
    return text


def usage_of(live: LiveRun) -> dict[str, int]:
    totals = live.result.totals
    return {"input_tokens": totals.tokens_in, "output_tokens": totals.tokens_out,
            "total_tokens": totals.tokens_in + totals.tokens_out}



def blocking_body(live: LiveRun) -> tuple[int, dict[str, Any]]:
    result = live.result
    version, label = live.target.version.number, live.target.label or None
    if result.status != "succeeded":
        error = result.error or {}
        return 502, {"error": {
            "code": "run_failed", "message": error.get("message") or "The run failed.",
            "details": {"run_id": live.id, "cause": error.get("code"), "node_id": error.get("node_id"),
                        "version": version, "label": label},
        }}
    return 200, {
        "run_id": live.id, "status": result.status, "outputs": result.outputs, "usage": usage_of(live),
        "cost": result.totals.cost, "latency_ms": round(result.totals.latency_ms, 2), "version": version,
        "label": label,
    }


def _stored_body(run: Run, api: ApiRun) -> tuple[int, dict[str, Any]]:
    if run.status != "succeeded":
        return 502, {"error": {
            "code": "run_failed", "message": run.error_message or "The run failed.",
            "details": {"run_id": str(run.pk), "cause": run.error_code or None, "node_id": run.error_node_id or None,
                        "version": run.version.number if run.version else None, "label": api.label or None},
        }}
    return 200, {
        "run_id": str(run.pk), "status": run.status, "outputs": run.outputs,
        "usage": {"input_tokens": run.tokens_in, "output_tokens": run.tokens_out,
                  "total_tokens": run.tokens_in + run.tokens_out},
        "cost": run.cost, "latency_ms": run.latency_ms, "version": run.version.number if run.version else None,
        "label": api.label or None,
    }


async def stream_live(request: Request, send: Send, live: LiveRun, *, after: int = 0,
                      frame=None, finish: bytes = b"", headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """Send the run's events after id ``after`` and then each new one as it happens, with a
    keepalive comment when nothing happened for LLMOPS_SSE_KEEPALIVE_SECONDS; always ends with the terminal
    event. The client is attached to the run while it listens: when it hangs up before the end
    and no other client waits for the run, the run is cancelled (see :meth:`LiveRun.detach`)."""
    frame = frame or _run_frame
    stream = EventStream(send)
    await stream.start([(b"x-run-id", live.id.encode()), *(headers or ())])
    hangup = asyncio.ensure_future(request.wait_disconnect())
    sent = after
    live.attach()
    try:
        while True:
            while sent < len(live.events):
                event = live.events[sent]
                sent += 1
                raw = frame(sent, event)
                if raw and not await stream.write(raw):
                    return
                if event.type in TERMINAL:
                    if finish:
                        await stream.write(finish)
                    return
            changed = live.changed()
            waiter = asyncio.ensure_future(changed.wait())
            done, _ = await asyncio.wait({waiter, hangup}, timeout=settings.LLMOPS_SSE_KEEPALIVE_SECONDS,
                                         return_when=asyncio.FIRST_COMPLETED)
            if hangup in done:
                waiter.cancel()
                return
            if not done:
                waiter.cancel()
                if not await stream.write(KEEPALIVE):
                    return
    finally:
        hangup.cancel()
        live.detach()
        await stream.end()


async def wait_result(request: Request, live: LiveRun) -> bool:
    """Wait for the end of the run whose answer is sent as JSON: True once it has ended, False
    when the client hung up first — the run is then cancelled unless another client waits for it
    (see :meth:`LiveRun.detach`)."""
    if live.done.is_set():
        return True
    live.attach()
    hangup = asyncio.ensure_future(request.wait_disconnect())
    finished = asyncio.ensure_future(live.done.wait())
    try:
        await asyncio.wait({hangup, finished}, return_when=asyncio.FIRST_COMPLETED)
        return finished.done()
    finally:
        hangup.cancel()
        finished.cancel()
        live.detach()


def _run_frame(number: int, event) -> bytes:
    name, data = public_event(event)
    return sse_frame(name, data, number)


async def replay_stored(send: Send, run_id: str, events: list[dict[str, Any]], after: int,
                        headers: list[tuple[bytes, bytes]] | None = None) -> None:
    stream = EventStream(send)
    await stream.start([(b"x-run-id", run_id.encode()), *(headers or ())])
    for item in events:
        if item["id"] > after and not await stream.write(sse_frame(item["event"], item["data"], item["id"])):
            break
    await stream.end()


def _same_call(first: LiveRun | tuple[Run, ApiRun], digest: str, idempotency_key: str) -> None:
    """409 ``idempotency_key_reused`` when ``first`` (the run the key already stands for) came
    from another call: a key names one call, it is not a cache of whatever came first. A run
    stored before calls were hashed (no hash) is taken as the same call."""
    if isinstance(first, LiveRun):
        run_id, first_hash = first.id, first.request_hash
    else:
        run_id, first_hash = str(first[0].pk), first[1].idempotency_hash
    if first_hash is not None and first_hash != digest:
        raise Conflict("This Idempotency-Key was already used with a different request; a key may only be "
                       "sent again with the same request (use a new key for a new request).",
                       code="idempotency_key_reused", details={"idempotency_key": idempotency_key, "run_id": run_id})


class RunRoutes:
    def __init__(self, gate: KeyGate, catalog: Catalog, registry: Registry):
        self.gate = gate
        self.catalog = catalog
        self.registry = registry

    async def run_app(self, request: Request, send: Send, slug: str) -> None:
        key = await self.gate.authenticate(request.headers.get("authorization"))
        body = parse_body(RunBody, await request.json(settings.LLMOPS_V1_MAX_REQUEST_BYTES))
        stream = body.stream
        idempotency_key = body.idempotency_key or request.headers.get("idempotency-key") or None
        target = await self.catalog.target(workspace_id=key.workspace_id, slug=slug, label=body.label,
                                           number=body.version, user=body.user or None)
        key.check_app(target.app_id)
        inputs = check_inputs(target, body.inputs)
        if not idempotency_key:
            live = self.registry.start(key=key, target=target, inputs=inputs, source="api", stream=stream,
                                       end_user=body.user, idempotency_key=None)
            await self.answer(request, send, live, stream)
            return
        digest = call_hash(target, body)
        async with self.registry.idempotency_lock(key.id, idempotency_key):  # concurrent twins wait here
            first = await self._first_run(key, idempotency_key)
            if first is None:
                live = self.registry.start(key=key, target=target, inputs=inputs, source="api", stream=stream,
                                           end_user=body.user, idempotency_key=idempotency_key, request_hash=digest)
        if first is None:
            await self.answer(request, send, live, stream)
            return
        _same_call(first, digest, idempotency_key)
        await self._replay(request, send, first, stream)

    async def answer(self, request: Request, send: Send, live: LiveRun, stream: bool,
                     headers: list[tuple[bytes, bytes]] | None = None) -> None:
        if stream:
            await stream_live(request, send, live, headers=headers)
            return
        if not await wait_result(request, live):
            return  # nobody to answer
        status, payload = blocking_body(live)
        await send_json(send, status, payload, headers)

    async def _first_run(self, key: KeyInfo, idempotency_key: str) -> LiveRun | tuple[Run, ApiRun] | None:
        live = self.registry.by_idempotency.get((key.id, idempotency_key))
        if live is not None:
            return live
        api = await db(api_run_find, api_key_id=key.id, idempotency_key=idempotency_key)
        return (api.run, api) if api else None

    async def _replay(self, request: Request, send: Send, first: LiveRun | tuple[Run, ApiRun], stream: bool) -> None:
        """The first run with this idempotency key answers again (running or done): nothing runs twice."""
        replayed = [(b"idempotent-replayed", b"true")]
        if isinstance(first, LiveRun):
            await self.answer(request, send, first, stream, replayed)
            return
        run, api = first
        if stream:
            await replay_stored(send, str(run.pk), api.events, 0, replayed)
        else:
            status, payload = _stored_body(run, api)
            await send_json(send, status, payload, replayed)

    async def run_get(self, request: Request, send: Send, run_id: str) -> None:
        key = await self.gate.authenticate(request.headers.get("authorization"))
        live = await self._live(key, run_id)
        if live is not None:
            body: dict[str, Any] = {"id": live.id, "status": live.status, "app": live.target.slug,
                                    "version": live.target.version.number, "label": live.target.label or None,
                                    "source": live.source, "inputs": live.inputs,
                                    "created_at": timestamp(live.started_at),
                                    "finished_at": timestamp(live.finished_at)}
            if live.result is not None:
                code, done = blocking_body(live)
                body.update(done if code == 200 else {"error": done["error"]})
                body.pop("run_id", None)
            await send_json(send, 200, body)
            return
        run, api = await self._stored(key, run_id)
        code, done = _stored_body(run, api)
        body = {"id": str(run.pk), "status": run.status, "app": run.app.slug,
                "version": run.version.number if run.version else None, "label": api.label or None,
                "source": run.source, "inputs": run.inputs, "created_at": timestamp(run.created_at),
                "finished_at": timestamp(run.finished_at)}
        body.update(done if code == 200 else {"error": done["error"]})
        body.pop("run_id", None)
        await send_json(send, 200, body)

    async def run_events(self, request: Request, send: Send, run_id: str) -> None:
        key = await self.gate.authenticate(request.headers.get("authorization"))
        raw_after = request.headers.get("last-event-id") or request.query.get("after") or "0"
        if not raw_after.isdigit():
            raise BadRequest("Last-Event-ID is the id of the last event received (a number).")
        after = int(raw_after)
        live = await self._live(key, run_id)
        if live is not None:
            await stream_live(request, send, live, after=after)
            return
        run, api = await self._stored(key, run_id)
        await replay_stored(send, str(run.pk), api.events, after)

    async def feedback(self, request: Request, send: Send, run_id: str) -> None:
        key = await self.gate.authenticate(request.headers.get("authorization"))
        body = parse_body(FeedbackBody, await request.json(64 * 1024))
        live = await self._live(key, run_id)
        if live is not None:
            await live.stored.wait()  # the run row must exist first
        else:
            await self._stored(key, run_id)
        saved = await db(feedback_create, run_id=run_id, api_key_id=key.id, rating=body.rating, score=body.score,
                         comment=body.comment, end_user=body.user)
        await send_json(send, 201, {"id": saved.pk, "run_id": run_id, "rating": body.rating, "score": body.score,
                                    "comment": body.comment, "created_at": timestamp(saved.created_at)})

    async def _live(self, key: KeyInfo, run_id: str) -> LiveRun | None:
        live = self.registry.runs.get(run_id)
        if live is None or live.key.workspace_id != key.workspace_id or not key.allows_app(live.target.app_id):
            return None
        await self.catalog.check_on(live.target.app_id, live.target.slug)  # endpoint off: 404 app_not_found
        return live

    async def _stored(self, key: KeyInfo, run_id: str) -> tuple[Run, ApiRun]:
        try:
            uuid.UUID(run_id)
        except ValueError:
            raise RunNotFound("Run not found.") from None
        filters: dict[str, Any] = {"run_id": run_id, "run__workspace_id": key.workspace_id}
        if key.app_id is not None:
            filters["run__app_id"] = key.app_id
        api = await db(api_run_find, **filters)
        if api is None:
            raise RunNotFound("Run not found.")
        await self.catalog.check_on(api.run.app_id, api.run.app.slug)  # endpoint off: 404 app_not_found
        return api.run, api
