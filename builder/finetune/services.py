"""Starting, cancelling and locating fine-tuning jobs. A job is checked when it is created — the
method's settings, the data (chat examples with answers) and a memory estimate against this
machine — so that what cannot work is refused at once with the setting to change, not minutes
later in the worker."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from builder.core.errors import Conflict, InvalidInput
from builder.finetune.models import FINISHED, FineTuneJob, MergeStatus, TuneStatus
from builder.jobs.services import job_create
from runtime.finetune.methods import (
    LABELS,
    LEARNING_RATES,
    SUMMARIES,
    Method,
    MethodError,
    MethodSettings,
    ModelShape,
    parameter_counts,
)
from runtime.finetune.trainer import memory_estimate

JOB_KIND = "finetune.train"
BUNDLED = "smollm2-135m-instruct"
#: The bundled SmolLM2-135M-Instruct's shape (its folder exists only once converted, in the worker).
BUNDLED_SHAPE = ModelShape(num_hidden_layers=30, hidden_size=576, intermediate_size=1536, vocab_size=49152,
                           num_attention_heads=9, num_key_value_heads=3, head_dim=64, tie_word_embeddings=True)
MEMORY_SHARE = 0.7  # of this machine's memory a job may plan to use
MIN_ROWS = 2


def base_models() -> dict[str, Path | None]:
    """Base models by name: the bundled one (its folder made on first use: None here) and the
    Hugging Face model folders the operator registered (``LLMOPS_FINETUNE_BASE_MODELS``)."""
    return {BUNDLED: None, **{name: Path(folder) for name, folder in settings.LLMOPS_FINETUNE_BASE_MODELS.items()}}


def base_folder(name: str) -> Path:
    """The Hugging Face folder of a base model (the bundled one converted on first use)."""
    folder = base_models()[name]
    if folder is not None:
        return folder
    from runtime.providers.local_models import ensure_converted, smollm2_spec

    assert name == BUNDLED
    return ensure_converted(smollm2_spec())[0]


def base_shape(name: str) -> ModelShape:
    folder = base_models()[name]
    if folder is None:
        return BUNDLED_SHAPE
    return ModelShape.of(json.loads((folder / "config.json").read_text()))


def method_catalog(base_model: str | None = None) -> dict[str, Any]:
    """Each method: its label, one line on what it trains and its default learning rate; with
    ``base_model``, how many
    parameters its default settings train on that model, and the model's own total."""
    shape = base_shape(base_model) if base_model else None
    methods = []
    for method in Method:
        entry: dict[str, Any] = {"method": method.value, "label": LABELS[method], "summary": SUMMARIES[method],
                                 "learning_rate": LEARNING_RATES[method]}
        counts = parameter_counts(method, MethodSettings(), shape) if shape else None
        if counts:
            entry["trainable_params"] = counts[0]
        methods.append(entry)
    return {"methods": methods, **({"total_params": shape.base_parameters()} if shape else {})}


def job_folder(job: FineTuneJob) -> Path:
    """Where a job's checkpoint and adapter live: the workspace's own folder, named by ids only."""
    return Path(settings.LLMOPS_FINETUNE_DIR) / f"w{job.workspace_id}" / f"job{job.pk}"


def manifest_of(*, model: str, base_model: str) -> dict[str, Any]:
    """What the workspace's local provider reads to serve an adapter
    (``builder.execution.providers.tuned_models``); it never leaves the server."""
    base_path = base_models()[base_model]
    return {"model": model, "base": base_model, "base_path": str(base_path) if base_path else None}


def chat_of(inputs: dict[str, Any], expected: str, metadata: dict[str, Any] | None = None) -> list[dict[str, str]]:
    """A dataset row as a chat whose answer is the expected output. The prompt is the row's
    ``messages`` input if it has one; else the messages the app gave the model (``prompt`` in the
    metadata of a row exported from a review queue: system message included, so the tuned model
    learns what it will be asked); else its inputs as the user's message (one input alone, or
    ``name: value`` lines)."""
    messages = inputs.get("messages")
    given = (metadata or {}).get("prompt")
    if isinstance(messages, list) and all(isinstance(m, dict) for m in messages):
        prompt = [{"role": str(m.get("role", "user")), "content": str(m.get("content", ""))} for m in messages]
    elif isinstance(given, list) and given and all(isinstance(m, dict) for m in given):
        prompt = [{"role": str(m.get("role", "user")), "content": str(m.get("content", ""))} for m in given]
    elif len(inputs) == 1:
        prompt = [{"role": "user", "content": str(next(iter(inputs.values())))}]
    else:
        prompt = [{"role": "user", "content": "\n".join(f"{k}: {v}" for k, v in inputs.items())}]
    return [*prompt, {"role": "assistant", "content": expected}]


_SETTING_KINDS = {"r": int, "alpha": int, "virtual_tokens": int, "encoder_hidden_size": int, "adapter_len": int,
                  "adapter_layers": int, "dropout": float, "target_modules": list}


