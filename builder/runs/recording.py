"""How a run is written down: one mapping from the runtime's events and result to stored rows
(:class:`TraceRecorder`, :func:`run_record`), and two sinks that store those rows
(:mod:`builder.runs.sinks`: the ORM for interactive runs, COPY for high volume).

A :class:`RunRecord` is a finished run as the database will hold it: the run row's values, its
node traces and rows of other tables that belong to it (the API data of a ``/v1`` run). Secrets
are redacted when the record is made; text the database cannot hold is made storable by the
sinks (:mod:`builder.core.text`), and a record that is still refused is stored in a reduced
form that says why (:meth:`RunRecord.reduced`) — never dropped."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from django.db import models

from builder.execution.context import stored_data_redactor
from runtime import RunResult
from runtime.events import Event, NodeDelta, NodeFailed, NodeFinished, NodeInputs, NodeSkipped, NodeStarted

UNSTORABLE = "unstorable_payload"


def _at(ts: float | None) -> datetime | None:
    return datetime.fromtimestamp(ts, UTC) if ts is not None else None


class TraceRecorder:
    """A runtime hook that keeps each node's trace: ``on_event`` is cheap; the traces are read
    once the run has ended (:meth:`finished`)."""

    def __init__(self) -> None:
        self.traces: dict[str, dict[str, Any]] = {}
        self.order: list[str] = []

    def on_event(self, event: Event) -> None:
        kind = type(event)
        if kind is NodeDelta:
            return  # the common case: a streamed token, not part of a trace
        if isinstance(event, NodeStarted):
            trace = self._trace(event.node_id, event.node_type)
            trace.update(status="running", started_at=_at(event.ts), attempt=event.attempt)
        elif isinstance(event, NodeFinished):
            trace = self._trace(event.node_id, event.node_type)
            trace.update(
                status="succeeded", finished_at=_at(event.ts), outputs=event.outputs, handle=event.handle or "",
                latency_ms=event.latency_ms, tokens_in=event.tokens_in, tokens_out=event.tokens_out,
                cost=event.cost, error_code="", error_message="",
            )
        elif isinstance(event, NodeFailed):
            trace = self._trace(event.node_id, event.node_type)
            trace.update(
                status="running" if event.will_retry else "failed", finished_at=_at(event.ts),
                error_code=event.code, error_message=event.message, attempt=event.attempt,
                latency_ms=event.latency_ms,
            )
        elif isinstance(event, NodeInputs):
            found = self.traces.get(event.node_id)
            if found is not None:
                found["inputs"] = event.inputs
        elif isinstance(event, NodeSkipped):
            trace = self._trace(event.node_id, event.node_type)
            trace.update(status="skipped", finished_at=_at(event.ts))

    def finished(self, redact: Callable[[Any], Any] | None = None) -> list[dict[str, Any]]:
        """The traces, in the order their nodes started, each with a final status: a node still
        running when the run ended (failed or cancelled) is recorded as failed or cancelled.
        ``redact`` masks secrets in inputs, outputs and error messages."""
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


@dataclass(slots=True)
class Attached:
    """A row of another table that is stored with its run (same transaction), e.g. the API data
    of a ``/v1`` run. ``payload``: the fields and the value each takes in the reduced form;
    ``droppable``: unique fields that are let go when they collide (an idempotency key that two
    processes stored at once)."""

    model: type[models.Model]
    values: dict[str, Any]
    payload: dict[str, Any] = field(default_factory=dict)
    droppable: tuple[str, ...] = ()


@dataclass(slots=True)
class RunRecord:
    run: dict[str, Any]
    traces: list[dict[str, Any]]
    attached: list[Attached] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.run["id"])

    def without_droppable(self) -> RunRecord | None:
        """The record with its droppable fields cleared, or None when it has none."""
        if not any(a.droppable for a in self.attached):
            return None
        return replace(self, attached=[
            replace(a, values={**a.values, **dict.fromkeys(a.droppable)}, droppable=()) for a in self.attached
        ])

    def reduced(self, why: str) -> RunRecord:
        """The record with every payload replaced by a marker that says why: what is left (ids,
        status, timings, usage, the node list) always fits."""
        marker = {"_unstorable": why}
        run = {**self.run, "inputs": marker, "outputs": marker, "error_code": UNSTORABLE,
               "error_message": f"The run's data could not be stored: {why}"}
        traces = [{**t, "inputs": marker, "outputs": marker, "error_message": ""} for t in self.traces]
        attached = [replace(a, values={**a.values, **a.payload, **dict.fromkeys(a.droppable)}, droppable=())
                    for a in self.attached]
        return RunRecord(run, traces, attached)


def run_record(
    *,
    run_id: str,
    result: RunResult,
    traces: TraceRecorder,
    inputs: dict[str, Any],
    started_at: float | None,
    finished_at: float | None,
    context: dict[str, Any],
    attached: Iterable[Attached] = (),
) -> RunRecord:
    """The stored form of a finished run. ``context``: the run row's other values — workspace,
    app, version, source, graph, created_at … — as the caller knows them. Secrets are redacted
    here (inputs, outputs, error messages, node traces)."""
    redact = stored_data_redactor(int(context["workspace_id"]))
    error = result.error or {}
    totals = result.totals
    run = {
        **context, "id": run_id, "status": result.status, "inputs": redact(inputs),
        "outputs": redact(result.outputs or {}), "error_code": error.get("code") or "",
        "error_message": redact(error.get("message") or ""), "error_node_id": error.get("node_id") or "",
        "tokens_in": totals.tokens_in, "tokens_out": totals.tokens_out, "cost": totals.cost,
        "latency_ms": totals.latency_ms, "started_at": _at(started_at), "finished_at": _at(finished_at),
    }
    app_id = context.get("app_id")
    rows = [{"run_id": run_id, "app_id": app_id, "sequence": i, **trace}
            for i, trace in enumerate(traces.finished(redact))]
    return RunRecord(run, rows, list(attached))

