"""Running an experiment: a job (``experiment.run``) that computes every pending cell exactly once.

One worker at a time owns an experiment (a PostgreSQL advisory lock, released by the database if
that worker dies). Cells are claimed one by one (pending → running, with their run); a cell left
running by a worker that died is pending again for the next owner, which re-executes its run
only if that run never finished — so a SIGKILL neither loses nor duplicates a cell. Cells run
concurrently, at most ``concurrency`` at once per model provider (retries and Retry-After are
the providers' own), each as a recorded run (source ``experiment``), then judged by the
experiment's evaluators. Pause and cancel are read from the experiment between cells.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import close_old_connections, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from builder.core.locks import advisory_lock
from builder.execution.context import execution_context
from builder.experiments.models import Cell, CellStatus, Experiment, ExperimentStatus
from builder.flows.graphs import parse_graph
from builder.jobs.kinds import Progress, job_kind
from builder.jobs.models import Job
from builder.prompts.selectors import prompt_resolve
from builder.runs.models import Run, RunSource, RunStatus
from builder.runs.services import run_claim, run_execute_claimed
from runtime import ExecutionContext
from runtime.errors import InputInvalid
from runtime.evaluation.evaluators import Cell as EvalCell
from runtime.evaluation.evaluators import EvalTools, Evaluator, LlmJudge, evaluator_from_config
from runtime.providers.base import ChatMessage, ChatRequest
from runtime.templates import render

#: The advisory lock class of experiments (the second key is the experiment's id).
LOCK_CLASS = 7_341
STATUS_POLL_SECONDS = 0.5
PROGRESS_EVERY_SECONDS = 0.5
JUDGE_MAX_TOKENS = 300
MAX_DB_THREADS = 32


@job_kind("experiment.run", resumable=True)
def experiment_run_job(job: Job, progress: Progress) -> dict[str, Any]:
    experiment_id = int(job.input["experiment_id"])
    with advisory_lock(LOCK_CLASS, experiment_id) as mine:
        if not mine:
            return {"experiment_id": experiment_id, "note": "another worker is running this experiment"}
        return experiment_execute(experiment_id=experiment_id, progress=progress)


def experiment_execute(*, experiment_id: int, progress: Progress | None = None) -> dict[str, Any]:
    """Compute the experiment's pending cells; returns what this call did. The caller owns it."""
    with transaction.atomic():
        experiment = Experiment.objects.select_for_update().get(pk=experiment_id)
        if experiment.status not in (ExperimentStatus.QUEUED, ExperimentStatus.RUNNING):
            return {"experiment_id": experiment_id, "status": experiment.status, "cells": 0}
        experiment.status = ExperimentStatus.RUNNING
        experiment.started_at = experiment.started_at or timezone.now()
        experiment.save(update_fields=["status", "started_at"])
        # Only the owner runs cells: any still "running" were left by a worker that died.
        experiment.cells.filter(status=CellStatus.RUNNING).update(status=CellStatus.PENDING)
    execution = _Execution(experiment, progress)
    computed = asyncio.run(execution.run())
    close_old_connections()
    _counted(experiment_id)
    with transaction.atomic():
        experiment = Experiment.objects.select_for_update().get(pk=experiment_id)
        left = experiment.cells.filter(status__in=(CellStatus.PENDING, CellStatus.RUNNING)).exists()
        if experiment.status == ExperimentStatus.RUNNING and not left:
            experiment.status = ExperimentStatus.COMPLETED
            experiment.finished_at = timezone.now()
            experiment.save(update_fields=["status", "finished_at"])
    return {"experiment_id": experiment_id, "status": experiment.status, "cells": computed}


