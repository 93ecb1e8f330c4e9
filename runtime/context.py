"""What a run gives its nodes: the caller's services and the run's own state.

* :class:`ExecutionContext` — services passed in by whoever starts the run (web request,
  Celery task, CLI): model providers by name, price lookup, retriever, tool registry,
  outbound HTTP client, a thread pool for blocking work, free-form extras.
* :class:`RunState` — one run as its nodes see it: run id, the variables produced so far,
  the context, and helpers (stream a delta, find a provider, price a call, run blocking
  work in the pool, run a sub-graph).
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from runtime.errors import NodeError
from runtime.events import NodeDelta, NodeInputs
from runtime.ports import PriceLookup, Retriever
from runtime.providers.base import ModelProvider, Usage

if TYPE_CHECKING:
    from runtime.engine.compiled import CompiledGraph, RunResult

T = TypeVar("T")


@dataclass(slots=True)
class ExecutionContext:
    """Services for a run. Everything is optional; a node that needs a missing one fails
    with a clear code (``provider_not_found``, ``no_retriever``, ``no_tools``, ``no_http``).

    ``tools`` is a :mod:`runtime.tools` registry (``get(name) -> Tool``) and ``http`` the safe
    outbound client from :mod:`runtime.net`; they are typed loosely so this module does not
    depend on those packages.
    """

    providers: Mapping[str, ModelProvider] = field(default_factory=dict)
    prices: PriceLookup | None = None
    retriever: Retriever | None = None
    tools: Any = None
    http: Any = None
    executor: Executor | None = None
    extras: dict[str, Any] = field(default_factory=dict)


class EarlyStreamed(Protocol):
    """What the engine streamed for nodes before they ran (:mod:`runtime.engine.streaming`)."""

    def claim(self, node_id: str) -> str: ...


class RunState:
    """One run, as a node's ``run`` method sees it. Read variables, don't mutate them."""

    __slots__ = ("_early", "_emit", "_executor", "_loop", "_steps", "context", "run_id", "variables")

    def __init__(
        self,
        run_id: str,
        variables: dict[str, Any],
        context: ExecutionContext,
        emit: Callable[[Any], None],
        executor: Executor,
        steps: list[int],
    ):
        self.run_id = run_id
        self.variables = variables
        self.context = context
        self._emit = emit
        self._executor = executor
        self._steps = steps  # [used, max], shared with sub-runs
        self._loop: asyncio.AbstractEventLoop | None = None
        self._early: EarlyStreamed | None = None

    def emit_delta(self, node_id: str, text: str) -> None:
        """Stream a piece of text (``node.delta``). Safe to call from a blocking node's thread."""
        self._emit_safely(NodeDelta(self.run_id, time.time(), node_id, text))

    def take_streamed(self, node_id: str) -> str:
        """The text the engine already streamed as ``node_id``'s deltas before the node ran (see
        ``Node.stream_pieces``), and the end of that: the node streams the rest itself."""
        early = self._early
        return early.claim(node_id) if early is not None else ""

    def record_inputs(self, node_id: str, inputs: dict[str, Any]) -> None:
        """Put what the node sends out (rendered prompt, request, query) into its trace
        (``node.inputs``). Call it before the call, so that a failing call is traced with it."""
        self._emit_safely(NodeInputs(self.run_id, time.time(), node_id, inputs))

    def _emit_safely(self, event: Any) -> None:
        loop = self._loop
        if loop is not None and _in_worker_thread(loop):
            loop.call_soon_threadsafe(self._emit, event)
        else:
            self._emit(event)

    def provider(self, name: str, *, node_id: str | None = None) -> ModelProvider:
        """The model provider registered under ``name`` for this run."""
        try:
            return self.context.providers[name]
        except KeyError:
            known = ", ".join(sorted(self.context.providers)) or "none"
            raise NodeError(
                f"model provider {name!r} is not configured (configured: {known})",
                code="provider_not_found",
                node_id=node_id,
                run_id=self.run_id,
            ) from None

    def cost(self, provider: str, model: str, usage: Usage) -> float | None:
        prices = self.context.prices
        return prices.cost(provider, model, usage) if prices is not None else None

    async def in_thread(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run blocking ``func`` in the run's bounded thread pool and await its result."""
        loop = asyncio.get_running_loop()
        call = functools.partial(func, *args, **kwargs) if kwargs else (lambda: func(*args))
        return await loop.run_in_executor(self._executor, call)

    async def run_subgraph(
        self, graph: CompiledGraph, inputs: dict[str, Any], *, trace_as: str | None = None
    ) -> RunResult:
        """Run a compiled sub-graph with the same services; its steps count against this run.

        With ``trace_as`` (e.g. ``loop[3]``) its nodes' events join this run's, as nodes named
        ``loop[3]/llm``: the trace shows what each item did. Without it, only the caller's own
        node is traced."""
        hooks = (_SubRunEvents(self.run_id, trace_as, self._emit),) if trace_as else ()
        return await graph.run(
            inputs, context=self.context, hooks=hooks, _steps=self._steps, _executor=self._executor,
            raise_on_error=True,
        )


class _SubRunEvents:
    """Passes a sub-run's node events (not its text deltas, not its own start and end) on to the
    run that started it, renamed ``<prefix>/<node id>``."""

    __slots__ = ("_emit", "_prefix", "_run_id")
    _PASSED = frozenset({"node.started", "node.inputs", "node.finished", "node.failed", "node.skipped"})
    _FRAME = frozenset({"start", "end"})

    def __init__(self, run_id: str, prefix: str, emit: Callable[[Any], None]):
        self._run_id = run_id
        self._prefix = prefix
        self._emit = emit

    def on_event(self, event: Any) -> None:
        if event.type not in self._PASSED or getattr(event, "node_type", None) in self._FRAME:
            return
        self._emit(dataclasses.replace(event, run_id=self._run_id, node_id=f"{self._prefix}/{event.node_id}"))


def _in_worker_thread(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is not loop
    except RuntimeError:
        return True
