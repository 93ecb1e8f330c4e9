"""Running an experiment: a job (``experiment.run``) that computes every pending cell exactly once.

One worker at a time owns an experiment (a PostgreSQL advisory lock, released by the database if
that worker dies). Cells are claimed a batch at a time (pending → running, each with its run, in
one transaction); a cell left running by a worker that died is pending again for the next owner,
which re-executes its run only if that run never finished — so a SIGKILL neither loses nor
duplicates a cell. Cells run concurrently, at most ``concurrency`` at once per model provider
(retries and Retry-After are the providers' own), each as a recorded run (source ``experiment``)
stored with the runs that end about the same time, then judged by the experiment's evaluators.
Pause and cancel are read from the experiment every half second.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.db import close_old_connections, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from builder.core.batches import Batcher
from builder.core.locks import advisory_lock
from builder.execution.context import execution_context, stored_data_redactor
from builder.experiments.models import Cell, CellStatus, Experiment, ExperimentStatus
from builder.flows.graphs import parse_graph
from builder.jobs.kinds import Progress, job_kind
from builder.jobs.models import Job
from builder.prompts.selectors import prompt_resolve
from builder.runs.models import Run, RunSource, RunStatus
from builder.runs.services import FinishedRun, run_claim, run_execute_claimed, runs_store
from runtime import ExecutionContext, RunResult
from runtime.errors import InputInvalid
from runtime.evaluation.evaluators import Cell as EvalCell
from runtime.evaluation.evaluators import EvalTools, Evaluator, LlmJudge, evaluator_from_config
from runtime.providers.base import ChatMessage, ChatRequest
from runtime.spec import GraphSpec
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
        self.runs: Batcher[FinishedRun] = Batcher(runs_store)
        self.cells: Batcher[Cell] = Batcher(_cells_store)
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
                await asyncio.gather(*(self._provider(queue) for queue in queues.values()))
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

    async def _provider(self, pending: deque[int]) -> None:
        """One provider's cells: claimed a batch at a time, run ``concurrency`` at once."""
        workers = max(1, self.experiment.concurrency)
        claimed: asyncio.Queue[Claimed | None] = asyncio.Queue(maxsize=workers)

        async def feed() -> None:
            while pending and not self.stopping:
                batch = [pending.popleft() for _ in range(min(len(pending), workers))]
                for item in await asyncio.to_thread(_cells_claim, batch, self.experiment):
                    await claimed.put(item)
            for _ in range(workers):
                await claimed.put(None)

        async def work() -> None:
            while (item := await claimed.get()) is not None:
                if self.stopping:  # paused or cancelled: a claimed cell not started waits again
                    await asyncio.to_thread(_cell_release, item[0])
                else:
                    await self._cell(item)

        await asyncio.gather(feed(), *(work() for _ in range(workers)))

    async def _cell(self, claimed: Claimed) -> None:
        cell, run, execute = claimed
        outcome: Outcome | None = None
        if run is not None and execute:
            outcome = Outcome.of_result(await run_execute_claimed(run, self.context, batch=self.runs))
        elif run is not None:  # its run ended before the worker running it died
            outcome = Outcome.of_run(await asyncio.to_thread(_refreshed, run))
        verdicts = await self._verdicts(cell, outcome)
        _cell_finished(cell, outcome, verdicts, self.experiment.primary_evaluator)
        await self.cells.add(cell)
        self.computed += 1
        await asyncio.to_thread(self._report, False)

    async def _verdicts(self, cell: Cell, outcome: Outcome | None) -> list[dict[str, Any]]:
        if outcome is None or not outcome.succeeded:
            return []
        subject = EvalCell(output=outcome.answer or "", expected=cell.row.expected, inputs=dict(cell.row.inputs))
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


#: A claimed cell: its run (None when the row's inputs do not fit) and whether to execute it.
Claimed = tuple[Cell, "Run | None", bool]