class _Execution:
    def __init__(self, experiment: Experiment, progress: Progress | None):
        self.experiment = experiment
        self.progress = progress
        self.context: ExecutionContext = execution_context(workspace_id=experiment.workspace_id)
        self.embed = _embedder()
        self.evaluators: list[tuple[str, Evaluator, EvalTools]] = []
        for config in experiment.evaluators:
            evaluator = evaluator_from_config({k: v for k, v in config.items() if k != "name"})
            self.evaluators.append((config["name"], evaluator, self._tools_for(evaluator)))
        self.stopping = False
        self.computed = 0
        self.started = time.monotonic()
        self.reported = 0.0

    async def run(self) -> int:
        threads = _DatabaseThreads(self.experiment.concurrency)
        asyncio.get_running_loop().set_default_executor(threads.pool)
        try:
            queues = await asyncio.to_thread(self._pending)
            watcher = asyncio.create_task(self._watch())
            try:
                await asyncio.gather(*(
                    self._worker(queue) for queue in queues.values() for _ in range(max(1, self.experiment.concurrency))
                ))
            finally:
                watcher.cancel()
            await asyncio.to_thread(self._report, True)
        finally:
            await threads.close()
        return self.computed

    def _pending(self) -> dict[str, deque[int]]:
        """The pending cells, in row order, one queue per model provider."""
        queues: dict[str, deque[int]] = defaultdict(deque)
        cells = self.experiment.cells.filter(status=CellStatus.PENDING).order_by("row__position", "variant__position")
        for cell_id, provider in cells.values_list("pk", "variant__provider"):
            queues[provider].append(cell_id)
        return queues

    async def _watch(self) -> None:
        while not self.stopping:
            await asyncio.sleep(STATUS_POLL_SECONDS)
            status = await asyncio.to_thread(_status_of, self.experiment.pk)
            self.stopping = status != ExperimentStatus.RUNNING

    async def _worker(self, queue: deque[int]) -> None:
        while queue and not self.stopping:
            await self._cell(queue.popleft())

    async def _cell(self, cell_id: int) -> None:
        started = await asyncio.to_thread(_cell_start, cell_id, self.experiment)
        if started is None:
            return
        cell, run, execute = started
        if run is not None and execute:
            await run_execute_claimed(run, self.context, batch=True)
            run = await asyncio.to_thread(_refreshed, run)
        verdicts = await self._verdicts(cell, run)
        await asyncio.to_thread(_cell_finish, cell, run, verdicts, self.experiment.primary_evaluator)
        self.computed += 1
        await asyncio.to_thread(self._report, False)

    async def _verdicts(self, cell: Cell, run: Run | None) -> list[dict[str, Any]]:
        if run is None or run.status != RunStatus.SUCCEEDED:
            return []
        subject = EvalCell(output=run.answer or "", expected=cell.row.expected, inputs=dict(cell.row.inputs))
        verdicts = []
        for name, evaluator, tools in self.evaluators:
            verdict = await evaluator.evaluate(subject, tools)
            verdicts.append({"evaluator": name, "type": evaluator.type, "score": verdict.score,
                             "passed": verdict.passed, "reason": verdict.reason})
        return verdicts

    def _tools_for(self, evaluator: Evaluator) -> EvalTools:
        """The models an evaluator may use: the local embedder; a judge bound to its own model,
        instructed by its library prompt's system message when it names one."""
        if not isinstance(evaluator, LlmJudge):
            return EvalTools(embed=self.embed)
        model = evaluator.settings.model
        instructions = _judge_instructions(self.experiment.workspace_id, evaluator)
        provider = self.context.providers.get(model.provider)

        async def judge(system: str, user: str) -> str:
            if provider is None:
                raise LookupError(f"the judge's provider {model.provider!r} is not configured")
            messages = [ChatMessage("system", instructions or system), ChatMessage("user", user)]
            request = ChatRequest(model=model.model, messages=messages, temperature=0.0, max_tokens=JUDGE_MAX_TOKENS)
            return (await provider.chat(request)).text

        return EvalTools(embed=self.embed, judge=judge)

    def _report(self, final: bool) -> None:
        """Progress for the job (and the page watching it), at most twice a second."""
        now = time.monotonic()
        if self.progress is None or (not final and now - self.reported < PROGRESS_EVERY_SECONDS):
            return
        self.reported = now
        done, _ = _counted(self.experiment.pk)
        total = max(1, self.experiment.cells_total)
        rate = self.computed / max(now - self.started, 1e-6)
        left = total - done
        eta = f" · about {left / rate:.0f} s left" if rate > 0 and left > 0 else ""
        self.progress(done / total, f"{done} of {total} cells{eta}")


def _judge_instructions(workspace_id: int, evaluator: LlmJudge) -> str | None:
    """The system message of the judge's library prompt (``prompt_ref``), its ``rubric`` variable
    filled; None without one."""
    ref = evaluator.settings.prompt_ref
    if not ref:
        return None
    version = prompt_resolve(workspace_id=workspace_id, ref=ref)
    system = next((m["template"] for m in version.messages if m["role"] == "system"), None)
    return render(system, {"rubric": evaluator.settings.rubric}) if system else None


def _status_of(experiment_id: int) -> str:
    return str(Experiment.objects.filter(pk=experiment_id).values_list("status", flat=True).first())


