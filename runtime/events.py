"""The one typed event stream of a run, and the hooks that consume it.

Every consumer — trace store, websocket, SSE, CLI progress, benchmarks — reads the same
events. Events are small slotted dataclasses (cheap to create on the hot path); ``to_dict``
makes the JSON form with a ``type`` key (``run.started``, ``node.delta``, ...).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, runtime_checkable

log = logging.getLogger(__name__)


def jsonable(value: Any) -> Any:
    """Best-effort conversion of node outputs to JSON-compatible data."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return jsonable(dataclasses.asdict(value))
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


@dataclass(slots=True)
class Event:
    """Base of all run events. ``ts`` is wall-clock seconds (time.time())."""

    type: ClassVar[str] = "event"
    run_id: str
    ts: float

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type}
        for f in dataclasses.fields(self):
            data[f.name] = jsonable(getattr(self, f.name))
        return data


@dataclass(slots=True)
class RunStarted(Event):
    type: ClassVar[str] = "run.started"
    inputs: dict[str, Any]
    graph_name: str = ""


@dataclass(slots=True)
class NodeStarted(Event):
    type: ClassVar[str] = "node.started"
    node_id: str
    node_type: str
    attempt: int = 1


@dataclass(slots=True)
class NodeInputs(Event):
    """What a node sent out or looked up, for its trace: the rendered messages and model of a
    model call, the query of a retrieval, the request of an HTTP call, a tool's arguments.
    Secret values never appear (headers show ``{{ secrets.NAME }}`` references)."""

    type: ClassVar[str] = "node.inputs"
    node_id: str
    inputs: dict[str, Any]


@dataclass(slots=True)
class NodeDelta(Event):
    """A streamed piece of a node's output text (LLM tokens, answer text)."""

    type: ClassVar[str] = "node.delta"
    node_id: str
    text: str


@dataclass(slots=True)
class NodeFinished(Event):
    type: ClassVar[str] = "node.finished"
    node_id: str
    node_type: str
    outputs: dict[str, Any]
    handle: str | None
    latency_ms: float
    tokens_in: int = 0
    tokens_out: int = 0
    cost: float | None = None


@dataclass(slots=True)
class NodeFailed(Event):
    """A node attempt failed. ``will_retry`` says another attempt follows; ``strategy`` says
    what the failure did to the run (abort, fail_branch, default_value)."""

    type: ClassVar[str] = "node.failed"
    node_id: str
    node_type: str
    code: str
    message: str
    attempt: int = 1
    will_retry: bool = False
    strategy: str = "abort"
    latency_ms: float = 0.0


@dataclass(slots=True)
class NodeSkipped(Event):
    type: ClassVar[str] = "node.skipped"
    node_id: str
    node_type: str


@dataclass(slots=True)
class RunTotals:
    latency_ms: float = 0.0
    steps: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost: float = 0.0


@dataclass(slots=True)
class RunFinished(Event):
    type: ClassVar[str] = "run.finished"
    outputs: dict[str, Any]
    totals: RunTotals


@dataclass(slots=True)
class RunFailed(Event):
    type: ClassVar[str] = "run.failed"
    code: str
    message: str
    node_id: str | None
    totals: RunTotals


TERMINAL_EVENTS = (RunFinished, RunFailed)


@runtime_checkable
class RunHook(Protocol):
    """Receives every event of a run, in order, on the event loop thread.

    Must be cheap and must not block: hand slow work (DB writes, network) to a queue.
    An exception in a hook is logged and does not fail the run.
    """

    def on_event(self, event: Event) -> None: ...


class RecordingHook:
    """Keeps every event in a list (tests, benchmarks, the trace store's buffer)."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.on_event = self.events.append  # type: ignore[method-assign, assignment]  # per-instance fast path: the bound list.append

    def on_event(self, event: Event) -> None:  # pragma: no cover - replaced per instance
        self.events.append(event)

    def of_type(self, kind: type[Event]) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]


class EventQueue:
    """A hook that feeds an asyncio queue; ``async for event in queue`` ends after the run."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[Event] = asyncio.Queue()

    def on_event(self, event: Event) -> None:
        self._queue.put_nowait(event)

    async def __aiter__(self) -> AsyncIterator[Event]:
        while True:
            event = await self._queue.get()
            yield event
            if isinstance(event, TERMINAL_EVENTS):
                return
