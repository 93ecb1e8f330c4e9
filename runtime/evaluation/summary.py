"""The answer a prompt engineer wants from judged cells: per variant the share of good results
(n, 95 % Wilson interval), cost, tokens and p50 latency; per task (a row's tag) the share per
variant and the best one; overall the best variant and how each other one compares with it on
the same rows (exact McNemar). One summary for the platform's experiments and ``llmops eval``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from runtime.evaluation.stats import paired_test, percentile, wilson_interval

UNTAGGED = "(untagged)"
SIGNIFICANCE = 0.05


@dataclass(frozen=True, slots=True)
class JudgedCell:
    """One (row, variant) cell as judged: ``good`` None when nobody and nothing judged it (or the
    people who did disagree evenly: ``disputed``); ``by`` says who judged."""

    row: Hashable
    variant: int
    tags: Sequence[str] = ()
    good: bool | None = None
    disputed: bool = False
    by: str = "none"
    finished: bool = True
    failed: bool = False
    cost: float = 0.0
    tokens_in: int = 0
    tokens_out: int = 0
    latency_ms: float | None = None


@dataclass(slots=True)
class _Tally:
    good: int = 0
    n: int = 0
    disputed: int = 0

    def add(self, cell: JudgedCell) -> None:
        if cell.disputed:
            self.disputed += 1
        elif cell.good is not None:
            self.n += 1
            self.good += int(cell.good)

    def to_dict(self) -> dict[str, Any]:
        low, high = wilson_interval(self.good, self.n)
        return {"n": self.n, "good": self.good, "ratio": self.good / self.n if self.n else None,
                "ci_low": low, "ci_high": high, "disputed": self.disputed}


@dataclass(slots=True)
class _Figures:
    tally: _Tally = field(default_factory=_Tally)
    by_humans: int = 0
    by_evaluator: int = 0
    done: int = 0
    failed: int = 0
    cost: float = 0.0
    tokens_in: int = 0
    tokens_out: int = 0
    latencies: list[float] = field(default_factory=list)


def experiment_summary(variants: Sequence[tuple[int, str]], cells: Sequence[JudgedCell]) -> dict[str, Any]:
    """The summary of ``cells`` for ``variants`` (id, name), in their order."""
    ids = [vid for vid, _ in variants]
    figures = {vid: _Figures() for vid in ids}
    per_task: dict[str, dict[int, _Tally]] = defaultdict(lambda: {vid: _Tally() for vid in ids})
    per_row: dict[Hashable, dict[int, bool | None]] = defaultdict(dict)
    row_tasks: dict[Hashable, Sequence[str]] = {}
    for cell in cells:
        f = figures[cell.variant]
        f.tally.add(cell)
        f.by_humans += cell.by == "human"
        f.by_evaluator += cell.by == "evaluator"
        if cell.finished:
            f.done += 1
            f.failed += cell.failed
            f.cost += cell.cost
            f.tokens_in += cell.tokens_in
            f.tokens_out += cell.tokens_out
            if cell.latency_ms is not None:
                f.latencies.append(cell.latency_ms)
        tasks = list(cell.tags) or [UNTAGGED]
        row_tasks[cell.row] = tasks
        for task in tasks:
            per_task[task][cell.variant].add(cell)
        per_row[cell.row][cell.variant] = None if cell.disputed else cell.good

    summary = [_variant_summary(vid, name, figures[vid]) for vid, name in variants]
    matrix = []
    for task in sorted(per_task, key=lambda t: (t == UNTAGGED, t)):
        rows = [r for r, tasks in row_tasks.items() if task in tasks]
        tallies = {str(vid): t.to_dict() for vid, t in per_task[task].items()}
        matrix.append({"task": task, "rows": len(rows), "variants": tallies,
                       **_comparison(ids, tallies, per_row, rows)})
    overall = _comparison(ids, {str(s["id"]): s for s in summary}, per_row, list(row_tasks))
    for variant in summary:
        variant["standing"] = standing(variant, summary, overall)
    return {"variants": summary, "tasks": matrix, **overall}


def _percent(ratio: float | None) -> str:
    return "–" if ratio is None else f"{round(ratio * 100)} %"


def standing(variant: dict[str, Any], variants: Sequence[dict[str, Any]], overall: dict[str, Any]) -> dict[str, Any]:
    """Where a variant stands, in one sentence, before it is promoted: ``warn`` when the results do
    not back promoting it — nothing judged, a tie, another variant ahead, or a lead within chance."""
    by_id = {v["id"]: v for v in variants}
    best = overall["best_variant_id"]
    if not variant["n"] or best is None:
        return {"warn": True, "text": "Nothing is judged for this variant yet: the experiment does not back "
                                      "promoting it."}
    ratio = variant["ratio"]
    if overall["tied"] and ratio == by_id[best]["ratio"]:
        others = [v["name"] for v in variants if v["id"] != variant["id"] and v["n"] and v["ratio"] == ratio]
        return {"warn": True, "text": f"A tie: {', '.join(others)} did as well ({_percent(ratio)} good). "
                                      "The experiment shows no winner."}
    if best != variant["id"]:
        return {"warn": True, "text": f"{by_id[best]['name']} did better: {_percent(by_id[best]['ratio'])} good "
                                      f"against {_percent(ratio)}."}
    close = [c for c in overall["comparisons"] if not c["significant"]]
    if close:
        other = by_id[close[0]["other_id"]]
        return {"warn": True, "text": f"Best at {_percent(ratio)} good, but not clearly ahead of {other['name']} "
                                      f"({_percent(other['ratio'])}; p = {close[0]['p_value']:.2f} on "
                                      f"{close[0]['pairs']} paired rows)."}
    return {"warn": False, "text": f"Best at {_percent(ratio)} good (n = {variant['n']}), ahead of every other "
                                   "variant beyond chance."}


def _variant_summary(vid: int, name: str, f: _Figures) -> dict[str, Any]:
    return {
        "id": vid, "name": name, **f.tally.to_dict(),
        "judged_by_humans": f.by_humans, "judged_by_evaluator": f.by_evaluator, "cells_done": f.done,
        "cells_failed": f.failed, "cost": round(f.cost, 8), "cost_per_cell": f.cost / f.done if f.done else None,
        "tokens_in": f.tokens_in, "tokens_out": f.tokens_out, "latency_p50_ms": percentile(f.latencies, 50),
    }


def _comparison(ids: list[int], tallies: dict[str, dict[str, Any]], per_row: dict[Hashable, dict[int, bool | None]],
                rows: list[Hashable]) -> dict[str, Any]:
    """The best variant on these rows (``tied``: another has the same ratio), and how each other
    one compares with it (paired)."""
    judged = [vid for vid in ids if tallies[str(vid)]["n"]]
    ranked = sorted(judged, key=lambda vid: -(tallies[str(vid)]["ratio"] or 0.0))
    if not ranked:
        return {"best_variant_id": None, "tied": False, "comparisons": []}
    best = ranked[0]
    tied = len(ranked) > 1 and tallies[str(ranked[1])]["ratio"] == tallies[str(best)]["ratio"]
    comparisons = []
    for other in ranked[1:]:
        pairs = [(bool(per_row[r][best]), bool(per_row[r][other])) for r in rows
                 if per_row[r].get(best) is not None and per_row[r].get(other) is not None]
        difference, p_value = paired_test(pairs)
        comparisons.append({"better_id": best, "other_id": other, "pairs": len(pairs), "difference": difference,
                            "p_value": p_value, "significant": bool(pairs) and p_value < SIGNIFICANCE})
    return {"best_variant_id": best, "tied": tied, "comparisons": comparisons}