def _cells_claim(cell_ids: list[int], experiment: Experiment) -> list[Claimed]:
    """Claim the pending ones of these cells in one transaction, each with its run: made now,
    already running — or the one a worker that died left, executed again unless it finished."""
    specs: dict[int, GraphSpec] = {}
    with transaction.atomic():
        cells = list(Cell.objects.select_for_update(of=("self",), skip_locked=True)
                     .select_related("variant__app_version", "row").filter(pk__in=cell_ids, status=CellStatus.PENDING)
                     .order_by("row__position", "variant__position"))
        fresh = [cell for cell in cells if cell.run_id is None]
        runs = [_new_run(cell, experiment, specs) for cell in fresh]
        Run.objects.bulk_create([run for run in runs if run is not None])
        for cell, run in zip(fresh, runs, strict=True):
            cell.run = run
        for cell in cells:
            cell.experiment = experiment
            cell.status = CellStatus.RUNNING
        Cell.objects.bulk_update(cells, ["status", "run"])
    claimed: list[Claimed] = []
    for cell in cells:
        if cell in fresh:
            claimed.append((cell, cell.run, cell.run is not None))
        else:
            run, execute = run_claim(cell.run_id)
            claimed.append((cell, run, execute))
    return claimed


def _cell_release(cell: Cell) -> None:
    """A claimed cell that did not start is pending again (its run, if made, runs when resumed)."""
    Cell.objects.filter(pk=cell.pk, status=CellStatus.RUNNING).update(status=CellStatus.PENDING)


def _new_run(cell: Cell, experiment: Experiment, specs: dict[int, GraphSpec]) -> Run | None:
    """The cell's run on its row's inputs (those the variant declares); None when they do not fit
    (the cell fails with ``inputs_invalid``)."""
    variant = cell.variant
    spec = specs.get(variant.pk) or specs.setdefault(variant.pk, parse_graph(variant.graph))
    declared = {i.name for i in spec.inputs}
    try:
        inputs = spec.prepare_inputs({k: v for k, v in cell.row.inputs.items() if k in declared})
    except InputInvalid as exc:
        cell.error_code = "inputs_invalid"
        cell.output = exc.message if hasattr(exc, "message") else str(exc)
        return None
    app_version_id = variant.app_version_id
    return Run(
        workspace_id=experiment.workspace_id, app_id=variant.app_version.app_id if app_version_id else None,
        version_id=app_version_id, prompt_version_id=variant.prompt_version_id, graph=variant.graph, inputs=inputs,
        source=RunSource.EXPERIMENT, created_by_id=experiment.created_by_id, status=RunStatus.RUNNING,
        started_at=timezone.now(),
    )


def _refreshed(run: Run) -> Run:
    run.refresh_from_db()
    return run


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a cell's run ended, as the cell keeps it."""

    succeeded: bool
    answer: str | None
    error_code: str
    error_message: str
    tokens_in: int
    tokens_out: int
    cost: float
    latency_ms: float | None

    @classmethod
    def of_result(cls, result: RunResult) -> Outcome:
        error = result.error or {}
        totals = result.totals
        return cls(result.ok, result.answer, str(error.get("code") or ("" if result.ok else "run_failed")),
                   str(error.get("message") or ""), totals.tokens_in, totals.tokens_out, totals.cost or 0.0,
                   totals.latency_ms)

    @classmethod
    def of_run(cls, run: Run) -> Outcome:
        ok = run.status == RunStatus.SUCCEEDED
        return cls(ok, run.answer, "" if ok else (run.error_code or "run_failed"), run.error_message,
                   run.tokens_in, run.tokens_out, run.cost, run.latency_ms)


def _cell_finished(cell: Cell, outcome: Outcome | None, verdicts: list[dict[str, Any]], primary: str) -> None:
    """The cell's values once its run ended (stored with others by :func:`_cells_store`)."""
    succeeded = outcome is not None and outcome.succeeded
    if outcome is not None:
        cell.output = outcome.answer if succeeded else outcome.error_message
        cell.error_code = outcome.error_code
        cell.tokens_in, cell.tokens_out, cell.cost = outcome.tokens_in, outcome.tokens_out, outcome.cost
        cell.latency_ms = outcome.latency_ms
    cell.verdicts = verdicts
    primary_verdict = next((v for v in verdicts if v["evaluator"] == primary), None)
    cell.passed = bool(primary_verdict["passed"]) if primary_verdict else (False if not succeeded else None)
    cell.status = CellStatus.DONE if succeeded else CellStatus.FAILED


def _cells_store(cells: list[Cell]) -> None:
    """Store finished cells together; what they show is redacted as their runs' records are."""
    redact = stored_data_redactor(cells[0].experiment.workspace_id)
    for cell in cells:
        cell.output = redact(cell.output) if cell.output is not None else None
        cell.verdicts = redact(cell.verdicts)
    Cell.objects.bulk_update(cells, ["output", "error_code", "tokens_in", "tokens_out", "cost", "latency_ms",
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
