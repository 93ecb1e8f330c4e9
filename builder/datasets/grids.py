"""Parameter grids as rows: the runtime's grid generator (:mod:`runtime.evaluation.grid`) behind the
API's checked input, its refusals as 400 ``grid_invalid``."""

from __future__ import annotations

from typing import Any

from builder.datasets.errors import GridInvalid, reading_rows
from runtime.evaluation.grid import GridError, GridSpec, GridVariable, grid_count, grid_rows
from runtime.evaluation.rows import Row, rows_checked


def _spec(grid: dict[str, Any]) -> GridSpec:
    try:
        return GridSpec(
            variables=[GridVariable(name=v["name"], values=list(v["values"])) for v in grid["variables"]],
            mode=grid.get("mode", "product"), sample_size=grid.get("sample_size"), seed=grid.get("seed", 0),
            derived=dict(grid.get("derived") or {}), task_variable=grid.get("task_variable") or None,
        )
    except (GridError, ValueError) as exc:
        raise GridInvalid(str(exc)) from None


def grid_preview(grid: dict[str, Any], *, limit: int) -> tuple[int, list[Row]]:
    """How many rows ``grid`` makes, and the first ``limit`` of them."""
    spec = _spec(grid)
    try:
        return grid_count(spec), _rows(spec, limit)
    except (GridError, ValueError) as exc:
        raise GridInvalid(str(exc)) from None


def grid_rows_all(grid: dict[str, Any]) -> list[Row]:
    try:
        return _rows(_spec(grid), None)
    except (GridError, ValueError) as exc:
        raise GridInvalid(str(exc)) from None


def _rows(spec: GridSpec, limit: int | None) -> list[Row]:
    with reading_rows():
        return rows_checked({"inputs": row.inputs, "tags": row.tags} for row in grid_rows(spec, limit=limit))
