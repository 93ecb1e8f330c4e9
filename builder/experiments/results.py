"""An experiment's summary (:mod:`runtime.evaluation.summary`) from its stored cells and labels.

A cell counts as good or bad by its human labels where it has any (more good labels than bad:
good; more bad: bad; as many of each: *disputed*, left out of n and shown), else by the
experiment's primary evaluator; a cell whose run failed counts as bad."""

from __future__ import annotations

from typing import Any

from builder.experiments.models import Cell, CellStatus, Experiment, Variant
from runtime.evaluation.summary import JudgedCell, experiment_summary


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
    judged = []
    for cell in cells:
        good, disputed, by = judgement_of(cell)
        judged.append(JudgedCell(
            row=cell.row_id, variant=cell.variant_id, tags=cell.row.tags, good=good, disputed=disputed, by=by,
            finished=cell.status in (CellStatus.DONE, CellStatus.FAILED), failed=cell.status == CellStatus.FAILED,
            cost=cell.cost, tokens_in=cell.tokens_in, tokens_out=cell.tokens_out, latency_ms=cell.latency_ms,
        ))
    return {"experiment_id": experiment.pk,
            **experiment_summary([(v.pk, v.name) for v in variants], judged)}


def row_disagrees(cells: list[Cell]) -> bool:
    """The variants of one dataset row disagree: judged differently, or a cell's labels are split."""
    judged = {judgement_of(c)[0] for c in cells} - {None}
    return len(judged) > 1 or any(judgement_of(c)[1] for c in cells)


def evaluators_disagree(cell: Cell) -> bool:
    """A cell's evaluators (or its human labels against them) reach different verdicts."""
    verdicts = {bool(v.get("passed")) for v in cell.verdicts or [] if isinstance(v, dict) and "passed" in v}
    verdicts |= {label.good for label in cell.labels.all()}
    return len(verdicts) > 1


def cell_disagreements(experiment: Experiment) -> list[int]:
    """The cells worth a human look: every cell of a row whose variants disagree, and each cell
    whose evaluators disagree."""
    rows: dict[int, list[Cell]] = {}
    for cell in experiment.cells.select_related("row").prefetch_related("labels"):
        rows.setdefault(cell.row_id, []).append(cell)
    chosen: list[int] = []
    for cells in rows.values():
        whole_row = row_disagrees(cells)
        chosen.extend(c.pk for c in cells if whole_row or evaluators_disagree(c))
    return chosen
