"""Compile once, run many: :func:`compile_graph` turns a valid spec into a :class:`CompiledGraph`.

Compilation validates the spec, builds every node (config checked by pydantic, templates
compiled) and precomputes the routing tables the scheduler needs, so a run does no
validation and no graph analysis.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Mapping
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from runtime.context import ExecutionContext
from runtime.engine.streaming import StreamPlans
from runtime.errors import GraphInvalid
from runtime.events import Event, EventQueue, RunHook, RunTotals
from runtime.nodes.base import DEFAULT_HANDLE, FAIL_HANDLE, Node
from runtime.registry import NodeRegistry, default_registry
from runtime.spec import AppInput, GraphSpec, InputRules, NodeSettings
from runtime.validation import analyse

DEFAULT_MAX_STEPS = 1_000
MAX_POOL_THREADS = 64


@dataclass(slots=True)
class RunResult:
    """How a run ended. ``status`` is ``succeeded``, ``failed`` or ``cancelled``."""

    run_id: str
    status: str
    outputs: dict[str, Any] = field(default_factory=dict)
    error: dict[str, Any] | None = None
    totals: RunTotals = field(default_factory=RunTotals)

    @property
    def ok(self) -> bool:
        return self.status == "succeeded"

    @property
    def answer(self) -> str | None:
        return answer_of(self.outputs)


def answer_of(outputs: Any) -> str | None:
    """The text a run answered: its ``answer``, ``text`` or ``output`` output, else its only text
    output (what an evaluator judges and a dataset row keeps as the expected output)."""
    if not isinstance(outputs, dict):
        return None
    for key in ("answer", "text", "output"):
        if isinstance(outputs.get(key), str):
            return str(outputs[key])
    texts = [value for value in outputs.values() if isinstance(value, str)]
    return texts[0] if len(texts) == 1 else None


class Slot:
    """A node plus everything the scheduler precomputed for it."""

    __slots__ = (
        "all_targets",
        "id",
        "index",
        "is_terminal",
        "node",
        "retries",
        "routes",
        "settings",
        "timeout",
        "type",
    )

    def __init__(self, index: int, node: Node[Any], settings: NodeSettings):
        self.index = index
        self.id = node.id
        self.type = node.type
        self.node = node
        self.settings = settings
        self.timeout = settings.timeout_s
        self.is_terminal = node.is_terminal
        self.routes: dict[str | None, tuple[tuple[int, ...], tuple[int, ...]]] = {}
        self.all_targets: tuple[int, ...] = ()
        self.retries = 0

    def route(self, handle: str | None) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(live targets, skipped targets) when the node leaves through ``handle``."""
        found = self.routes.get(handle)
        return found if found is not None else ((), self.all_targets)


