"""Writes of experiments: create one (its variants and every cell, then a worker runs it), pause,
resume, cancel, label a cell, promote a variant's prompt version."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from builder.datasets.models import DatasetVersion
from builder.experiments.errors import (
    EvaluatorInvalid,
    ExperimentStateConflict,
    NotAPromptVariant,
    RowsInvalid,
    ShareNeedsAppVersion,
    VariantInvalid,
)
from builder.experiments.models import Cell, CellLabel, CellStatus, Experiment, ExperimentStatus, Variant
from builder.flows.errors import GraphMalformed
from builder.flows.graphs import graph_errors, graph_issues, parse_graph
from builder.flows.models import AppVersion
from builder.jobs.services import job_create
from builder.prompts.models import PromptVersion
from builder.prompts.selectors import prompt_resolve
from builder.prompts.services import label_set
from builder.publishing.errors import LabelNotFound
from builder.publishing.selectors import labels_of
from builder.publishing.services import label_move, label_split_set
from runtime.evaluation.evaluators import evaluator_from_config
from runtime.prompt_graph import prompt_graph

MAX_VARIANTS = 8
MAX_EVALUATORS = 10
JOB_KIND = "experiment.run"


def experiment_create(
    *, workspace, user, name: str, dataset_version: DatasetVersion, variants: list[dict[str, Any]],
    evaluators: list[dict[str, Any]] | None = None, primary_evaluator: str = "", concurrency: int = 4,
    description: str = "", row_ids: list[int] | None = None,
) -> Experiment:
    """Check every variant and evaluator, store the experiment with one pending cell per (variant,
    row), and queue it. A variant is ``{"prompt_version_id", "model"}`` (a library prompt version
    on a model configuration; ``model`` defaults to the version's own), an app version
    (``{"app_version_id"}``, or ``{"app_id", "app_version": number}``), or a prompt that is not in
    the library (``{"name", "messages", "variables", "model"}``: fine-tuning's base vs tuned).
    ``row_ids`` limits the experiment to those rows of the version (e.g. a held-out split)."""
    if not 1 <= len(variants) <= MAX_VARIANTS:
        raise VariantInvalid(f"An experiment compares 1 to {MAX_VARIANTS} variants.", details={"field": "variants"})
    checked = [_variant(workspace.pk, spec, i) for i, spec in enumerate(variants)]
    evaluators = _evaluators(workspace.pk, evaluators or [], primary_evaluator)
    with transaction.atomic():
        experiment = Experiment.objects.create(
            workspace=workspace, name=name.strip()[:200] or "Experiment", description=description,
            dataset_version=dataset_version, evaluators=evaluators,
            primary_evaluator=primary_evaluator or (evaluators[0]["name"] if evaluators else ""),
            concurrency=concurrency, created_by=user,
        )
        version_rows = dataset_version.rows.order_by("position")
        if row_ids is not None:
            version_rows = version_rows.filter(pk__in=row_ids)
        rows = list(version_rows.values_list("pk", flat=True))
        if row_ids is not None and len(rows) < len(set(row_ids)):
            raise RowsInvalid(f"{len(set(row_ids)) - len(rows)} of the row ids are not rows of dataset version "
                              f"{dataset_version.number}.", details={"field": "row_ids"})
        for position, variant in enumerate(checked):
            saved = Variant.objects.create(experiment=experiment, position=position, **variant)
            Cell.objects.bulk_create(
                [Cell(experiment=experiment, variant=saved, row_id=row) for row in rows], batch_size=2_000
            )
        experiment.cells_total = len(rows) * len(checked)
        _queue(experiment, user)
    return experiment


def _variant(workspace_id: int, spec: dict[str, Any], index: int) -> dict[str, Any]:
    def bad(message: str) -> VariantInvalid:
        return VariantInvalid(f"Variant {index + 1}: {message}", details={"variant": index})

    if spec.get("prompt_version_id"):
        version = PromptVersion.objects.select_related("prompt").filter(
            pk=spec["prompt_version_id"], prompt__workspace_id=workspace_id).first()
        if version is None:
            raise bad("there is no such prompt version in this workspace.")
        model = {**version.model, **(spec.get("model") or {})}
        ref = f"{version.prompt.name}@v{version.number}"
        graph = prompt_graph(ref=ref, version=version.number, messages=list(version.messages),
                             variables=list(version.variables), model=model)
        name = spec.get("name") or f"{ref} · {model.get('model', '?')}"
        kind: dict[str, Any] = {"prompt_version": version, "model": model, "provider": str(model.get("provider", ""))}
    elif spec.get("app_version_id") or spec.get("app_id"):
        versions = AppVersion.objects.select_related("app").filter(app__workspace_id=workspace_id)
        app_version = (versions.filter(pk=spec["app_version_id"]) if spec.get("app_version_id")
                       else versions.filter(app_id=spec["app_id"], number=spec.get("app_version"))).first()
        if app_version is None:
            raise bad("there is no such app version in this workspace.")
        graph, name = app_version.graph, spec.get("name") or f"{app_version.app.name} v{app_version.number}"
        kind = {"app_version": app_version, "provider": ""}
    elif spec.get("messages") and spec.get("model"):
        model = dict(spec["model"])
        name = spec.get("name") or str(model.get("model", "?"))
        graph = prompt_graph(ref="", version=None, messages=list(spec["messages"]),
                             variables=list(spec.get("variables") or []), model=model)
        kind = {"model": model, "provider": str(model.get("provider", ""))}
    else:
        raise bad("give a prompt_version_id (with a model), an app_version_id, or an app_id with its app_version.")
    try:
        errors = graph_errors(graph_issues(parse_graph(graph), workspace_id=workspace_id, resolve=False))
    except GraphMalformed as exc:
        raise bad(exc.message) from None
    if errors:
        raise bad(errors[0]["message"])
    return {"name": str(name)[:200], "graph": graph, **kind}


def _evaluators(workspace_id: int, configs: list[dict[str, Any]], primary: str) -> list[dict[str, Any]]:
    if len(configs) > MAX_EVALUATORS:
        raise EvaluatorInvalid(f"At most {MAX_EVALUATORS} evaluators.", details={"field": "evaluators"})
    named = []
    for index, config in enumerate(configs):
        if not isinstance(config, dict):
            raise EvaluatorInvalid(f"Evaluator {index + 1} is not an object.", details={"evaluator": index})
        name = str(config.get("name") or config.get("type") or f"evaluator-{index + 1}")[:100]
        settings = {k: v for k, v in config.items() if k != "name"}
        try:
            evaluator_from_config(settings)
        except ValueError as exc:
            raise EvaluatorInvalid(f"Evaluator {name!r}: {exc}", details={"evaluator": index}) from None
        if settings.get("prompt_ref"):
            prompt_resolve(workspace_id=workspace_id, ref=str(settings["prompt_ref"]))  # 404 when it names nothing
        named.append({"name": name, **settings})
    names = [c["name"] for c in named]
    if len(set(names)) != len(names):
        raise EvaluatorInvalid("Evaluator names must differ.", details={"names": names})
    if primary and primary not in names:
        raise EvaluatorInvalid(f"The primary evaluator {primary!r} is not one of {names}.",
                               details={"field": "primary_evaluator"})
    return named


def _queue(experiment: Experiment, user) -> None:
    job = job_create(workspace=experiment.workspace, kind=JOB_KIND, input={"experiment_id": experiment.pk},
                     created_by=user)
    experiment.job = job
    experiment.status = ExperimentStatus.QUEUED
    experiment.save(update_fields=["job", "status", "cells_total"])


@transaction.atomic
def experiment_pause(*, experiment: Experiment) -> Experiment:
    """Stop starting cells; the ones running finish. Resume picks up the rest."""
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if experiment.status not in (ExperimentStatus.QUEUED, ExperimentStatus.RUNNING):
        raise ExperimentStateConflict(f"The experiment is {experiment.status}: only a running one can pause.")
    experiment.status = ExperimentStatus.PAUSED
    experiment.save(update_fields=["status"])
    return experiment


@transaction.atomic
def experiment_resume(*, experiment: Experiment, user) -> Experiment:
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if experiment.status != ExperimentStatus.PAUSED:
        raise ExperimentStateConflict(f"The experiment is {experiment.status}: only a paused one can resume.")
    _queue(experiment, user)
    return experiment


@transaction.atomic
def experiment_cancel(*, experiment: Experiment) -> Experiment:
    """Stop for good: cells not started are skipped; the running ones finish."""
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if experiment.status in (ExperimentStatus.CANCELLED, ExperimentStatus.COMPLETED):
        raise ExperimentStateConflict(f"The experiment is {experiment.status} already.")
    experiment.status = ExperimentStatus.CANCELLED
    experiment.finished_at = timezone.now()
    experiment.save(update_fields=["status", "finished_at"])
    experiment.cells.filter(status=CellStatus.PENDING).update(status=CellStatus.SKIPPED)
    return experiment


def cell_label(*, cell: Cell, user, good: bool, score: int | None = None, comment: str = "") -> CellLabel:
    """The user's judgement of ``cell`` (one per person; labelling again replaces it)."""
    label, _ = CellLabel.objects.update_or_create(
        cell=cell, user=user, defaults={"good": good, "score": score, "comment": comment.strip()},
    )
    return label


def cell_unlabel(*, cell: Cell, user) -> None:
    CellLabel.objects.filter(cell=cell, user=user).delete()


@dataclass(frozen=True)
class Promotion:
    """What a promotion from the matrix moved: a prompt's label or an app's label (or its split)."""

    target: str  # "prompt" or "app"
    target_id: int
    label: str
    version: int  # the version the label shows now
    previous: int | None  # the version it showed before
    arms: list[dict[str, int]] = field(default_factory=list)  # the split it set, if any


@transaction.atomic
def variant_promote(*, variant: Variant, label: str, user, share: int | None = None) -> Promotion:
    """Point ``label`` at the variant's version — its prompt's label for a prompt version, its app's
    label for an app version. With ``share`` (an app version only) the label keeps serving its
    version and sends ``share`` % of its traffic to the variant's: an A/B split, ended from the
    Publish panel or the quality page. The move is audited with the experiment as its evidence."""
    experiment = variant.experiment
    evidence = {"experiment": experiment.pk, "experiment_name": experiment.name,
                "variant": variant.pk, "variant_name": variant.name}
    if variant.prompt_version is not None:
        if share is not None:
            raise ShareNeedsAppVersion("A traffic share splits an app's label: this variant is a prompt version. "
                                       "Promote it to a label without a share, or compare an app version.")
        version = variant.prompt_version
        moved, previous = label_set(prompt=version.prompt, name=label, number=version.number, user=user,
                                    evidence=evidence)
        return Promotion("prompt", version.prompt_id, moved.name, moved.version.number, previous)
    app_version = variant.app_version
    if app_version is None:
        raise NotAPromptVariant("This variant runs neither a prompt version nor an app version: nothing to promote.")
    app = app_version.app
    current = labels_of(app=app).filter(name=label).first()
    previous = current.version.number if current is not None else None
    if share is None:
        moved = label_move(app=app, name=label, version=app_version, user=user, evidence=evidence)
        return Promotion("app", app.pk, moved.name, moved.version.number, previous)
    if current is None:
        raise LabelNotFound(f"{app.name} has no label {label!r} to split: publish the app first, "
                            f"or promote this version to {label!r} without a share.")
    arms = [{"version": current.version.number, "weight": 100 - share},
            {"version": app_version.number, "weight": share}]
    moved = label_split_set(app=app, label=label, arms=arms, user=user, evidence=evidence)
    return Promotion("app", app.pk, moved.name, moved.version.number, previous, arms)
