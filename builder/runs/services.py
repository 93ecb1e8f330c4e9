"""Writes of runs: create a debug or single-node run (executed by a worker), execute it with the
runtime (safe to deliver twice), cancel it."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from django.db import close_old_connections, transaction
from django.utils import timezone

from builder.core.errors import Conflict, InvalidInput
from builder.flows.errors import GraphInvalid
from builder.flows.graphs import graph_issues, parse_graph
from builder.flows.models import App, AppVersion
from builder.runs.context import execution_context, stored_data_redactor
from builder.runs.models import NodeTrace, Run, RunSource, RunStatus
from builder.runs.recorder import EventForwarder, TraceRecorder
from runtime import RunResult, compile_graph
from runtime.engine.single import run_single_node

logger = logging.getLogger(__name__)
CANCEL_POLL_SECONDS = 0.5


def _runnable(graph: dict[str, Any]) -> dict[str, Any]:
    spec = parse_graph(graph)
    issues = graph_issues(spec)
    if issues:
        raise GraphInvalid(
            f"The app has {len(issues)} issue(s); fix them before running it.", details={"issues": issues}
        )
    return spec.to_dict()


def run_create(
    *, app: App, user, inputs: dict[str, Any], version: AppVersion | None = None, node_id: str = "",
    source: str = RunSource.DEBUG,
) -> Run:
    """Queue a run of the draft (or of ``version``); a worker executes it after commit.

    With ``node_id`` only that node runs, on ``inputs`` given as ``{"node.field": value}``."""
    graph = _runnable(version.graph if version else app.draft)
    if node_id and not any(n["id"] == node_id for n in graph["nodes"]):
        raise InvalidInput(f"The app has no node {node_id!r}.", code="unknown_node")
    run = Run.objects.create(
        workspace=app.workspace, app=app, version=version, graph=graph, inputs=inputs,
        source=RunSource.NODE if node_id else source, target_node_id=node_id, created_by=user,
    )
    from builder.runs.tasks import run_execute_task

    transaction.on_commit(lambda: run_execute_task.delay(str(run.pk)))
    return run


def run_cancel(*, run: Run) -> Run:
    """Ask for a run to stop. A queued run is cancelled at once; a running one within a second."""
    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run.pk)
        if run.is_finished:
            raise Conflict("This run has already finished.", code="run_finished")
        run.cancel_requested = True
        if run.status == RunStatus.QUEUED:
            run.status = RunStatus.CANCELLED
            run.error_code, run.error_message = "cancelled", "Cancelled before it started."
            run.finished_at = timezone.now()
            run.inputs = stored_data_redactor()(run.inputs)
        run.save()
    return run


def run_execute(*, run_id: str) -> Run | None:
    """Execute a queued run and store its outcome and traces. A finished run is left alone."""
    with transaction.atomic():
        run = Run.objects.select_for_update().select_related("workspace").filter(pk=run_id).first()
        if run is None or run.is_finished:
            return run
        run.status = RunStatus.RUNNING
        run.started_at = timezone.now()
        run.save(update_fields=["status", "started_at"])

    recorder = TraceRecorder()
    forwarder = EventForwarder(workspace_id=run.workspace_id, run_id=str(run.pk))
    graph = compile_graph(parse_graph(run.graph))
    try:
        result = asyncio.run(_execute(run, graph, [recorder, forwarder]))
    except Exception as exc:  # noqa: BLE001 - the platform failed, not the app: record it
        logger.exception("run %s crashed", run.pk)
        result = RunResult(str(run.pk), "failed", {}, {"code": "internal_error", "message": str(exc)})
    finally:
        graph.close()
    _store(run, result, recorder)
    forwarder.close(terminal={"type": "run.failed", "run_id": str(run.pk), **(result.error or {})})
    return run


async def _execute(run: Run, graph, hooks) -> RunResult:
    context = execution_context(workspace=run.workspace)
    if run.target_node_id:
        work = run_single_node(graph, run.target_node_id, run.inputs, context=context, hooks=hooks, run_id=str(run.pk))
    else:
        work = graph.run(run.inputs, context=context, hooks=hooks, run_id=str(run.pk))
    task = asyncio.ensure_future(work)
    while not task.done():
        await asyncio.wait({task}, timeout=CANCEL_POLL_SECONDS)
        if not task.done() and await asyncio.to_thread(_cancel_requested, run.pk):
            task.cancel()
    try:
        return task.result()
    except asyncio.CancelledError:
        return RunResult(str(run.pk), "cancelled", {}, {"code": "cancelled", "message": "Cancelled by a user."})


def _cancel_requested(run_id) -> bool:
    try:
        return Run.objects.filter(pk=run_id, cancel_requested=True).exists()
    finally:
        close_old_connections()


def _store(run: Run, result: RunResult, recorder: TraceRecorder) -> None:
    """The run's outcome and traces, secrets redacted (its inputs too: the worker needed them
    as they were until now)."""
    redact = stored_data_redactor()
    error = result.error or {}
    totals = result.totals
    run.status = result.status
    run.inputs = redact(run.inputs)
    run.outputs = redact(result.outputs or {})
    run.error_code = error.get("code") or ""
    run.error_message = redact(error.get("message") or "")
    run.error_node_id = error.get("node_id") or ""
    if totals is not None:
        run.tokens_in, run.tokens_out = totals.tokens_in, totals.tokens_out
        run.cost, run.latency_ms = totals.cost, totals.latency_ms
    run.finished_at = timezone.now()
    with transaction.atomic():
        NodeTrace.objects.filter(run=run).delete()
        NodeTrace.objects.bulk_create(
            NodeTrace(run=run, app_id=run.app_id, sequence=i, **trace)
            for i, trace in enumerate(recorder.finished(redact))
        )
        run.save()