def method_settings_of(values: dict[str, Any]) -> MethodSettings:
    """The method's settings from a request, each of its own kind; 400 naming the first that is not."""
    for key, value in values.items():
        kind = _SETTING_KINDS.get(key)
        field = f"method_settings.{key}"
        if kind is None:
            raise InvalidInput(f"Unknown method setting {key!r}; the settings are {', '.join(_SETTING_KINDS)}.",
                               code="finetune_invalid", details={"field": "method_settings"})
        ok = (isinstance(value, int) and not isinstance(value, bool) if kind is int
              else isinstance(value, (int, float)) and not isinstance(value, bool) if kind is float
              else isinstance(value, list) and value and all(isinstance(v, str) and v for v in value))
        if not ok:
            what = {int: "a whole number", float: "a number", list: "a list of module names"}[kind]
            raise InvalidInput(f"{key} is {what}.", code="finetune_invalid", details={"field": field})
    settings_ = {k: tuple(v) if k == "target_modules" else v for k, v in values.items()}
    return MethodSettings(**settings_)


def answered_rows(dataset_version) -> QuerySet:
    """The rows a job trains on: those with an expected output (the answer to learn), in order."""
    return dataset_version.rows.exclude(expected__isnull=True).exclude(expected="").order_by("position")


def _physical_memory() -> int:
    return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


@transaction.atomic
def finetune_start(*, workspace, user, name: str, base_model: str, method: str, dataset_version,
                   method_settings: dict[str, Any], validation_share: float, epochs: int,
                   learning_rate: float | None, batch_size: int, max_length: int, seed: int) -> FineTuneJob:
    """Check and queue a job; without a learning rate, the method's own default."""
    if base_model not in base_models():
        raise InvalidInput(f"Unknown base model {base_model!r}.", code="finetune_invalid",
                           details={"field": "base_model", "choices": sorted(base_models())})
    try:
        chosen = Method(method)
    except ValueError:
        raise InvalidInput(f"Unknown method {method!r}.", code="finetune_invalid",
                           details={"field": "method"}) from None
    tuned = method_settings_of(method_settings)
    learning_rate = LEARNING_RATES[chosen] if learning_rate is None else learning_rate
    shape = base_shape(base_model)
    try:
        tuned.check(chosen, num_layers=shape.num_hidden_layers)
    except MethodError as exc:
        raise InvalidInput(exc.message, code="finetune_invalid", details={"field": f"method_settings.{exc.field}"}) \
            from None
    rows = answered_rows(dataset_version).count()
    if rows < MIN_ROWS:
        raise InvalidInput(f"Fine-tuning needs at least {MIN_ROWS} rows with an expected output; this dataset "
                           f"version has {rows}.", code="finetune_data_too_small", details={"field": "dataset_id"})
    total = shape.base_parameters()
    need = memory_estimate(total_params=total, trainable_params=total // 50, batch_size=batch_size,
                           max_length=max_length, hidden=shape.hidden_size, layers=shape.num_hidden_layers)
    have = int(_physical_memory() * MEMORY_SHARE)
    if need > have:
        raise InvalidInput(
            f"This job would need about {need / 2**30:.1f} GiB of memory; this machine can give it "
            f"{have / 2**30:.1f} GiB. Lower the batch size or the maximum length.", code="finetune_too_large",
            details={"field": "batch_size", "needed_bytes": need, "available_bytes": have})
    try:
        with transaction.atomic():
            job = FineTuneJob.objects.create(
                workspace=workspace, name=name, base_model=base_model, method=chosen.value,
                method_settings=method_settings, dataset_version=dataset_version,
                validation_share=validation_share, epochs=epochs, learning_rate=learning_rate,
                batch_size=batch_size, max_length=max_length, seed=seed, created_by=user)
    except IntegrityError:
        raise InvalidInput(f"A fine-tuned model named {name!r} exists in this workspace.",
                           code="finetune_name_taken", details={"field": "name"}) from None
    job.job = job_create(workspace=workspace, kind=JOB_KIND, input={"finetune_job_id": job.pk}, created_by=user)
    job.save(update_fields=["job"])
    return job


def finetune_cancel(*, job: FineTuneJob) -> FineTuneJob:
    """Ask the worker to stop (within a couple of seconds; it keeps nothing); a job no worker has
    started yet is cancelled at once."""
    with transaction.atomic():
        job = FineTuneJob.objects.select_for_update().get(pk=job.pk)
        if job.status in FINISHED:
            raise Conflict(f"The job has already {job.status}.", code="finetune_finished")
        job.cancel_requested = True
        fields = ["cancel_requested"]
        if job.status == TuneStatus.QUEUED:
            job.status, job.finished_at = TuneStatus.CANCELLED, timezone.now()
            fields += ["status", "finished_at"]
        job.save(update_fields=fields)
    return job


def finetune_delete(*, job: FineTuneJob) -> None:
    """Delete the job and its files (checkpoint, adapter, merged model); refused while it trains
    (cancel it first) or while its adapter is being merged."""
    with transaction.atomic():
        job = FineTuneJob.objects.select_for_update().get(pk=job.pk)
        if job.status not in FINISHED:
            raise Conflict("Cancel the job before deleting it.", code="finetune_running")
        if job.merge_status in (MergeStatus.QUEUED, MergeStatus.RUNNING):
            raise Conflict("The adapter is being merged: delete the job when the merge has finished.",
                           code="finetune_merge_running")
        folder = job_folder(job)
        job.delete()
    shutil.rmtree(folder, ignore_errors=True)


def finetune_status(job: FineTuneJob, status: TuneStatus, **fields: Any) -> None:
    FineTuneJob.objects.filter(pk=job.pk).update(status=status, **fields)