class CompiledGraph:
    """A validated, compiled graph. Thread-safe to run many times concurrently."""

    def __init__(self, spec: GraphSpec, nodes: dict[str, Node[Any]], start_id: str, order: list[str]):
        from runtime.engine.policy import max_retries

        self.spec = spec
        self.name = spec.name
        self.slots: list[Slot] = []
        index = {nid: i for i, nid in enumerate(order)}
        settings = {n.id: n.settings for n in spec.nodes}
        for nid in order:
            slot = Slot(index[nid], nodes[nid], settings[nid])
            slot.retries = max_retries(slot.settings)
            self.slots.append(slot)
        edges_by_source: dict[str, list[tuple[str, int]]] = {nid: [] for nid in order}
        self.in_degree = [0] * len(order)
        for edge in spec.edges:
            edges_by_source[edge.source].append((edge.source_handle, index[edge.target]))
            self.in_degree[index[edge.target]] += 1
        for slot in self.slots:
            out = edges_by_source[slot.id]
            slot.all_targets = tuple(t for _, t in out)
            handles = {h for h, _ in out} | set(slot.node.source_handles()) | {FAIL_HANDLE}
            for handle in handles:
                live = tuple(t for h, t in out if h == handle)
                dead = tuple(t for h, t in out if h != handle)
                slot.routes[handle] = (live, dead)
            slot.routes[None] = slot.routes.get(DEFAULT_HANDLE, ((), slot.all_targets))
        self.start_slot = self.slots[index[start_id]]
        self.stream_plans = StreamPlans.of(self.slots)  # nodes streamed before they run (answers)
        self.terminals = tuple(s for s in self.slots if s.is_terminal)
        self.inputs: tuple[AppInput, ...] = tuple(spec.inputs)
        self._input_rules = InputRules(self.inputs)
        self.width = _parallel_width(self.slots)
        self.executor: Executor = ThreadPoolExecutor(
            max_workers=min(MAX_POOL_THREADS, max(4, self.width)), thread_name_prefix="llmops-node"
        )

    # --- inputs ------------------------------------------------------------------------------
    def prepare_inputs(self, inputs: Mapping[str, Any] | None) -> dict[str, Any]:
        """Check run inputs against the app's declared inputs and apply defaults (:class:`InputRules`)."""
        return self._input_rules.prepare(inputs)

    # --- running -----------------------------------------------------------------------------
    async def run(
        self,
        inputs: Mapping[str, Any] | None = None,
        *,
        context: ExecutionContext | None = None,
        hooks: Iterable[RunHook] = (),
        run_id: str | None = None,
        max_steps: int = DEFAULT_MAX_STEPS,
        raise_on_error: bool = False,
        _steps: list[int] | None = None,
        _executor: Executor | None = None,
    ) -> RunResult:
        """Run once and return how it ended. Events go to ``hooks`` as they happen.

        With ``raise_on_error`` a failed run raises its :class:`RuntimeFailure` instead.
        Cancelling the awaiting task cancels in-flight node calls and emits ``run.failed``.
        """
        from runtime.engine.runner import GraphRun

        graph_run = GraphRun(
            self,
            inputs,
            context or ExecutionContext(),
            [h.on_event for h in hooks],
            run_id,
            _steps if _steps is not None else [0, max_steps],
            _executor or (context.executor if context and context.executor else self.executor),
        )
        return await graph_run.execute(raise_on_error=raise_on_error)

    def start(self, inputs: Mapping[str, Any] | None = None, **kwargs: Any) -> RunHandle:
        """Start a run as a task; the handle streams events, cancels and gives the result."""
        queue = EventQueue()
        hooks = [*kwargs.pop("hooks", ()), queue]
        run_id = kwargs.pop("run_id", None)
        if run_id is None:
            from uuid import uuid4

            run_id = uuid4().hex
        task = asyncio.get_running_loop().create_task(self.run(inputs, hooks=hooks, run_id=run_id, **kwargs))
        return RunHandle(run_id, task, queue)

    async def stream(self, inputs: Mapping[str, Any] | None = None, **kwargs: Any) -> AsyncIterator[Event]:
        """``async for event in graph.stream(inputs)``: every event, ending with the run's
        terminal event. Leaving the loop early cancels the run."""
        handle = self.start(inputs, **kwargs)
        try:
            async for event in handle.events():
                yield event
        finally:
            if not handle.done():
                handle.cancel()
                await handle.result()

    def close(self) -> None:
        """Release the thread pool (optional; idle threads cost nothing but memory)."""
        self.executor.shutdown(wait=False, cancel_futures=True)


class RunHandle:
    """A running run: ``events()``, ``cancel()``, ``await result()``."""

    def __init__(self, run_id: str, task: asyncio.Task[RunResult], queue: EventQueue):
        self.run_id = run_id
        self._task = task
        self._queue = queue

    def events(self) -> AsyncIterator[Event]:
        return self._queue.__aiter__()

    def cancel(self) -> None:
        self._task.cancel()

    def done(self) -> bool:
        return self._task.done()

    async def result(self) -> RunResult:
        try:
            return await asyncio.shield(self._task)
        except asyncio.CancelledError:
            if not self._task.cancelled():
                raise
            return RunResult(
                self.run_id, "cancelled", error={"code": "cancelled", "message": "run cancelled"}
            )


def _parallel_width(slots: list[Slot]) -> int:
    """Thread demand of the widest level (longest-path depth) of the graph."""
    depth = [0] * len(slots)
    for slot in slots:  # slots are in topological order
        for t in slot.all_targets:
            depth[t] = max(depth[t], depth[slot.index] + 1)
    demand: dict[int, int] = {}
    for slot in slots:
        demand[depth[slot.index]] = demand.get(depth[slot.index], 0) + slot.node.thread_demand()
    return max(demand.values(), default=1)


def compile_graph(spec: GraphSpec, registry: NodeRegistry | None = None) -> CompiledGraph:
    """Validate and compile ``spec``; raises :class:`GraphInvalid` listing every issue."""
    analysis = analyse(spec, registry or default_registry())
    if analysis.issues:
        raise GraphInvalid(analysis.issues)
    assert analysis.start_id is not None
    return CompiledGraph(spec, analysis.nodes, analysis.start_id, analysis.order)