def _counted(experiment_id: int) -> tuple[int, int]:
    """Cells finished (failed ones included) and failed, counted and kept on the experiment (one
    writer: the cells themselves never update the experiment's row, which would serialize them)."""
    counts = Cell.objects.filter(experiment_id=experiment_id).aggregate(
        done=Count("pk", filter=Q(status__in=(CellStatus.DONE, CellStatus.FAILED))),
        failed=Count("pk", filter=Q(status=CellStatus.FAILED)),
    )
    Experiment.objects.filter(pk=experiment_id).update(cells_done=counts["done"], cells_failed=counts["failed"])
    return counts["done"], counts["failed"]


def _cell_start(cell_id: int, experiment: Experiment) -> tuple[Cell, Run | None, bool] | None:
    """Claim a pending cell: its run (made now, already running; or the one a dead worker left)
    and whether that run is still to execute. None when the cell is not pending any more."""
    with transaction.atomic():
        cell = (Cell.objects.select_for_update(of=("self",)).select_related("variant", "row")
                .filter(pk=cell_id, status=CellStatus.PENDING).first())
        if cell is None:
            return None
        cell.experiment = experiment
        cell.status = CellStatus.RUNNING
        if cell.run_id is None:
            cell.run = _new_run(cell)
            cell.save(update_fields=["status", "run"])
            return cell, cell.run, cell.run is not None
        cell.save(update_fields=["status"])
    run, execute = run_claim(cell.run_id)  # left by a worker that died: execute it unless it finished
    return cell, run, execute


def _new_run(cell: Cell) -> Run | None:
    """The cell's run on its row's inputs (those the variant declares); None when they do not fit
    (the cell fails with ``inputs_invalid``)."""
    variant = cell.variant
    spec = parse_graph(variant.graph)
    declared = {i.name for i in spec.inputs}
    try:
        inputs = spec.prepare_inputs({k: v for k, v in cell.row.inputs.items() if k in declared})
    except InputInvalid as exc:
        cell.error_code = "inputs_invalid"
        cell.output = exc.message if hasattr(exc, "message") else str(exc)
        return None
    app_version = variant.app_version
    return Run.objects.create(
        workspace_id=cell.experiment.workspace_id, app_id=app_version.app_id if app_version else None,
        version=app_version, prompt_version_id=variant.prompt_version_id, graph=variant.graph, inputs=inputs,
        source=RunSource.EXPERIMENT, created_by_id=cell.experiment.created_by_id, status=RunStatus.RUNNING,
        started_at=timezone.now(),
    )


def _refreshed(run: Run) -> Run:
    run.refresh_from_db()
    return run


def _cell_finish(cell: Cell, run: Run | None, verdicts: list[dict[str, Any]], primary: str) -> None:
    succeeded = run is not None and run.status == RunStatus.SUCCEEDED
    if run is not None:
        cell.output = run.answer if succeeded else run.error_message
        cell.error_code = "" if succeeded else (run.error_code or "run_failed")
        cell.tokens_in, cell.tokens_out, cell.cost = run.tokens_in, run.tokens_out, run.cost
        cell.latency_ms = run.latency_ms
    cell.verdicts = verdicts
    primary_verdict = next((v for v in verdicts if v["evaluator"] == primary), None)
    cell.passed = bool(primary_verdict["passed"]) if primary_verdict else (False if not succeeded else None)
    cell.status = CellStatus.DONE if succeeded else CellStatus.FAILED
    cell.save(update_fields=["output", "error_code", "tokens_in", "tokens_out", "cost", "latency_ms",
                             "verdicts", "passed", "status"])


class _DatabaseThreads:
    """The threads an execution does its database work in (the loop's default executor): each
    keeps its connection from one cell to the next, and all are closed when the execution ends."""

    def __init__(self, concurrency: int) -> None:
        self.size = min(MAX_DB_THREADS, max(4, concurrency + 2))
        self.pool = ThreadPoolExecutor(max_workers=self.size, thread_name_prefix="experiment-db")

    async def close(self) -> None:
        """One close per thread: each waits at the barrier until every thread holds one."""
        barrier = threading.Barrier(self.size)

        def close() -> None:
            connection.close()
            barrier.wait(timeout=10)

        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self.pool, close) for _ in range(self.size)))


def _embedder():
    """The local MiniLM, loaded on first use (only experiments with a similarity evaluator)."""
    from runtime.providers.embeddings import SentenceEmbedder, minilm_dir

    embedder: SentenceEmbedder | None = None

    def embed(texts: list[str]) -> list[list[float]]:
        nonlocal embedder
        if embedder is None:
            embedder = SentenceEmbedder(minilm_dir())
        return embedder.embed(texts)

    return embed
