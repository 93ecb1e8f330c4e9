"""Serving replies: a published app's question is first matched against its approved replies;
a match is answered with the stored answer instead of running the app's graph.

:class:`ReplyFirst` stands in front of the app's compiled graph and is run by the one execution
entry (:func:`builder.execution.run.execute`) exactly as the graph would be — same hooks, same
recorder, same cancellation and crash handling. A served reply is a run of one node, of type
``annotation_reply``: its trace carries the reply's id, the similarity and the question it was
written for. The caller (the public gateway) supplies the lookup, so that it can cache the app's
switch and keep database work off its event loop."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from builder.replies.selectors import reply_nearest
from builder.replies.services import reply_hit
from builder.replies.vectors import question_vector
from runtime import CompiledGraph, ExecutionContext, RunResult
from runtime.events import (
    Event,
    NodeDelta,
    NodeFinished,
    NodeInputs,
    NodeStarted,
    RunFinished,
    RunHook,
    RunStarted,
    RunTotals,
)

logger = logging.getLogger(__name__)

#: The id and type of the one node a served reply's run has (what its trace shows).
REPLY_NODE = "annotation_reply"


@dataclass(frozen=True, slots=True)
class ServedReply:
    reply_id: int
    question: str  # the reviewed question it was written for
    answer: str
    similarity: float


def reply_serve(*, app_id: int, question: str, threshold: float) -> ServedReply | None:
    """The reply to serve for ``question`` (its hit counted), or None. Blocks: embeds and reads."""
    question = question.strip()
    if not question:
        return None
    found = reply_nearest(app_id=app_id, vector=question_vector(question), threshold=threshold)
    if found is None:
        return None
    reply, similarity = found
    reply_hit(reply_id=reply.pk)
    return ServedReply(reply.pk, reply.question, reply.answer, round(similarity, 4))


Lookup = Callable[[str], Awaitable[ServedReply | None]]


class ReplyFirst:
    """``graph`` with the app's replies in front. ``question_input``: the app input that holds the
    user's question (for chat calls, the last user message); ``answer_node``: the node whose text
    streams as the answer (a served reply streams its answer as that node's text, so callers
    that read ``delta`` events get it in the same shape)."""

    def __init__(self, graph: CompiledGraph, *, question_input: str | None, answer_node: str | None,
                 lookup: Lookup) -> None:
        self.graph = graph
        self.name = graph.name
        self.question_input = question_input
        self.answer_node = answer_node
        self.lookup = lookup

    async def run(self, inputs: Mapping[str, Any] | None = None, *, context: ExecutionContext | None = None,
                  hooks: Iterable[RunHook] = (), run_id: str | None = None, **options: Any) -> RunResult:
        hooks = list(hooks)
        started, clock = time.time(), time.perf_counter()
        question = (inputs or {}).get(self.question_input) if self.question_input else None
        served = None
        if isinstance(question, str) and question.strip():
            try:
                served = await self.lookup(question)
            except Exception:  # noqa: BLE001 - no reply is served then; the app answers as always
                logger.warning("annotation replies could not be matched; the app runs", exc_info=True)
        if served is None:
            return await self.graph.run(inputs, context=context, hooks=hooks, run_id=run_id, **options)
        assert run_id is not None and isinstance(question, str)
        return self._answer(served, question, dict(inputs or {}), hooks, run_id, started, clock)

    def _answer(self, served: ServedReply, question: str, inputs: dict[str, Any], hooks: list[RunHook],
                run_id: str, started: float, clock: float) -> RunResult:
        """The run of a served reply, told to ``hooks`` as its events."""
        latency_ms = (time.perf_counter() - clock) * 1000
        outputs = {"answer": served.answer}
        totals = RunTotals(latency_ms=latency_ms, steps=1)
        trace = {"reply_id": served.reply_id, "similarity": served.similarity, "question": served.question,
                 "answer": served.answer}
        now = time.time()
        events: list[Event] = [
            RunStarted(run_id, started, inputs, self.name),
            NodeStarted(run_id, started, REPLY_NODE, REPLY_NODE),
            NodeInputs(run_id, started, REPLY_NODE, {"question": question}),
            NodeFinished(run_id, now, REPLY_NODE, REPLY_NODE, trace, None, latency_ms),
        ]
        if self.answer_node:
            events.append(NodeDelta(run_id, now, self.answer_node, served.answer))
        events.append(RunFinished(run_id, now, outputs, totals))
        for event in events:
            for hook in hooks:
                try:
                    hook.on_event(event)
                except Exception:  # noqa: BLE001 - as in the engine: a hook never fails a run
                    logger.warning("a run hook failed on %s", event.type, exc_info=True)
        return RunResult(run_id, "succeeded", outputs, None, totals)
