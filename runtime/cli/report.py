"""What ``llmops run`` shows: streamed text, the per-node trace table, outputs, JSON.

:class:`RunReport` is a run hook like the trace store: it reads the one event stream and keeps a
row per node. Text goes to stdout; the trace, progress and errors go to stderr, so
``llmops run app.yaml > answer.txt`` captures only the answer.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any, TextIO

from runtime.events import (
    Event,
    NodeDelta,
    NodeFailed,
    NodeFinished,
    NodeSkipped,
    NodeStarted,
    RunFailed,
    RunFinished,
)

#: Node types whose text is the app's answer: their deltas repeat text already streamed by the
#: model node they quote, so only what they add is shown.
ANSWER_TYPES = frozenset({"answer"})


@dataclass(slots=True)
class NodeRow:
    node: str
    type: str
    status: str = "running"
    latency_ms: float | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    cost: float | None = None
    attempts: int = 1
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "type": self.type,
            "status": self.status,
            "latency_ms": None if self.latency_ms is None else round(self.latency_ms, 3),
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "cost": self.cost,
            "attempts": self.attempts,
            "error": self.error,
        }


class RunReport:
    """Collects the trace of a run and prints as it goes (``stream``: text; ``json_lines``:
    every event as one JSON line)."""

    def __init__(
        self,
        *,
        stream: bool = False,
        json_lines: bool = False,
        keep_events: bool = False,
        out: TextIO | None = None,
    ):
        self.stream = stream
        self.json_lines = json_lines
        self.keep_events = keep_events
        self.out = out or sys.stdout
        self.rows: dict[str, NodeRow] = {}
        self.events: list[dict[str, Any]] = []
        self.streamed: dict[str, str] = {}  # node id -> text shown so far
        self._types: dict[str, str] = {}
        self._last_delta_node: str | None = None
        self._at_line_start = True

    # --- the hook ------------------------------------------------------------------------------
    def on_event(self, event: Event) -> None:
        if self.json_lines:
            self._write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
        elif self.keep_events:
            self.events.append(event.to_dict())
        if isinstance(event, NodeStarted):
            self._types[event.node_id] = event.node_type
            row = self.rows.get(event.node_id)
            if row is None:
                self.rows[event.node_id] = NodeRow(event.node_id, event.node_type)
            else:
                row.attempts = event.attempt
                row.status = "running"
        elif isinstance(event, NodeFinished):
            row = self.rows.setdefault(event.node_id, NodeRow(event.node_id, event.node_type))
            row.status = _finished_status(row, event)
            row.latency_ms = event.latency_ms
            row.tokens_in, row.tokens_out, row.cost = event.tokens_in, event.tokens_out, event.cost
            if self.stream and not self.json_lines and event.node_type in ANSWER_TYPES:
                self._show_answer(str(event.outputs.get("answer", "")))
        elif isinstance(event, NodeFailed):
            row = self.rows.setdefault(event.node_id, NodeRow(event.node_id, event.node_type))
            row.status = "retrying" if event.will_retry else _failed_status(event.strategy)
            row.latency_ms = event.latency_ms
            row.error = f"{event.code}: {event.message}"
        elif isinstance(event, NodeSkipped):
            self.rows[event.node_id] = NodeRow(event.node_id, event.node_type, status="skipped")
        elif isinstance(event, NodeDelta) and self.stream and not self.json_lines:
            # A node that has not started yet is an answer streaming early (runtime.engine.streaming).
            if self._types.get(event.node_id, "answer") not in ANSWER_TYPES:
                self._show_delta(event.node_id, event.text)
        elif isinstance(event, (RunFinished, RunFailed)) and self.stream and not self.json_lines:
            self.end_line()

    # --- streamed text -------------------------------------------------------------------------
    def _show_delta(self, node_id: str, text: str) -> None:
        if self._last_delta_node not in (None, node_id):
            self.end_line()
        self._last_delta_node = node_id
        self.streamed[node_id] = self.streamed.get(node_id, "") + text
        self._write(text)

    def _show_answer(self, answer: str) -> None:
        """Print what the answer adds to the text already streamed (often nothing, or sources)."""
        rest = unshown_part(answer, list(self.streamed.values()))
        if not rest.strip():
            return
        if not rest[:1].isspace():
            self.end_line()
        self._last_delta_node = None
        self._write(rest)

    def end_line(self) -> None:
        if not self._at_line_start:
            self._write("\n")

    def _write(self, text: str) -> None:
        if not text:
            return
        self.out.write(text)
        self.out.flush()
        self._at_line_start = text.endswith("\n")

    # --- after the run -------------------------------------------------------------------------
    def trace(self) -> list[dict[str, Any]]:
        return [row.to_dict() for row in self.rows.values()]


def _finished_status(row: NodeRow, event: NodeFinished) -> str:
    # After a fail-branch or default-value recovery the node still "finishes": keep it failed.
    return row.status if row.status.startswith("failed (") else "succeeded"


def unshown_part(answer: str, streamed: list[str]) -> str:
    """The part of ``answer`` not already on screen: nothing when it is the tail of a streamed
    text (a prompt's text, an agent's steps then answer), the suffix when it quotes one first."""
    core = answer.strip()
    for shown in sorted((s.strip() for s in streamed), key=len, reverse=True):
        if not shown:
            continue
        if shown.endswith(core):
            return ""
        if core.startswith(shown):
            return answer.lstrip()[len(shown) :]
    return answer


def _failed_status(strategy: str) -> str:
    return {"fail_branch": "failed (fail branch)", "default_value": "failed (default value)"}.get(strategy, "failed")


# --- text output -----------------------------------------------------------------------------
def format_trace(rows: list[dict[str, Any]]) -> str:
    """The per-node trace table."""
    header = ("node", "type", "status", "latency ms", "tokens in", "tokens out", "cost")
    body = [
        (
            r["node"],
            r["type"],
            r["status"] + (f" x{r['attempts']}" if r["attempts"] > 1 else ""),
            "-" if r["latency_ms"] is None else f"{r['latency_ms']:.1f}",
            str(r["tokens_in"]) if r["tokens_in"] else "-",
            str(r["tokens_out"]) if r["tokens_out"] else "-",
            format_cost(r["cost"]),
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(line[i]) for line in body)) if body else len(h) for i, h in enumerate(header)]
    right = {3, 4, 5, 6}

    def line(cells: tuple[str, ...]) -> str:
        parts = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return "  ".join(parts).rstrip()

    out = [line(header), line(tuple("-" * w for w in widths))]
    out += [line(cells) for cells in body]
    errors = [f"  {r['node']}: {r['error']}" for r in rows if r["error"]]
    if errors:
        out += ["", "node errors:", *errors]
    return "\n".join(out)


def format_cost(cost: float | None) -> str:
    if cost is None:
        return "-"
    return f"${cost:.6f}" if cost < 0.01 else f"${cost:.4f}"


def format_summary(result: Any, rows: list[dict[str, Any]]) -> str:
    totals = result.totals
    ran = sum(1 for r in rows if r["status"] != "skipped")
    skipped = len(rows) - ran
    parts = [
        f"run {result.status} in {totals.latency_ms / 1000:.2f} s",
        f"{ran} node(s) run" + (f", {skipped} skipped" if skipped else ""),
        f"tokens {totals.tokens_in} in / {totals.tokens_out} out",
        f"cost {format_cost(totals.cost)}",
    ]
    return " · ".join(parts)


def format_outputs(outputs: dict[str, Any], *, skip: frozenset[str] = frozenset()) -> str:
    """Run outputs for a terminal: a lone answer as plain text, the rest as ``name: value``."""
    shown = {k: v for k, v in outputs.items() if k not in skip}
    if not shown:
        return ""
    if len(shown) == 1 and isinstance(next(iter(shown.values())), str) and not skip:
        return str(next(iter(shown.values())))
    lines = []
    if isinstance(shown.get("answer"), str):
        lines.append(shown.pop("answer").rstrip())
        lines.append("")
    for name, value in shown.items():
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        if "\n" in text.strip():
            indented = "\n".join("  " + ln for ln in text.rstrip().splitlines())
            lines.append(f"{name}:\n{indented}")
        else:
            lines.append(f"{name}: {text.strip()}")
    return "\n".join(lines).strip("\n")
