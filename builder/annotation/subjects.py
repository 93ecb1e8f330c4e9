"""What a reviewer sees of an item's subject: a whole run, one node of a run, or an experiment
cell — its input, its output as text, the expected output where there is one, and the trace."""

from __future__ import annotations

import json
from typing import Any

from builder.annotation.models import ItemKind, QueueItem
from builder.runs.models import NodeTrace
from runtime.engine.compiled import answer_of

PREVIEW_CHARS = 200


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=2)


def _node_trace(item: QueueItem) -> NodeTrace | None:
    traces = getattr(item.run, "prefetched_traces", None)
    if traces is not None:
        return next((t for t in traces if t.node_id == item.node_id), None)
    return item.run.traces.filter(node_id=item.node_id).first()


def subject_input(item: QueueItem) -> dict[str, Any]:
    if item.kind == ItemKind.NODE:
        trace = _node_trace(item)
        return dict(trace.inputs or {}) if trace else {}
    return dict(item.run.inputs or {})


def subject_output(item: QueueItem) -> str:
    """The text under review: a cell's or run's answer, a node's answer (its text output when it
    has one, else its outputs as JSON)."""
    if item.kind == ItemKind.CELL and item.cell is not None and item.cell.output is not None:
        return item.cell.output
    if item.kind == ItemKind.NODE:
        trace = _node_trace(item)
        if trace is None:
            return ""
        answer = answer_of(trace.outputs or {})
        return answer if answer is not None else _text(trace.outputs)
    answer = item.run.answer
    return answer if answer is not None else _text(item.run.outputs)


def subject_expected(item: QueueItem) -> str | None:
    if item.kind == ItemKind.CELL and item.cell is not None:
        return item.cell.row.expected
    return None


def subject_prompt(item: QueueItem) -> list[dict[str, str]] | None:
    """The messages the model was given for a run's answer: those of the model call whose text is
    the answer, else of the run's last model call (None: no model call, or the item is a node —
    whose input already holds its messages — or a cell). What fine-tuning trains on, so a tuned
    model learns the prompt the app will give it: its system message included."""
    if item.kind != ItemKind.RUN:
        return None
    traces = getattr(item.run, "prefetched_traces", None)
    if traces is None:
        traces = list(item.run.traces.order_by("sequence"))
    calls = [t for t in traces if isinstance((t.inputs or {}).get("messages"), list)]
    if not calls:
        return None
    answer = item.run.answer
    said = [t for t in calls if answer is not None and answer_of(t.outputs or {}) == answer]
    messages = (said or calls)[-1].inputs["messages"]
    return [{"role": str(m.get("role", "user")), "content": str(m.get("content", ""))}
            for m in messages if isinstance(m, dict)]


def subject_summary(item: QueueItem) -> dict[str, Any]:
    run = item.run
    return {
        "run_id": str(run.pk), "node_id": item.node_id, "cell_id": item.cell_id,
        "experiment_id": item.cell.experiment_id if item.cell_id and item.cell else None,
        "app_id": run.app_id, "app_name": run.app.name if run.app_id and run.app else "",
        "version_number": run.version.number if run.version_id and run.version else None,
        "source": run.source, "status": run.status, "created_at": run.created_at,
    }


def subject_trace(item: QueueItem) -> list[dict[str, Any]]:
    traces = getattr(item.run, "prefetched_traces", None)
    if traces is None:
        traces = list(item.run.traces.order_by("sequence"))
    return [
        {"node_id": t.node_id, "node_type": t.node_type, "status": t.status, "latency_ms": t.latency_ms,
         "inputs": t.inputs, "outputs": t.outputs, "error_message": t.error_message,
         "reviewed": bool(item.node_id) and t.node_id == item.node_id}
        for t in traces
    ]


def preview(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"
