"""Early streaming: a node's text streamed before the node runs, as its pieces become known.

A node that offers :meth:`~runtime.nodes.base.Node.stream_pieces` (the Answer node: its template
cut at the top level) has its text streamed as its own ``node.delta`` events while the nodes it
shows are still running:

* literal text goes out as soon as it is reached;
* ``{{ x.text }}``, where ``x`` streams its ``text`` (its ``delta_output``), passes ``x``'s deltas
  on as they arrive — those already made when it is reached at once — and, once ``x`` has
  finished, whatever its final text adds to them;
* any other piece (``{{ r.items | join(', ') }}``, a ``{% for %}`` block) goes out in one piece,
  rendered once every node it reads has finished;
* a piece that cannot be rendered yet stops the stream there; the node streams the rest itself
  when it runs (:meth:`~runtime.context.RunState.take_streamed`).

Nothing is streamed for a node until it is sure to run (barring a failure of the run): once a node
that reaches it through unconditional edges — from a node that does not route and does not take
its ``fail`` handle — is live (the start node is live from the beginning). An answer after a branch
starts streaming when the branch has chosen its way.

Per run, :class:`EarlyStreams` sees the nodes' deltas (their emitter, ``run.emit_delta``, goes
through :meth:`EarlyStreams.emit`) and, from the scheduler, every completed node with the targets
it made live (:meth:`EarlyStreams.completed`) and every retry (:meth:`EarlyStreams.retried`).
Graphs without such nodes get no :class:`EarlyStreams` at all.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from runtime.errors import TemplateError
from runtime.events import Event, NodeDelta
from runtime.nodes.base import DEFAULT_HANDLE
from runtime.templates.compiled import Template

if TYPE_CHECKING:
    from runtime.engine.compiled import Slot

log = logging.getLogger(__name__)

CHUNK = 256  # longer literal or rendered pieces go out in deltas of this many characters


@dataclass(frozen=True, slots=True)
class Part:
    """A piece of a streamed node's text: fixed ``text``; or a ``template`` rendered once the
    namespaces it ``reads`` exist; with ``source``, that node's deltas as they arrive."""

    text: str = ""
    template: Template | None = None
    reads: tuple[str, ...] = ()
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    node_id: str
    parts: tuple[Part, ...]


class StreamPlans:
    """Compiled once per graph: what each early-streaming node streams, and which nodes' being
    live makes it sure to run."""

    __slots__ = ("commits", "plans", "sources")

    def __init__(self, plans: tuple[Plan, ...], commits: dict[int, tuple[int, ...]]):
        self.plans = plans
        self.commits = commits  # slot index that turns live -> plans that are now sure to run
        self.sources = frozenset(p.source for plan in plans for p in plan.parts if p.source is not None)

    @classmethod
    def of(cls, slots: list[Slot]) -> StreamPlans | None:
        """The plans of a graph's slots (in topological order), or None when no node streams early."""
        by_id = {slot.id: slot for slot in slots}
        plans: list[Plan] = []
        commits: dict[int, list[int]] = {}
        for slot in slots:
            pieces = slot.node.stream_pieces()
            if pieces is None:
                continue
            parts: list[Part] = []
            for piece in pieces:
                if piece.template is None:
                    parts.append(Part(text=piece.text))
                    continue
                source = None
                lookup = piece.lookup
                if lookup is not None and len(lookup) == 2 and lookup[0] in by_id:
                    if by_id[lookup[0]].node.delta_output == lookup[1]:
                        source = lookup[0]
                reads = tuple(dict.fromkeys(namespace for namespace, _ in piece.template.references))
                parts.append(Part(template=piece.template, reads=reads, source=source))
            index = len(plans)
            plans.append(Plan(slot.id, tuple(parts)))
            for live in _sure_to_reach(slots, slot.index):
                commits.setdefault(live, []).append(index)
        if not plans:
            return None
        return cls(tuple(plans), {k: tuple(v) for k, v in commits.items()})

    def start(self, run_id: str, variables: Mapping[str, Any], emit: Callable[[Event], None]) -> EarlyStreams:
        return EarlyStreams(self, run_id, variables, emit)


def _sure_to_reach(slots: list[Slot], target: int) -> set[int]:
    """Slots that, once live, lead to ``target`` whatever happens (short of a failed run): the
    target, and every slot with an ``out`` edge to one of them that neither routes nor may leave
    through its ``fail`` handle."""
    sure = {target}
    for slot in reversed(slots[:target]):  # slots are in topological order
        if slot.node.source_handles() != (DEFAULT_HANDLE,) or slot.settings.error_strategy == "fail_branch":
            continue
        if any(t in sure for t in slot.routes[DEFAULT_HANDLE][0]):
            sure.add(slot.index)
    return sure


