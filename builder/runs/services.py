"""Writes of runs: create a debug or single-node run (executed by a worker), execute it with the
runtime (safe to deliver twice), cancel it."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from builder.core.batches import Batcher
from builder.core.errors import Conflict, InvalidInput
from builder.execution.context import execution_context, stored_data_redactor
from builder.execution.run import execute
from builder.flows.errors import GraphInvalid
from builder.flows.graphs import graph_check, parse_graph
from builder.flows.models import App, AppVersion
from builder.runs.errors import InputsInvalid
from builder.runs.live_events import EventForwarder
from builder.runs.models import Run, RunSource, RunStatus
from builder.runs.recording import RunRecord, TraceRecorder, run_record
from builder.runs.sinks import OrmSink
from runtime import ExecutionContext, RunResult, compile_graph
from runtime.errors import InputInvalid
from runtime.spec import GraphSpec

logger = logging.getLogger(__name__)
CANCEL_POLL_SECONDS = 0.5


def _runnable(graph: dict[str, Any], *, workspace_id: int) -> GraphSpec:
    """``graph`` as a run stores it (its library prompts resolved now), refused when it has
    errors (warnings do not stop a run)."""
    spec, issues = graph_check(parse_graph(graph), workspace_id=workspace_id)
    issues = [i for i in issues if i["severity"] == "error"]
    if issues:
        raise GraphInvalid(
            f"The app has {len(issues)} issue(s); fix them before running it.", details={"issues": issues}
        )
    return spec


def run_create(
    *, app: App, user, inputs: dict[str, Any], version: AppVersion | None = None, node_id: str = "",
    source: str = RunSource.DEBUG,
) -> Run:
    """Queue a run of the draft (or of ``version``); a worker executes it after commit.

    With ``node_id`` only that node runs, on ``inputs`` given as ``{"node.field": value}``; else
    ``inputs`` must fit the app's declared inputs (400 ``inputs_invalid``, as on the public API)."""
    spec = _runnable(version.graph if version else app.draft, workspace_id=app.workspace_id)
    if node_id and spec.node(node_id) is None:
        raise InvalidInput(f"The app has no node {node_id!r}.", code="unknown_node")
    if not node_id:
        try:
            spec.prepare_inputs(inputs)
        except InputInvalid as exc:
            raise InputsInvalid.of(exc) from None
    graph = spec.to_dict()
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
            run.inputs = stored_data_redactor(run.workspace_id)(run.inputs)
        run.save()
    return run


def run_execute(*, run_id: str) -> Run | None:
    """Execute a queued run and store its outcome and traces. A finished run is left alone."""
    return runs_execute(run_ids=[run_id])[0]


def runs_execute(*, run_ids: list[str]) -> list[Run | None]:
    """Execute queued runs together, concurrently in one event loop (a playground's columns
    stream side by side), each stored as it would be alone. Finished runs are left alone; safe
    to deliver twice."""
    claimed = [run_claim(run_id) for run_id in run_ids]
    todo = [run for run, mine in claimed if run is not None and mine]
    if todo:
        contexts = [execution_context(workspace_id=run.workspace_id) for run in todo]
        asyncio.run(_execute_all(list(zip(todo, contexts, strict=True))))
    for run in todo:
        run.refresh_from_db()
    return [run for run, _ in claimed]


def run_claim(run_id: Any) -> tuple[Run | None, bool]:
    """The run, and whether this call is the one to execute it (it has not finished: queued, or
    left running by a worker that died)."""
    with transaction.atomic():
        run = Run.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.is_finished:
            return run, False
        run.status = RunStatus.RUNNING
        run.started_at = timezone.now()
        run.save(update_fields=["status", "started_at"])
        return run, True


async def _execute_all(runs: list[tuple[Run, ExecutionContext]]) -> None:
    await asyncio.gather(*(run_execute_claimed(run, context) for run, context in runs))


async def run_execute_claimed(
    run: Run, context: ExecutionContext, *, batch: Batcher[FinishedRun] | None = None
) -> RunResult:
    """Execute a run :func:`run_claim` gave this caller and store it once it ends (in a thread);
    returns how it ended. With ``batch`` (an experiment's cells) the run sends no live events —
    the batch reports its own progress — and is stored with the batch's other runs that end
    about the same time, in one transaction."""
    recorder = TraceRecorder()
    forwarder = None if batch else EventForwarder(workspace_id=run.workspace_id, run_id=str(run.pk))
    graph = compile_graph(parse_graph(run.graph))
    try:
        result = await execute(
            graph, run.inputs, context=context, hooks=[recorder] if forwarder is None else [recorder, forwarder],
            run_id=str(run.pk), node_id=run.target_node_id, cancel_requested=_cancel_check(run.pk),
            poll_seconds=CANCEL_POLL_SECONDS,
        )
    finally:
        graph.close()
    finished = FinishedRun(run, result, recorder, time.time())
    if batch is not None:
        await batch.add(finished)
    else:
        await asyncio.to_thread(_store, finished, forwarder)
    return result


@dataclass(frozen=True, slots=True)
class FinishedRun:
    run: Run
    result: RunResult
    recorder: TraceRecorder
    finished_at: float

    def record(self) -> RunRecord:
        run = self.run
        return run_record(
            run_id=str(run.pk), result=self.result, traces=self.recorder, inputs=run.inputs,
            started_at=run.started_at.timestamp(), finished_at=self.finished_at,
            context={"workspace_id": run.workspace_id, "app_id": run.app_id, "version_id": run.version_id,
                     "source": run.source, "graph": run.graph, "group_id": run.group_id,
                     "group_index": run.group_index},
        )


def runs_store(finished: list[FinishedRun]) -> None:
    """Store runs that ended, together (a batch's writer; the thread keeps its connection)."""
    _sink.write([f.record() for f in finished])


def _store(finished: FinishedRun, forwarder: EventForwarder | None) -> None:
    """Store a run that ended, then let its terminal event out — in a thread of the runs' loop
    (the ORM refuses to run on the loop itself): each run is stored as soon as it ends, while
    the others go on."""
    try:
        _sink.write([finished.record()])
    finally:
        connection.close()
    if forwarder is not None:
        forwarder.close()


_sink = OrmSink()


def _cancel_check(run_id: Any):
    async def cancel_requested() -> bool:
        return await asyncio.to_thread(_cancel_requested, run_id)

    return cancel_requested


def _cancel_requested(run_id: Any) -> bool:
    try:
        return Run.objects.filter(pk=run_id, cancel_requested=True).exists()
    finally:
        close_old_connections()
