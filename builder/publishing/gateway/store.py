"""Writes finished API runs off the request path, in batches, from one thread.

Every answered run is handed over here (``submit`` is a queue put, nothing more); the writer turns
each into a :class:`~builder.runs.recording.RunRecord` (secrets redacted) and stores each batch
through the :class:`~builder.runs.sinks.CopySink`, which never lets one run's data cost another
run its row. A clean shutdown — the ASGI lifespan's shutdown or, when the server runs without
lifespan, ``atexit`` — drains the queue before the process exits."""

from __future__ import annotations

import atexit
import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection

from builder.core.text import StoredJson, storable_json
from builder.execution.context import stored_data_redactor
from builder.publishing.gateway.live import LiveRun, public_event
from builder.publishing.models import ApiRun
from builder.publishing.services import api_key_touch
from builder.runs.recording import Attached, RunRecord, run_record
from builder.runs.sinks import CopySink

logger = logging.getLogger(__name__)

MAX_BATCH = 500
KEY_TOUCH_SECONDS = 60.0
_STOP = object()


def first_token_ms(live: LiveRun) -> float | None:
    """Time to first token of a streamed answer (ms from the call's start); None when the caller
    did not stream or no answer text came."""
    if not live.stream or live.first_token_at is None:
        return None
    return round((live.first_token_at - live.started_at) * 1000, 2)


def live_record(live: LiveRun) -> RunRecord:
    """The stored form of an API run: the run and its traces, and its API data (key, label, end
    user, idempotency key and the hash of its call, the public event stream for replays). A run
    is dated by its start (its batch is written later), so lists and time filters see calls in
    the order they came."""
    result = live.result
    assert result is not None
    target = live.target
    redact = stored_data_redactor(target.workspace_id)
    events = []
    for number, event in enumerate(live.events, start=1):
        name, data = public_event(event)
        events.append({"id": number, "event": name, "data": redact(data)})
    api = Attached(
        ApiRun,
        {"run_id": live.id, "api_key_id": live.key.id, "label": target.label, "end_user": live.end_user,
         "idempotency_key": live.idempotency_key, "idempotency_hash": live.request_hash, "stream": live.stream,
         "first_token_ms": first_token_ms(live), "events": StoredJson(storable_json(events))},
        payload={"events": []},
        droppable=("idempotency_key", "idempotency_hash"),
    )
    context = {"workspace_id": target.workspace_id, "app_id": target.app_id,
               "version_id": target.version.version_id, "source": live.source, "graph": target.version.graph,
               "created_at": datetime.fromtimestamp(live.started_at, UTC)}
    return run_record(run_id=live.id, result=result, traces=live.recorder, inputs=live.inputs,
                      started_at=live.started_at, finished_at=live.finished_at, context=context, attached=[api])


class RunStore:
    """``key_use`` (key id -> last use, kept by the key gate) is written to the keys now and then;
    ``on_written(batch)`` is told once a batch is in the database."""

    def __init__(self, *, key_use: dict[int, float], on_written: Callable[[list[LiveRun]], None]) -> None:
        self.key_use = key_use
        self.on_written = on_written
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._touched: dict[int, float] = {}
        self.sink = CopySink()
        self.submitted = 0
        self.written = 0
        self.lost = 0

    def submit(self, live: LiveRun) -> None:
        self.submitted += 1
        self._queue.put(live)
        if self._thread is None:
            self._start()

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="api-run-writer", daemon=True)
                self._thread.start()
                atexit.register(self.flush)

    def flush(self, timeout: float = 60.0) -> None:
        """Write everything submitted so far and stop the writer (a later submit restarts it)."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is None:
            return
        self._queue.put(_STOP)
        thread.join(timeout)
        if thread.is_alive():
            logger.error("the API run writer did not finish within %.0f s", timeout)

    # --- the writer thread -------------------------------------------------------------------
    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is _STOP:
                break
            batch = [first]
            deadline = time.monotonic() + settings.LLMOPS_V1_BATCH_WAIT_SECONDS
            while len(batch) < MAX_BATCH:
                remaining = deadline - time.monotonic()
                try:
                    item = self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stopping = True
                    break
                batch.append(item)
            try:
                self._write(batch)
                self._touch_keys()
            except Exception:  # noqa: BLE001 - the writer must outlive any one batch
                logger.exception("the API run writer failed on a batch")
        while True:  # anything submitted while stopping
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not _STOP:
                self._write([item])
        connection.close()

    def _write(self, batch: list[LiveRun]) -> None:
        records = []
        for live in batch:
            try:
                records.append(live_record(live))
            except Exception:  # noqa: BLE001 - a bug in mapping one run must not cost the others
                logger.exception("API run %s could not be mapped to rows", live.id)
        report = self.sink.write(records)
        self.written += len(report.stored)
        self.lost += len(report.lost)
        self.on_written(batch)

    def _touch_keys(self) -> None:
        due = {}
        for key_id, used in list(self.key_use.items()):
            if used - self._touched.get(key_id, 0.0) >= KEY_TOUCH_SECONDS:
                due[key_id] = datetime.fromtimestamp(used, UTC)
                self._touched[key_id] = used
        if due:
            try:
                api_key_touch(used=due)
            except Exception:  # noqa: BLE001 - last-used time is informational
                logger.warning("could not record API key use", exc_info=True)

