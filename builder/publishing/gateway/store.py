"""Writes finished API runs off the request path, in batches, from one thread (secrets redacted).

Every answered run is handed over here (``submit`` is a queue put, nothing more); the writer
stores runs, their node traces and their API data in one transaction per batch. Nothing is
dropped: a failed batch is retried (first whole, then run by run), and a clean shutdown —
the ASGI lifespan's shutdown or, when the server runs without lifespan, ``atexit`` — drains the
queue before the process exits."""

from __future__ import annotations

import atexit
import json
import logging
import os
import queue
import threading
import time
from datetime import UTC, datetime
from typing import Any

from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db import models as dj
from django.db.models.fields import AutoFieldMixin

from builder.publishing.gateway.live import LiveRun, public_event, registry
from builder.publishing.models import ApiRun
from builder.publishing.services import api_key_touch
from builder.runs.context import stored_data_redactor
from builder.runs.models import NodeTrace, Run

logger = logging.getLogger(__name__)

MAX_BATCH = 500
BATCH_WAIT_SECONDS = float(os.environ.get("LLMOPS_V1_BATCH_WAIT_SECONDS", "0.02"))
KEY_TOUCH_SECONDS = 60.0
_STOP = object()


def _at(ts: float | None) -> datetime | None:
    return datetime.fromtimestamp(ts, UTC) if ts is not None else None


class _Table:
    """A model's table for COPY: its columns in order and the defaults of the ones not given.
    Rows are written with PostgreSQL's COPY (psycopg dumps the values in C): the ORM's
    ``bulk_create`` spent several milliseconds of GIL-holding Python per run on the writer
    thread, CPU the event loop serving requests was then missing."""

    def __init__(self, model: type[dj.Model]):
        fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoFieldMixin)]
        self.fields = [f.attname for f in fields]
        self.json = frozenset(f.attname for f in fields if isinstance(f, dj.JSONField))
        self.defaults = {f.attname: f.get_default() for f in fields if f.has_default() or f.null}
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        self.sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"

    def row(self, values: dict[str, Any]) -> tuple[Any, ...]:
        out = []
        for name in self.fields:
            value = values[name] if name in values else self.defaults[name]
            if name in self.json and not isinstance(value, _Encoded):
                value = _json(value)
            out.append(value)
        return tuple(out)


class _Encoded(str):
    """A JSON document already encoded (e.g. a version's graph, encoded once per version)."""


_json_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode


def _json(value: Any) -> str:
    return _json_encode(value)


_tables: dict[type, _Table] = {}


def _table(model: type[dj.Model]) -> _Table:
    table = _tables.get(model)
    if table is None:
        table = _tables[model] = _Table(model)
    return table


_graph_json: dict[int, _Encoded] = {}  # version id -> its graph as JSON (versions never change)


def _graph_of(live: LiveRun) -> _Encoded:
    version = live.target.version
    encoded = _graph_json.get(version.version_id)
    if encoded is None:
        if len(_graph_json) > 1024:
            _graph_json.clear()
        encoded = _graph_json[version.version_id] = _Encoded(_json(version.graph))
    return encoded


def _rows(live: LiveRun, *, keep_idempotency: bool = True) -> tuple[tuple, list[tuple], tuple]:
    """The run's row, its node traces' rows and its API row, as COPY tuples. A run is dated by its
    start (its batch is written later), so lists and time filters see calls in the order they came."""
    result = live.result
    assert result is not None
    redact = stored_data_redactor()
    error = result.error or {}
    totals = result.totals
    target = live.target
    run = _table(Run).row({
        "id": live.id, "workspace_id": target.workspace_id, "app_id": target.app_id,
        "version_id": target.version.version_id, "source": live.source, "status": result.status,
        "graph": _graph_of(live), "inputs": redact(live.inputs), "outputs": redact(result.outputs or {}),
        "error_code": error.get("code") or "", "error_message": redact(error.get("message") or ""),
        "error_node_id": error.get("node_id") or "", "tokens_in": totals.tokens_in, "tokens_out": totals.tokens_out,
        "cost": totals.cost, "latency_ms": totals.latency_ms, "created_at": _at(live.started_at),
        "started_at": _at(live.started_at), "finished_at": _at(live.finished_at),
    })
    trace_table = _table(NodeTrace)
    traces = [
        trace_table.row({"run_id": live.id, "app_id": target.app_id, "sequence": i, **trace})
        for i, trace in enumerate(live.recorder.finished(redact))
    ]
    events = []
    for number, event in enumerate(live.events, start=1):
        name, data = public_event(event)
        events.append({"id": number, "event": name, "data": redact(data)})
    api = _table(ApiRun).row({
        "run_id": live.id, "api_key_id": live.key.id, "label": target.label, "end_user": live.end_user[:200],
        "idempotency_key": live.idempotency_key if keep_idempotency else None, "stream": live.stream,
        "events": events,
    })
    return run, traces, api


class RunStore:
    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._touched: dict[int, float] = {}
        self.submitted = 0
        self.written = 0

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
            deadline = time.monotonic() + BATCH_WAIT_SECONDS
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
        for attempt in range(5):
            try:
                self._insert(batch)
                break
            except (OperationalError, InterfaceError):  # e.g. the database restarting: retry, never drop
                logger.exception("storing %d API runs failed (attempt %d)", len(batch), attempt + 1)
                connection.close()
                time.sleep(min(2.0**attempt, 10.0))
            except DatabaseError:  # one run's data is refused (a constraint): store the others
                self._write_one_by_one(batch)
                break
        else:
            logger.error("API runs NOT stored after retries: %s", [live.id for live in batch])
            return
        self.written += len(batch)
        registry.forget(batch)

    def _insert(self, batch: list[LiveRun], *, keep_idempotency: bool = True) -> None:
        runs, traces, apis = [], [], []
        for live in batch:
            run, run_traces, api = _rows(live, keep_idempotency=keep_idempotency)
            runs.append(run)
            traces += run_traces
            apis.append(api)
        with transaction.atomic(), connection.cursor() as cursor, connection.wrap_database_errors:
            raw = cursor.cursor  # psycopg's own cursor: COPY
            for model, rows in ((Run, runs), (NodeTrace, traces), (ApiRun, apis)):
                if rows:
                    with raw.copy(_table(model).sql) as copy:
                        for row in rows:
                            copy.write_row(row)

    def _write_one_by_one(self, batch: list[LiveRun]) -> None:
        """A batch failed on a constraint: the same idempotency key reached two processes at once.
        Each run is still stored; the later one without the key."""
        for live in batch:
            try:
                self._insert([live])
            except IntegrityError:
                try:
                    self._insert([live], keep_idempotency=False)
                except DatabaseError:  # e.g. its app was deleted meanwhile: nothing to attach it to
                    logger.warning("API run %s could not be stored", live.id, exc_info=True)
            except DatabaseError:
                logger.warning("API run %s could not be stored", live.id, exc_info=True)

    def _touch_keys(self) -> None:
        from builder.publishing.gateway.app import gate

        due = {}
        for key_id, used in list(gate.used.items()):
            if used - self._touched.get(key_id, 0.0) >= KEY_TOUCH_SECONDS:
                due[key_id] = _at(used)
                self._touched[key_id] = used
        if due:
            try:
                api_key_touch(used=due)
            except Exception:  # noqa: BLE001 - last-used time is informational
                logger.warning("could not record API key use", exc_info=True)


store = RunStore()
