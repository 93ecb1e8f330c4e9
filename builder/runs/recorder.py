"""Consumes a run's event stream: keeps node traces for the database and forwards each event
to the workspace's live channel from a background thread (the engine's loop never waits on the
network or the database)."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from builder.jobs.events import workspace_event_publish
from runtime.events import Event

logger = logging.getLogger(__name__)
_DONE = object()


def _at(event: Event) -> datetime:
    return datetime.fromtimestamp(event.ts, UTC)


class TraceRecorder:
    """A runtime hook: ``on_event`` is cheap; traces are read after the run (``traces``)."""

    def __init__(self) -> None:
        self.traces: dict[str, dict[str, Any]] = {}
        self.order: list[str] = []

    def on_event(self, event: Event) -> None:
        kind = event.type
        if kind == "node.started":
            trace = self._trace(event.node_id, event.node_type)
            trace.update(status="running", started_at=_at(event), attempt=event.attempt)
        elif kind == "node.finished":
            trace = self._trace(event.node_id, event.node_type)
            trace.update(
                status="succeeded", finished_at=_at(event), outputs=event.outputs, handle=event.handle or "",
                latency_ms=event.latency_ms, tokens_in=event.tokens_in, tokens_out=event.tokens_out,
                cost=event.cost, error_code="", error_message="",
            )
        elif kind == "node.failed":
            trace = self._trace(event.node_id, event.node_type)
            trace.update(
                status="running" if event.will_retry else "failed", finished_at=_at(event),
                error_code=event.code, error_message=event.message, attempt=event.attempt,
                latency_ms=event.latency_ms,
            )
        elif kind == "node.inputs":
            trace = self.traces.get(event.node_id)
            if trace is not None:
                trace["inputs"] = event.inputs
        elif kind == "node.skipped":
            trace = self._trace(event.node_id, event.node_type)
            trace.update(status="skipped", finished_at=_at(event))

    def finished(self, redact: Callable[[Any], Any] | None = None) -> list[dict[str, Any]]:
        """The traces, in the order their nodes started, each with a final status: a node still
        running when the run ended (failed or cancelled) is recorded as failed or cancelled.
        ``redact`` (e.g. :func:`~builder.runs.context.stored_data_redactor`) masks secrets in
        inputs, outputs and error messages."""
        traces = []
        for node_id in self.order:
            trace = self.traces[node_id]
            if trace.get("status") == "running":
                trace = {**trace, "status": "failed" if trace.get("error_code") else "cancelled"}
            if redact is not None:
                trace = {**trace, "inputs": redact(trace.get("inputs") or {}),
                         "outputs": redact(trace.get("outputs") or {}),
                         "error_message": redact(trace.get("error_message") or "")}
            traces.append(trace)
        return traces

    def _trace(self, node_id: str, node_type: str) -> dict[str, Any]:
        trace = self.traces.get(node_id)
        if trace is None:
            trace = self.traces[node_id] = {"node_id": node_id, "node_type": node_type, "outputs": {}}
            self.order.append(node_id)
        return trace


class EventForwarder:
    """A runtime hook that publishes ``{"type": "run.event", "run_id", "event"}`` to the
    workspace group, in order, from one thread per run.

    The terminal event (run.finished / run.failed) is held back until :meth:`close`, which the
    caller invokes once the run is stored: a client that sees it can read the stored run."""

    def __init__(self, *, workspace_id: int, run_id: str) -> None:
        self.workspace_id = workspace_id
        self.run_id = run_id
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._held: list[dict[str, Any]] = []
        self._thread = threading.Thread(target=self._drain, name=f"run-events-{run_id[:8]}", daemon=True)
        self._thread.start()

    def on_event(self, event: Event) -> None:
        if event.type in ("run.finished", "run.failed"):
            self._held.append(event.to_dict())
        else:
            self._queue.put(event.to_dict())

    def close(self, timeout: float = 10.0, *, terminal: dict[str, Any] | None = None) -> None:
        """Send the held terminal event (or ``terminal`` when the run never produced one) and stop."""
        for item in self._held or ([terminal] if terminal else []):
            self._queue.put(item)
        self._queue.put(_DONE)
        self._thread.join(timeout)

    def _drain(self) -> None:
        while (item := self._queue.get()) is not _DONE:
            try:
                workspace_event_publish(
                    workspace_id=self.workspace_id,
                    event={"type": "run.event", "run_id": self.run_id, "event": item},
                )
            except Exception:  # noqa: BLE001 - live view is best effort; traces are stored anyway
                logger.warning("could not forward a run event", exc_info=True)
