"""Reads of datasets, always within one workspace."""

from __future__ import annotations

from django.db.models import Count, Max, QuerySet

from builder.core.errors import NotFound
from builder.datasets.errors import DatasetVersionNotFound
from builder.datasets.models import Dataset, DatasetRow, DatasetVersion
from runtime.evaluation.rows import Row


def datasets_list(*, workspace, query: str = "") -> QuerySet[Dataset]:
    datasets = Dataset.objects.filter(workspace=workspace).annotate(
        version_count=Count("versions", distinct=True), latest_number=Max("versions__number"),
    )
    if query:
        datasets = datasets.filter(name__icontains=query)
    return datasets


def dataset_get(*, workspace, dataset_id: int) -> Dataset:
    dataset = datasets_list(workspace=workspace).filter(pk=dataset_id).first()
    if dataset is None:
        raise NotFound("There is no such dataset in this workspace.")
    return dataset


def versions_of(*, dataset: Dataset) -> QuerySet[DatasetVersion]:
    return dataset.versions.select_related("created_by")


def version_get(*, dataset: Dataset, number: int | None = None) -> DatasetVersion:
    """Version ``number``, or the latest one."""
    versions = versions_of(dataset=dataset)
    version = versions.filter(number=number).first() if number is not None else versions.order_by("-number").first()
    if version is None:
        raise DatasetVersionNotFound(
            f"{dataset.name} has no version {number}." if number is not None else f"{dataset.name} has no rows yet."
        )
    return version


def latest_version(*, dataset: Dataset) -> DatasetVersion | None:
    return dataset.versions.order_by("-number").first()


def rows_of(*, version: DatasetVersion, tag: str = "") -> QuerySet[DatasetRow]:
    rows = version.rows.all()
    if tag:
        rows = rows.filter(tags__contains=[tag])
    return rows


def row_values(*, version: DatasetVersion) -> list[Row]:
    """The version's rows as values (what a new version copies, what an export writes)."""
    return [
        Row(inputs=r.inputs, expected=r.expected, tags=list(r.tags), metadata=r.metadata, source_run_id=r.source_run_id)
        for r in version.rows.order_by("position")
    ]
