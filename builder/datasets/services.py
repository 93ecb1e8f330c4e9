"""Writes of datasets: create, rename, delete, and new versions of rows — given, appended, read
from a file, generated from a parameter grid, or taken from traced runs."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from builder.core.errors import InvalidInput
from builder.datasets.errors import DatasetEmpty, DatasetInUse, DatasetNameTaken, TooManyRows
from builder.datasets.models import Dataset, DatasetRow, DatasetVersion
from builder.datasets.selectors import latest_version, row_values
from builder.runs.models import Run
from runtime.evaluation.rows import MAX_ROWS, Row

#: How a new version relates to the latest: its rows only, or the latest's rows and then these.
MODES = ("replace", "append")


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("A dataset's name is 1–100 characters.", code="dataset_name_invalid",
                           details={"field": "name"})
    return name


@transaction.atomic
def dataset_create(*, workspace, user, name: str, description: str = "", rows: list[Row] | None = None,
                   note: str = "") -> Dataset:
    """A new dataset; with ``rows``, its version 1."""
    try:
        with transaction.atomic():
            dataset = Dataset.objects.create(workspace=workspace, name=_clean_name(name),
                                             description=description.strip(), created_by=user)
    except IntegrityError:
        raise DatasetNameTaken(f"A dataset named {name.strip()!r} exists already.", details={"field": "name"}) from None
    if rows:
        version_create(dataset=dataset, user=user, rows=rows, note=note or "Created")
    return dataset


def dataset_update(*, dataset: Dataset, name: str | None = None, description: str | None = None) -> Dataset:
    if name is not None:
        dataset.name = _clean_name(name)
    if description is not None:
        dataset.description = description.strip()
    try:
        with transaction.atomic():
            dataset.save()
    except IntegrityError:
        raise DatasetNameTaken(f"A dataset named {dataset.name!r} exists already.", details={"field": "name"}) from None
    return dataset


def dataset_delete(*, dataset: Dataset) -> None:
    """Delete a dataset with all its versions; 409 ``dataset_in_use`` while an experiment uses one."""
    try:
        dataset.delete()
    except ProtectedError:
        raise DatasetInUse("Experiments ran on this dataset: delete them first.") from None


@transaction.atomic
def version_create(*, dataset: Dataset, user, rows: list[Row], mode: str = "replace", note: str = "") -> DatasetVersion:
    """The dataset's next version: ``rows`` (``replace``), or the latest version's rows followed by
    ``rows`` (``append``). Versions never change; an experiment keeps the one it ran on."""
    if mode not in MODES:
        raise InvalidInput(f"mode is one of {', '.join(MODES)}.", code="mode_invalid", details={"field": "mode"})
    locked = Dataset.objects.select_for_update().get(pk=dataset.pk)  # one new version at a time
    latest = latest_version(dataset=locked)
    all_rows = (row_values(version=latest) if latest and mode == "append" else []) + list(rows)
    if not all_rows:
        raise DatasetEmpty("A version needs at least one row.")
    if len(all_rows) > MAX_ROWS:
        raise TooManyRows(f"A dataset version holds at most {MAX_ROWS:,} rows.")
    columns: dict[str, None] = {}
    tags: set[str] = set()
    for row in all_rows:
        columns.update(dict.fromkeys(row.inputs))
        tags.update(row.tags)
    version = DatasetVersion.objects.create(
        dataset=locked, number=(latest.number if latest else 0) + 1, note=note.strip()[:500],
        row_count=len(all_rows), columns=list(columns), tags=sorted(tags), created_by=user,
    )
    DatasetRow.objects.bulk_create(
        [DatasetRow(version=version, position=i, inputs=r.inputs, expected=r.expected, tags=r.tags,
                    metadata=r.metadata, source_run_id=r.source_run_id) for i, r in enumerate(all_rows)],
        batch_size=2_000,
    )
    Dataset.objects.filter(pk=dataset.pk).update(updated_at=version.created_at)
    return version


def rows_from_runs(runs: list[Run]) -> list[Row]:
    """One row per traced run: its inputs, and its answer as the expected output."""
    return [
        Row(inputs=dict(run.inputs or {}) or {"input": ""}, expected=run.answer,
            metadata={"run_id": str(run.pk), "app_id": run.app_id, "version_id": run.version_id},
            source_run_id=run.pk)
        for run in runs
    ]

