"""The answer a prompt engineer wants from an experiment: the share of good results per variant
(with n and a 95 % Wilson interval), and per task (dataset tag) where one variant beats another,
by how much and whether that is significant — next to cost and latency.

A cell counts as good or bad by its human labels where it has any (more good labels than bad:
good; more bad: bad; as many of each: *disputed*, left out of n and shown), else by the
experiment's primary evaluator; a cell whose run failed counts as bad. Two variants are compared
on the same rows with an exact McNemar test (:func:`runtime.evaluation.stats.paired_test`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from builder.experiments.models import Cell, CellStatus, Experiment, Variant
from runtime.evaluation.stats import paired_test, percentile, wilson_interval

UNTAGGED = "(untagged)"
SIGNIFICANCE = 0.05


@dataclass(slots=True)
class Tally:
    good: int = 0
    n: int = 0
    disputed: int = 0

    def add(self, judgement: bool | None, disputed: bool) -> None:
        if disputed:
            self.disputed += 1
        elif judgement is not None:
            self.n += 1
            self.good += int(judgement)

    def to_dict(self) -> dict[str, Any]:
        low, high = wilson_interval(self.good, self.n)
        return {"n": self.n, "good": self.good, "ratio": self.good / self.n if self.n else None,
                "ci_low": low, "ci_high": high, "disputed": self.disputed}


@dataclass(slots=True)
class VariantFigures:
    tally: Tally = field(default_factory=Tally)
    by_humans: int = 0
    by_evaluator: int = 0
    failed: int = 0
    done: int = 0
    cost: float = 0.0
    tokens_in: int = 0
    tokens_out: int = 0
    latencies: list[float] = field(default_factory=list)


def judgement_of(cell: Cell) -> tuple[bool | None, bool, str]:
    """(good?, disputed?, by whom: ``human``, ``evaluator``, ``failure`` or ``none``)."""
    labels = list(cell.labels.all())
    if labels:
        good = sum(1 for label in labels if label.good)
        bad = len(labels) - good
        return (good > bad if good != bad else None), good == bad, "human"
    if cell.status == CellStatus.FAILED:
        return False, False, "failure"
    if cell.passed is not None:
        return cell.passed, False, "evaluator"
    return None, False, "none"


def experiment_results(*, experiment: Experiment, variants: list[Variant], cells: list[Cell]) -> dict[str, Any]:
    figures = {v.pk: VariantFigures() for v in variants}
    per_task: dict[str, dict[int, Tally]] = defaultdict(lambda: {v.pk: Tally() for v in variants})
    per_row: dict[int, dict[int, bool | None]] = defaultdict(dict)
    row_tasks: dict[int, list[str]] = {}
    for cell in cells:
        good, disputed, by = judgement_of(cell)
        f = figures[cell.variant_id]
        f.tally.add(good, disputed)
        f.by_humans += by == "human"
        f.by_evaluator += by == "evaluator"
        if cell.status in (CellStatus.DONE, CellStatus.FAILED):
            f.done += 1
            f.failed += cell.status == CellStatus.FAILED
            f.cost += cell.cost
            f.tokens_in += cell.tokens_in
            f.tokens_out += cell.tokens_out
            if cell.latency_ms is not None:
                f.latencies.append(cell.latency_ms)
        tasks = list(cell.row.tags) or [UNTAGGED]
        row_tasks[cell.row_id] = tasks
        for task in tasks:
            per_task[task][cell.variant_id].add(good, disputed)
        per_row[cell.row_id][cell.variant_id] = None if disputed else good

    summary = [_variant_summary(v, figures[v.pk]) for v in variants]
    matrix = []
    for task in sorted(per_task, key=lambda t: (t == UNTAGGED, t)):
        rows = [r for r, tasks in row_tasks.items() if task in tasks]
        tallies = {vid: t.to_dict() for vid, t in per_task[task].items()}
        matrix.append({"task": task, "rows": len(rows), "variants": tallies,
                       **_comparison(variants, tallies, per_row, rows)})
    overall = _comparison(variants, {s["id"]: s for s in summary}, per_row, list(row_tasks))
    return {"experiment_id": experiment.pk, "variants": summary, "tasks": matrix, **overall}


def _variant_summary(variant: Variant, f: VariantFigures) -> dict[str, Any]:
    return {
        "id": variant.pk, "name": variant.name, **f.tally.to_dict(),
        "judged_by_humans": f.by_humans, "judged_by_evaluator": f.by_evaluator, "cells_done": f.done,
        "cells_failed": f.failed, "cost": round(f.cost, 8), "cost_per_cell": f.cost / f.done if f.done else None,
        "tokens_in": f.tokens_in, "tokens_out": f.tokens_out, "latency_p50_ms": percentile(f.latencies, 50),
    }


def _comparison(variants: list[Variant], tallies: dict[int, dict[str, Any]],
                per_row: dict[int, dict[int, bool | None]], rows: list[int]) -> dict[str, Any]:
    """The best variant on these rows, and how each other one compares with it (paired)."""
    ranked = sorted((v for v in variants if tallies[v.pk]["n"]), key=lambda v: -(tallies[v.pk]["ratio"] or 0.0))
    if not ranked:
        return {"best_variant_id": None, "comparisons": []}
    best = ranked[0]
    comparisons = []
    for other in ranked[1:]:
        pairs = [(per_row[r][best.pk], per_row[r][other.pk]) for r in rows
                 if per_row[r].get(best.pk) is not None and per_row[r].get(other.pk) is not None]
        diff, p_value = paired_test([(bool(a), bool(b)) for a, b in pairs])
        comparisons.append({"better_id": best.pk, "other_id": other.pk, "pairs": len(pairs), "difference": diff,
                            "p_value": p_value, "significant": bool(pairs) and p_value < SIGNIFICANCE})
    return {"best_variant_id": best.pk, "comparisons": comparisons}
