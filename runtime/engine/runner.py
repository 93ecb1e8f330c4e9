"""One run of a compiled graph: ready-queue scheduling, skip propagation, failure policy.

The hot path is kept flat on purpose: a node that is the only runnable one is awaited
inline (no task), events are slotted dataclasses, routing tables come precomputed from
:mod:`runtime.engine.compiled`. Only when several nodes are ready do they become tasks, so
parallel branches really overlap.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from datetime import UTC, datetime
from os import urandom
from typing import TYPE_CHECKING, Any

from runtime.context import ExecutionContext, RunState
from runtime.engine.policy import as_failure, backoff_delay
from runtime.errors import InputInvalid, MaxStepsExceeded, RunCancelled, RuntimeFailure
from runtime.events import (
    Event,
    NodeFailed,
    NodeFinished,
    NodeSkipped,
    NodeStarted,
    RunFailed,
    RunFinished,
    RunStarted,
    RunTotals,
)
from runtime.nodes.base import FAIL_HANDLE, NodeResult

if TYPE_CHECKING:
    from runtime.engine.compiled import CompiledGraph, RunResult, Slot

log = logging.getLogger(__name__)
_now = time.time
_clock = time.perf_counter


class _Abort(Exception):
    def __init__(self, failure: RuntimeFailure):
        self.failure = failure


class GraphRun:
    """State and scheduler of a single run. Created by :meth:`CompiledGraph.run`."""

    def __init__(
        self,
        graph: CompiledGraph,
        inputs: Mapping[str, Any] | None,
        context: ExecutionContext,
        hooks: list[Callable[[Event], None]],
        run_id: str | None,
        steps: list[int],
        executor: Executor,
    ):
        self.graph = graph
        self.raw_inputs = inputs
        self.run_id = run_id or urandom(16).hex()
        self.hooks = hooks
        self.emit = _emitter(hooks)
        self.steps = steps
        self.own_steps = 0
        self.totals = RunTotals()
        self.variables: dict[str, Any] = {}
        plans = graph.stream_plans
        self.streams = plans.start(self.run_id, self.variables, self.emit) if plans is not None else None
        node_emit = self.streams.emit if self.streams is not None else self.emit  # sees the nodes' deltas
        self.state = RunState(self.run_id, self.variables, context, node_emit, executor, steps)
        self.state._early = self.streams
        self.pending = list(graph.in_degree)
        self.live_in = [0] * len(graph.slots)
        self.ready: deque[Slot] = deque()

    # --- the run -----------------------------------------------------------------------------
    async def execute(self, *, raise_on_error: bool = False) -> RunResult:
        from runtime.engine.compiled import RunResult

        started = _clock()
        self.state._loop = asyncio.get_running_loop()
        self.variables["sys"] = {"run_id": self.run_id, "now": datetime.now(UTC).isoformat()}
        inputs = dict(self.raw_inputs or {})
        self.emit(RunStarted(self.run_id, _now(), inputs, self.graph.name))
        inflight: dict[asyncio.Task[str | None], Slot] = {}
        try:
            self.variables["inputs"] = self.graph.prepare_inputs(inputs)
            self.ready.append(self.graph.start_slot)
            if self.streams is not None:
                self.streams.live((self.graph.start_slot.index,))
            await self._schedule(inflight)
        except (_Abort, RuntimeFailure) as exc:
            await _cancel_all(inflight)
            failure = exc.failure if isinstance(exc, _Abort) else exc
            if failure.run_id is None:
                failure.run_id = self.run_id
            result = self._failed(failure, started)
            if raise_on_error:
                raise failure from None
            return result
        except asyncio.CancelledError:
            await _cancel_all(inflight)
            self._failed(RunCancelled("run cancelled", run_id=self.run_id), started)
            raise
        self.totals.latency_ms = (_clock() - started) * 1000
        self.totals.steps = self.own_steps
        outputs: dict[str, Any] = {}
        for slot in self.graph.terminals:
            produced = self.variables.get(slot.id)
            if produced is not None:
                outputs.update(produced)
        self.emit(RunFinished(self.run_id, _now(), outputs, self.totals))
        return RunResult(self.run_id, "succeeded", outputs, None, self.totals)

    def _failed(self, failure: RuntimeFailure, started: float) -> RunResult:
        from runtime.engine.compiled import RunResult

        self.totals.latency_ms = (_clock() - started) * 1000
        self.totals.steps = self.own_steps
        self.emit(RunFailed(self.run_id, _now(), failure.code, failure.message, failure.node_id, self.totals))
        status = "cancelled" if isinstance(failure, RunCancelled) else "failed"
        return RunResult(self.run_id, status, {}, failure.to_dict(), self.totals)

    async def _schedule(self, inflight: dict[asyncio.Task[str | None], Slot]) -> None:
        ready = self.ready
        complete = self._complete
        while True:
            while ready:
                slot = ready.popleft()
                if not ready and not inflight:
                    complete(slot, await self._run_node(slot))  # the only runnable node: no task
                else:
                    inflight[asyncio.ensure_future(self._run_node(slot))] = slot
            if not inflight:
                return
            done, _ = await asyncio.wait(inflight, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                complete(inflight.pop(task), task.result())

    # --- one node ----------------------------------------------------------------------------
    async def _run_node(self, slot: Slot) -> str | None:
        steps = self.steps
        steps[0] += 1
        self.own_steps += 1
        if steps[0] > steps[1]:
            raise MaxStepsExceeded(f"run exceeded max_steps={steps[1]}", node_id=slot.id, run_id=self.run_id)
        self.emit(NodeStarted(self.run_id, _now(), slot.id, slot.type))
        t0 = _clock()
        try:
            if slot.timeout is None:
                result = await slot.node.run(self.state)
            else:
                result = await asyncio.wait_for(slot.node.run(self.state), slot.timeout)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - any node failure goes through the policy
            return await self._recover(slot, exc, t0)
        return self._finish(slot, result, t0)

    def _finish(self, slot: Slot, result: NodeResult | dict[str, Any], t0: float) -> str | None:
        latency_ms = (_clock() - t0) * 1000
        if type(result) is dict:
            self.variables[slot.id] = result
            self.emit(NodeFinished(self.run_id, _now(), slot.id, slot.type, result, None, latency_ms))
            return None
        assert isinstance(result, NodeResult), f"node {slot.id!r} returned {type(result).__name__}"
        tokens_in = tokens_out = 0
        if result.usage is not None:
            tokens_in, tokens_out = result.usage.input_tokens, result.usage.output_tokens
            self.totals.tokens_in += tokens_in
            self.totals.tokens_out += tokens_out
        if result.cost is not None:
            self.totals.cost += result.cost
        self.variables[slot.id] = result.outputs
        self.emit(
            NodeFinished(
                self.run_id,
                _now(),
                slot.id,
                slot.type,
                result.outputs,
                result.handle,
                latency_ms,
                tokens_in,
                tokens_out,
                result.cost,
            )
        )
        return result.handle

    async def _recover(self, slot: Slot, exc: Exception, t0: float) -> str | None:
        """Retry with backoff, then apply the node's error strategy."""
        settings = slot.settings
        attempt = 1
        while True:
            failure = as_failure(exc, node_id=slot.id, run_id=self.run_id, timeout_s=slot.timeout)
            will_retry = failure.retryable and attempt <= slot.retries
            strategy = (
                "retry"
                if will_retry
                else ("abort" if settings.error_strategy == "retry" else settings.error_strategy)
            )
            self.emit(
                NodeFailed(
                    self.run_id,
                    _now(),
                    slot.id,
                    slot.type,
                    failure.code,
                    failure.message,
                    attempt,
                    will_retry,
                    strategy,
                    (_clock() - t0) * 1000,
                )
            )
            if not will_retry:
                break
            await asyncio.sleep(backoff_delay(settings, attempt, failure))
            attempt += 1
            self.emit(NodeStarted(self.run_id, _now(), slot.id, slot.type, attempt))
            if self.streams is not None:
                self.streams.retried(slot.id)
            t0 = _clock()
            try:
                if slot.timeout is None:
                    result = await slot.node.run(self.state)
                else:
                    result = await asyncio.wait_for(slot.node.run(self.state), slot.timeout)
            except asyncio.CancelledError:
                raise
            except Exception as again:  # noqa: BLE001 - as above
                exc = again
                continue
            return self._finish(slot, result, t0)
        if strategy == "fail_branch":
            error = {"code": failure.code, "message": failure.message}
            return self._finish(slot, NodeResult({"error": error}, FAIL_HANDLE), t0)
        if strategy == "default_value":
            return self._finish(slot, dict(settings.default_outputs), t0)
        raise _Abort(failure)

    # --- routing -----------------------------------------------------------------------------
    def _complete(self, slot: Slot, handle: str | None) -> None:
        live, dead = slot.route(handle)
        pending = self.pending
        live_in = self.live_in
        slots = self.graph.slots
        for t in live:
            pending[t] -= 1
            live_in[t] += 1
            if not pending[t]:
                self.ready.append(slots[t])
        if dead:
            self._kill_edges(dead)
        if self.streams is not None:
            self.streams.completed(slot.id, live)

    def _kill_edges(self, targets: tuple[int, ...]) -> None:
        """Mark edges dead; a node whose inputs are all decided and none live is skipped,
        and the skip propagates downstream. Joins run once their live inputs are done."""
        pending = self.pending
        slots = self.graph.slots
        stack = list(targets)
        while stack:
            t = stack.pop()
            pending[t] -= 1
            if pending[t]:
                continue
            if self.live_in[t]:
                self.ready.append(slots[t])
                continue
            skipped = slots[t]
            self.emit(NodeSkipped(self.run_id, _now(), skipped.id, skipped.type))
            stack.extend(skipped.all_targets)


def _drop(event: Event) -> None:
    return None


def _emitter(hooks: list[Callable[[Event], None]]) -> Callable[[Event], None]:
    """One callable that feeds every hook; a broken consumer must not break the run."""
    if not hooks:
        return _drop
    if len(hooks) == 1:
        hook = hooks[0]

        def emit_one(event: Event) -> None:
            try:
                hook(event)
            except Exception:
                log.exception("run hook failed on %s", event.type)

        return emit_one

    def emit_all(event: Event) -> None:
        for each in hooks:
            try:
                each(event)
            except Exception:
                log.exception("run hook failed on %s", event.type)

    return emit_all


async def _cancel_all(inflight: dict[asyncio.Task[Any], Any]) -> None:
    for task in inflight:
        task.cancel()
    if inflight:
        await asyncio.gather(*inflight, return_exceptions=True)
    inflight.clear()


__all__ = ["GraphRun", "InputInvalid"]
