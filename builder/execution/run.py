"""The one way to execute a run: :func:`execute` runs a compiled graph (or one of its nodes) with
a context and hooks, and always returns how it ended — it never raises."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from runtime import CompiledGraph, ExecutionContext, RunResult
from runtime.engine.single import run_single_node
from runtime.events import TERMINAL_EVENTS, Event, RunFailed, RunHook, RunTotals

logger = logging.getLogger(__name__)

CancelCheck = Callable[[], Awaitable[bool]]


class _TerminalSeen:
    """Notes whether the run's own terminal event went out (a crash has none; a cancelled graph
    sends one with what the run had used by then), and when the run started."""

    __slots__ = ("seen", "started", "totals")

    def __init__(self) -> None:
        self.seen = False
        self.started = time.perf_counter()
        self.totals: RunTotals | None = None

    def on_event(self, event: Event) -> None:
        if isinstance(event, TERMINAL_EVENTS):
            self.seen = True
            self.totals = event.totals


async def execute(
    graph: CompiledGraph,
    inputs: Mapping[str, Any],
    *,
    context: ExecutionContext,
    hooks: Iterable[RunHook],
    run_id: str,
    node_id: str = "",
    cancel_requested: CancelCheck | None = None,
    poll_seconds: float = 0.5,
    cancelled_message: str | Callable[[], str] = "Cancelled by a user.",
) -> RunResult:
    """Run ``graph`` on ``inputs`` (with ``node_id``: that node alone, on variables given as
    ``{"node.field": value}``), sending every event to ``hooks``.

    The result is always a :class:`RunResult`: a failure of the platform is a ``failed`` run with
    code ``internal_error``; a run cancelled — when ``cancel_requested()`` says so (asked every
    ``poll_seconds``) or when the task running this is cancelled — is ``cancelled``. Either way
    the hooks get a terminal ``run.failed`` event when the engine could not send its own.
    ``cancelled_message`` is the stored message of a cancelled run (a callable: asked once the run
    is cancelled, for callers that learn why only then)."""
    watch = _TerminalSeen()
    hooks = [*hooks, watch]
    if node_id:
        work = run_single_node(graph, node_id, inputs, context=context, hooks=hooks, run_id=run_id)
    else:
        work = graph.run(inputs, context=context, hooks=hooks, run_id=run_id)
    try:
        if cancel_requested is None:
            return await work
        return await _polling_for_cancel(work, cancel_requested, poll_seconds)
    except asyncio.CancelledError:
        message = cancelled_message if isinstance(cancelled_message, str) else cancelled_message()
        return _ended(run_id, hooks, watch, "cancelled", "cancelled", message)
    except Exception as exc:  # noqa: BLE001 - the platform failed, not the app: record it
        logger.exception("run %s crashed", run_id)
        return _ended(run_id, hooks, watch, "failed", "internal_error", f"The run crashed: {type(exc).__name__}.")


async def _polling_for_cancel(work: Awaitable[RunResult], cancel_requested: CancelCheck,
                              poll_seconds: float) -> RunResult:
    task = asyncio.ensure_future(work)
    try:
        while not task.done():
            await asyncio.wait({task}, timeout=poll_seconds)
            if not task.done() and await cancel_requested():
                task.cancel()
        return await task
    finally:
        if not task.done():  # this coroutine itself was cancelled
            task.cancel()


def _ended(run_id: str, hooks: list[RunHook], watch: _TerminalSeen, status: str, code: str,
           message: str) -> RunResult:
    """A run that ended without its result: its totals are what its terminal event said (tokens
    and cost of the nodes that finished), else only how long it took."""
    totals = watch.totals or RunTotals(latency_ms=(time.perf_counter() - watch.started) * 1000)
    if not watch.seen:
        event = RunFailed(run_id, time.time(), code, message, None, totals)
        for hook in hooks:
            try:
                hook.on_event(event)
            except Exception:  # noqa: BLE001 - as in the engine: a hook never fails a run
                logger.warning("a run hook failed on %s", event.type, exc_info=True)
    return RunResult(run_id, status, {}, {"code": code, "message": message}, totals)
