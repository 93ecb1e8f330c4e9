"""Runs of the public API, executed inline on the web process's event loop.

A :class:`LiveRun` is its own task; it finishes and is handed to the registry's ``on_finished``
(the run store). Until the store has written it, the registry answers reads of it (status,
events, idempotent replays) from memory.

Clients that wait for a run (its JSON answer, its event stream, a replay or a resume of it)
:meth:`~LiveRun.attach` to it. When the last one hangs up before the run has ended, the run is
cancelled — its model calls are abandoned — unless a client comes back for it within
``LLMOPS_V1_HANGUP_GRACE_SECONDS`` (a resume with ``Last-Event-ID``, a retry with the same
idempotency key). It is stored as ``cancelled`` with the nodes that ran."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings

from builder.execution.run import execute
from builder.publishing.gateway.catalog import Target
from builder.publishing.gateway.keys import KeyInfo
from builder.publishing.gateway.replies import replies_first
from builder.runs.recording import TraceRecorder
from runtime import RunResult
from runtime.events import Event, NodeDelta, NodeInputs

logger = logging.getLogger(__name__)

TERMINAL = frozenset({"run.finished", "run.failed"})
SERVER_STOPPED = "The server stopped while the run was in progress."
HUNG_UP = "The client disconnected before the run finished."


class LiveRun:
    """One run: its public event stream (ids from 1), its trace, its result."""

    def __init__(self, *, key: KeyInfo, target: Target, inputs: dict[str, Any], source: str, stream: bool,
                 end_user: str, idempotency_key: str | None, request_hash: str | None = None):
        self.id = str(uuid.uuid4())
        self.key = key
        self.target = target
        self.inputs = inputs
        self.source = source
        self.stream = stream
        self.end_user = end_user
        self.idempotency_key = idempotency_key
        self.request_hash = request_hash  # of the call that came with the idempotency key
        self.started_at = time.time()
        self.finished_at: float | None = None
        self.first_token_at: float | None = None  # the first piece of the answer (time to first token)
        self.events: list[Event] = []
        self.recorder = TraceRecorder()
        self.result: RunResult | None = None
        self.done = asyncio.Event()
        self.stored = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        self._changed: asyncio.Event | None = None
        self._delta_nodes = target.version.delta_nodes
        self.task: asyncio.Task[None] | None = None
        self.clients = 0  # attached: waiting for the answer or following the events
        self.cancel_message = SERVER_STOPPED  # why, if the run is cancelled
        self._abandoned: asyncio.TimerHandle | None = None

    # --- the runtime hook --------------------------------------------------------------------
    def on_event(self, event: Event) -> None:
        self.recorder.on_event(event)
        kind = type(event)
        if kind is NodeInputs:
            return  # the app's rendered prompts and requests: for its trace, not for callers
        if kind is NodeDelta:
            if event.node_id not in self._delta_nodes:
                return  # an intermediate node's tokens: not the answer
            if self.first_token_at is None:
                self.first_token_at = time.time()
        self.events.append(event)
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    def changed(self) -> asyncio.Event:
        """An event set at the next appended event (for streams waiting on this run)."""
        if self._changed is None:
            self._changed = asyncio.Event()
        return self._changed

    @property
    def status(self) -> str:
        return self.result.status if self.result else "running"

    @property
    def ended(self) -> bool:
        """The run sent its terminal event (its result may be moments away)."""
        return self.done.is_set() or (bool(self.events) and self.events[-1].type in TERMINAL)

    # --- the clients -------------------------------------------------------------------------
    def attach(self) -> None:
        """A client waits for this run; one coming back within the grace keeps the run going."""
        self.clients += 1
        if self._abandoned is not None:
            self._abandoned.cancel()
            self._abandoned = None

    def detach(self) -> None:
        """A client stopped waiting. When none is left and the run has not ended, it is cancelled
        after ``LLMOPS_V1_HANGUP_GRACE_SECONDS`` (0: at once) unless one attaches meanwhile."""
        self.clients -= 1
        if self.clients > 0 or self.ended or self._abandoned is not None:
            return
        grace = settings.LLMOPS_V1_HANGUP_GRACE_SECONDS
        if grace > 0:
            self._abandoned = self._loop.call_later(grace, self._abandon)
        else:
            self._abandon()

    def _abandon(self) -> None:
        self._abandoned = None
        if self.clients == 0:
            self.cancel(HUNG_UP)

    def cancel(self, message: str) -> None:
        """Stop the run (its in-flight node calls are cancelled); it is stored as cancelled."""
        if self.task is not None and not self.task.done() and not self.ended:
            self.cancel_message = message
            self.task.cancel()

    async def execute(self, on_finished: Callable[[LiveRun], None]) -> None:
        target = self.target
        self.result = await execute(
            replies_first(target), self.inputs, context=target.context, hooks=[self], run_id=self.id,
            cancelled_message=lambda: self.cancel_message,
        )
        if self._abandoned is not None:
            self._abandoned.cancel()
            self._abandoned = None
        self.finished_at = time.time()
        self.done.set()
        if self._changed is not None:
            self._changed.set()
            self._changed = None
        on_finished(self)

    def mark_stored(self) -> None:
        self.stored.set()


def public_event(event: Event) -> tuple[str, dict[str, Any]]:
    """(SSE event name, data) of a runtime event: ``node.delta`` of the answer becomes ``delta``."""
    if type(event) is NodeDelta:
        return "delta", {"node_id": event.node_id, "text": event.text}
    data = event.to_dict()
    data.pop("run_id", None)
    return event.type, data


class Registry:
    """Runs of this process that are running or not yet written."""

    def __init__(self, on_finished: Callable[[LiveRun], None]) -> None:
        self.on_finished = on_finished
        self.runs: dict[str, LiveRun] = {}
        self.by_idempotency: dict[tuple[int, str], LiveRun] = {}
        self._locks: dict[tuple[int, str], list] = {}

    def start(self, **kwargs: Any) -> LiveRun:
        live = LiveRun(**kwargs)
        self.runs[live.id] = live
        if live.idempotency_key:
            self.by_idempotency[(live.key.id, live.idempotency_key)] = live
        live.task = asyncio.get_running_loop().create_task(live.execute(self.on_finished),
                                                           name=f"api-run-{live.id[:8]}")
        return live

    @contextlib.asynccontextmanager
    async def idempotency_lock(self, key_id: int, idempotency_key: str):
        slot = (key_id, idempotency_key)
        entry = self._locks.get(slot)
        if entry is None:
            entry = self._locks[slot] = [asyncio.Lock(), 0]
        entry[1] += 1
        try:
            async with entry[0]:
                yield
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                self._locks.pop(slot, None)

    def forget(self, batch: list[LiveRun]) -> None:
        """Called from the writer thread once the runs are in the database: one wake-up of
        each event loop per batch, not one per run."""
        by_loop: dict[asyncio.AbstractEventLoop, list[LiveRun]] = {}
        for live in batch:
            self.runs.pop(live.id, None)
            if live.idempotency_key:
                self.by_idempotency.pop((live.key.id, live.idempotency_key), None)
            by_loop.setdefault(live._loop, []).append(live)
        for loop, lives in by_loop.items():
            try:
                loop.call_soon_threadsafe(_mark_stored, lives)
            except RuntimeError:  # the loop is closed (shutdown): nobody waits any more
                pass

    async def drain(self, timeout: float) -> None:
        """Let running runs finish (clean shutdown), at most ``timeout`` seconds."""
        tasks = [r.task for r in list(self.runs.values()) if r.task is not None and not r.task.done()]
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)


def _mark_stored(lives: list[LiveRun]) -> None:
    for live in lives:
        live.mark_stored()

