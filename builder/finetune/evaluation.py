"""Base vs tuned on the held-out rows: an experiment with two variants — the base model and the
tuned one, the same prompt made from each row's inputs as in training (with the app's system message
when the rows came from an app's runs) — over the rows the job
did not train on, judged by the Prompt IDE's evaluators (and by people, on the experiment's page).

It starts by itself when a job succeeds with held-out rows, and again on request with other
evaluators; the job page shows the latest one and links to it."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from builder.core.errors import Conflict, InvalidInput
from builder.experiments import selectors as experiments
from builder.experiments.models import Experiment
from builder.experiments.results import experiment_results
from builder.experiments.services import experiment_create
from builder.finetune.models import FineTuneJob, TuneStatus
from builder.finetune.services import answered_rows
from runtime.finetune.data import split

DEFAULT_EVALUATORS: list[dict[str, Any]] = [{"name": "similarity", "type": "similarity", "threshold": 0.8}]
MAX_TOKENS = 256
MIN_TOKENS = 32


def heldout_row_ids(job: FineTuneJob) -> list[int]:
    """The rows the job validated on and never trained on: the same split as the worker's."""
    if job.dataset_version is None:
        return []
    ids = list(answered_rows(job.dataset_version).values_list("pk", flat=True))
    return split(ids, validation_share=job.validation_share, seed=job.seed)[1]


def _prompt(input_names: list[str], system: str | None = None) -> list[dict[str, str]]:
    """The prompt as training made it (services.chat_of): the system message the app gave the
    model, when the held-out rows share one; the user's message as one input alone, or ``name:
    value`` lines."""
    if system and any(mark in system for mark in ("{{", "{%", "{#")):
        system = "{% raw %}" + system + "{% endraw %}"  # the app's words, not a template
    head = [{"role": "system", "template": system}] if system else []
    if len(input_names) == 1:
        return [*head, {"role": "user", "template": f"{{{{ inputs.{input_names[0]} }}}}"}]
    return [*head, {"role": "user", "template": "\n".join(f"{name}: {{{{ inputs.{name} }}}}" for name in input_names)}]


def shared_system(metadata: list[dict[str, Any]]) -> str | None:
    """The system message every row's prompt (the messages the app gave the model) starts with, if
    they all start with the same one."""
    systems = set()
    for meta in metadata:
        prompt = (meta or {}).get("prompt")
        first = prompt[0] if isinstance(prompt, list) and prompt and isinstance(prompt[0], dict) else {}
        if first.get("role") != "system":
            return None
        systems.add(str(first.get("content", "")))
    system = systems.pop() if len(systems) == 1 else None
    return system if system and "endraw" not in system else None


@transaction.atomic
def evaluation_start(*, job: FineTuneJob, user, evaluators: list[dict[str, Any]] | None = None,
                     primary_evaluator: str = "") -> Experiment:
    """Queue base vs tuned on the job's held-out rows; the job then shows it."""
    if job.status != TuneStatus.SUCCEEDED:
        raise Conflict("Evaluate a job once it has succeeded.", code="finetune_not_ready")
    rows = heldout_row_ids(job)
    if not rows:
        raise InvalidInput("This model has no held-out rows to evaluate on: train it with a validation share "
                           "above 0, or compare it in an experiment on a dataset of your choice.",
                           code="finetune_no_heldout", details={"field": "validation_share"})
    names = sorted({name for inputs in job.dataset_version.rows.filter(pk__in=rows).values_list("inputs", flat=True)
                    for name in inputs})
    if "messages" in names:
        raise InvalidInput("Rows whose input is a list of messages can't be evaluated here yet; compare the "
                           "models in an experiment with a prompt of the library.", code="finetune_no_heldout",
                           details={"field": "dataset_id"})
    variables = [{"name": name, "type": "text"} for name in names]
    system = shared_system(list(job.dataset_version.rows.filter(pk__in=rows).values_list("metadata", flat=True)))
    longest = max(len(answer or "") for answer in job.dataset_version.rows.filter(pk__in=rows)
                  .values_list("expected", flat=True))
    # Room for answers about twice as long as the longest expected one (~4 characters a token).
    model = {"provider": "local", "temperature": 0, "max_tokens": min(MAX_TOKENS, max(MIN_TOKENS, longest // 2))}
    experiment = experiment_create(
        workspace=job.workspace, user=user, name=f"Fine-tune {job.name}: base vs tuned",
        description=f"{job.model_name} against {job.base_model} on the {len(rows)} rows held out from training "
                    f"(dataset {job.dataset_version.dataset.name} v{job.dataset_version.number}).",
        dataset_version=job.dataset_version, row_ids=rows,
        variants=[{"name": f"Base · {job.base_model}", "messages": _prompt(names, system), "variables": variables,
                   "model": {**model, "model": job.base_model}},
                  {"name": f"Tuned · {job.model_name}", "messages": _prompt(names, system), "variables": variables,
                   "model": {**model, "model": job.model_name}}],
        evaluators=evaluators or DEFAULT_EVALUATORS, primary_evaluator=primary_evaluator, concurrency=1)
    FineTuneJob.objects.filter(pk=job.pk).update(evaluation=experiment)
    job.evaluation = experiment
    return experiment


def evaluation_of(job: FineTuneJob) -> dict[str, Any] | None:
    """The evaluation's figures for the job page (None: not evaluated): each side's good-result
    ratio with its 95 % interval, and which side won."""
    if job.evaluation_id is None:
        return None
    experiment = job.evaluation
    variants = list(experiments.variants_of(experiment=experiment))
    cells = list(experiments.cells_of(experiment=experiment))
    summary = {v["id"]: v for v in experiment_results(experiment=experiment, variants=variants,
                                                      cells=cells)["variants"]}
    sides = [{"variant_id": v.pk, "name": v.name, "model": (v.model or {}).get("model", ""),
              **{k: summary[v.pk][k] for k in ("n", "good", "ratio", "ci_low", "ci_high")}} for v in variants]
    base, tuned = [*sides, None, None][:2]
    winner = None
    if base and tuned and base["n"] and tuned["n"]:
        winner = "tie" if tuned["ratio"] == base["ratio"] else "tuned" if tuned["ratio"] > base["ratio"] else "base"
    return {"experiment_id": experiment.pk, "status": experiment.status, "cells_done": experiment.cells_done,
            "cells_total": experiment.cells_total, "primary_evaluator": experiment.primary_evaluator,
            "base": base, "tuned": tuned, "winner": winner}
