"""Reads of experiments, always within one workspace: the experiment, its variants, its results
grid (one row per dataset row, one cell per variant, with the labels people gave)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from builder.core.errors import NotFound
from builder.experiments.errors import CellNotFound
from builder.experiments.models import Cell, CellLabel, Experiment, Variant


def experiments_list(*, workspace, dataset_id: int | None = None) -> QuerySet[Experiment]:
    experiments = Experiment.objects.filter(workspace=workspace).select_related("dataset_version__dataset", "job")
    if dataset_id is not None:
        experiments = experiments.filter(dataset_version__dataset_id=dataset_id)
    return experiments


def experiment_get(*, workspace, experiment_id: int) -> Experiment:
    experiment = experiments_list(workspace=workspace).filter(pk=experiment_id).first()
    if experiment is None:
        raise NotFound("There is no such experiment in this workspace.")
    return experiment


def variants_of(*, experiment: Experiment) -> QuerySet[Variant]:
    return experiment.variants.select_related("prompt_version__prompt", "app_version__app")


def variant_get(*, experiment: Experiment, variant_id: int) -> Variant:
    variant = variants_of(experiment=experiment).filter(pk=variant_id).first()
    if variant is None:
        raise NotFound("The experiment has no such variant.", code="variant_not_found")
    return variant


def cells_of(*, experiment: Experiment) -> QuerySet[Cell]:
    return experiment.cells.select_related("row").prefetch_related(
        Prefetch("labels", queryset=CellLabel.objects.select_related("user").order_by("created_at"))
    ).order_by("row__position", "variant__position")


def cell_get(*, experiment: Experiment, cell_id: int) -> Cell:
    cell = experiment.cells.filter(pk=cell_id).first()
    if cell is None:
        raise CellNotFound("The experiment has no such cell.")
    return cell