@dataclass(slots=True)
class _State:
    plan: Plan
    committed: bool = False
    over: bool = False  # the node ran (it streams the rest itself), or its stream cannot go on
    at: int = 0  # index of the next part
    waiting: str | None = None  # the source whose deltas the current part passes on
    taken: int = 0  # how many of them so far
    sent: list[str] = field(default_factory=list)


class EarlyStreams:
    """One run's early streams."""

    __slots__ = ("_by_node", "_deltas", "_emit", "_run_id", "_states", "_variables", "plans")

    def __init__(self, plans: StreamPlans, run_id: str, variables: Mapping[str, Any], emit: Callable[[Event], None]):
        self.plans = plans
        self._run_id = run_id
        self._variables = variables
        self._emit = emit
        self._states = [_State(plan) for plan in plans.plans]
        self._by_node = {state.plan.node_id: state for state in self._states}
        self._deltas: dict[str, list[str]] = {source: [] for source in plans.sources}  # this attempt's

    # --- what the run tells ------------------------------------------------------------------
    def emit(self, event: Event) -> None:
        """The emitter of the run's nodes (``run.emit_delta``): every event goes on; a source's
        deltas also go to the streams showing it."""
        self._emit(event)
        if type(event) is NodeDelta:
            deltas = self._deltas.get(event.node_id)
            if deltas is not None:
                deltas.append(event.text)
                for state in self._states:
                    if state.waiting == event.node_id:
                        state.taken += 1
                        self._send(state, event.text)

    def live(self, targets: tuple[int, ...]) -> None:
        """``targets`` got a live edge (for the start node: the run began)."""
        commits = self.plans.commits
        for target in targets:
            for index in commits.get(target, ()):
                state = self._states[index]
                if not state.committed:
                    state.committed = True
                    self._advance(state)

    def completed(self, node_id: str, targets: tuple[int, ...]) -> None:
        """``node_id`` finished (its outputs are in the variables) and made ``targets`` live."""
        for state in self._states:
            if state.waiting == node_id:
                state.waiting = None
        if targets:
            self.live(targets)
        for state in self._states:
            if state.committed:
                self._advance(state)

    def claim(self, node_id: str) -> str:
        """End ``node_id``'s early stream (the node runs now); the text it streamed."""
        state = self._by_node.get(node_id)
        if state is None:
            return ""
        state.over = True
        state.waiting = None
        return "".join(state.sent)

    # --- streaming ---------------------------------------------------------------------------
    def _advance(self, state: _State) -> None:
        """Stream the parts that are known now, up to the first that is not."""
        if state.over or state.waiting is not None:
            return
        parts = state.plan.parts
        variables = self._variables
        while state.at < len(parts):
            part = parts[state.at]
            if part.template is None:
                self._send(state, part.text)
            elif part.source is not None and part.source not in variables:  # it is still to stream
                deltas = self._deltas[part.source]
                state.waiting, state.taken = part.source, len(deltas)
                for text in deltas:
                    self._send(state, text)
                return
            elif all(name in variables for name in part.reads):
                try:
                    text = part.template.render(variables)
                except TemplateError:
                    state.over = True  # the node's own render reports it
                    return
                if part.source is not None:  # what its final text adds to the deltas passed on
                    streamed = "".join(self._deltas[part.source][: state.taken])
                    if not text.startswith(streamed):
                        self._diverged(state, part.source)
                        return
                    text = text[len(streamed) :]
                self._send(state, text)
            else:
                return
            state.at += 1
            state.taken = 0

    def _send(self, state: _State, text: str) -> None:
        if len(text) <= CHUNK:  # a token, mostly
            if text:
                state.sent.append(text)
                self._emit(NodeDelta(self._run_id, time.time(), state.plan.node_id, text))
            return
        for i in range(0, len(text), CHUNK):
            self._send(state, text[i : i + CHUNK])

    def retried(self, node_id: str) -> None:
        """Another attempt of ``node_id`` begins: the deltas of the last one are void."""
        deltas = self._deltas.get(node_id)
        if not deltas:
            return
        for state in self._states:
            if state.waiting == node_id and state.taken:
                self._diverged(state, node_id)
        deltas.clear()

    def _diverged(self, state: _State, source: str) -> None:
        log.warning("%s: the text %s streamed is not how its final text begins; %s streams no further "
                    "before it runs", state.plan.node_id, source, state.plan.node_id)
        state.over = True
        state.waiting = None
