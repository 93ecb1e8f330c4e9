"""The fine-tuning job kind: on its own queue and worker (one job at a time), resumable — a job
whose worker died goes on from its last checkpoint, its step count and loss curve without a gap.

Progress (step, losses, tokens/s, ETA) is written to the job's row at most once a second and
published as the workspace's job events; a cancel is noticed within a couple of seconds."""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from typing import Any

from django.conf import settings
from django.utils import timezone

from builder.core.errors import InvalidInput
from builder.core.locks import advisory_lock
from builder.finetune.evaluation import evaluation_start
from builder.finetune.models import FINISHED, FineTuneJob, TuneStatus
from builder.finetune.services import (
    JOB_KIND,
    answered_rows,
    base_folder,
    chat_of,
    finetune_status,
    job_folder,
    manifest_of,
)
from builder.jobs.kinds import Progress, job_kind
from builder.jobs.models import Job
from runtime.finetune.data import ExampleError, encode_chat, split
from runtime.finetune.methods import Method, MethodSettings, trainable_parameters, wrap
from runtime.finetune.trainer import CHECKPOINT_STATE, TrainSettings, latest_checkpoint, train
from runtime.finetune.trainer import Progress as Step
from runtime.providers.local_models import ADAPTER_MANIFEST

logger = logging.getLogger(__name__)
LOCK_CLASS = 7_342  # advisory locks of fine-tuning jobs (the second key is the job's id)
WRITE_EVERY_S = 1.0
CANCEL_POLL_S = 2.0


class TuneFailed(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@job_kind(JOB_KIND, resumable=True, queue=settings.LLMOPS_FINETUNE_QUEUE)
def finetune_job(job: Job, progress: Progress) -> dict[str, Any]:
    tune_id = int(job.input["finetune_job_id"])
    with advisory_lock(LOCK_CLASS, tune_id) as mine:
        if not mine:
            return {"finetune_job_id": tune_id, "note": "another worker is running this job"}
        return finetune_execute(tune_id=tune_id, progress=progress)


def finetune_execute(*, tune_id: int, progress: Progress | None = None) -> dict[str, Any]:
    """Train the job (or go on from its checkpoint); returns what happened. Failures are recorded
    on the job with a code and a message, and raised again for the job runner."""
    tune = FineTuneJob.objects.get(pk=tune_id)
    if tune.status in FINISHED:
        return {"finetune_job_id": tune_id, "status": tune.status}
    if tune.cancel_requested:
        finetune_status(tune, TuneStatus.CANCELLED, finished_at=timezone.now())
        return {"finetune_job_id": tune_id, "status": TuneStatus.CANCELLED}
    finetune_status(tune, TuneStatus.RUNNING, started_at=tune.started_at or timezone.now())
    try:
        return _train(tune, progress or (lambda _f, _m="": None))
    except TuneFailed as exc:
        finetune_status(tune, TuneStatus.FAILED, error_code=exc.code, error_message=exc.message,
                        finished_at=timezone.now())
        raise
    except Exception as exc:  # noqa: BLE001 - recorded for the user, then raised for the job's own record
        finetune_status(tune, TuneStatus.FAILED, error_code="finetune_failed",
                        error_message=f"{exc.__class__.__name__}: {exc}"[:2000], finished_at=timezone.now())
        raise


def _train(tune: FineTuneJob, progress: Progress) -> dict[str, Any]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = base_folder(tune.base_model)
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    examples = []
    for index, row in enumerate(answered_rows(tune.dataset_version)):
        try:
            examples.append(encode_chat(tokenizer, chat_of(row.inputs, row.expected or "", row.metadata),
                                        tune.max_length, index=index))
        except ExampleError as exc:
            raise TuneFailed("finetune_data_invalid", str(exc)) from None
    train_set, val_set = split(examples, validation_share=tune.validation_share, seed=tune.seed)
    base = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True)
    work = job_folder(tune)
    checkpoint = latest_checkpoint(work / "checkpoint")
    if checkpoint is not None:
        model = PeftModel.from_pretrained(base, checkpoint, is_trainable=True)
        resumed_at = int(json.loads((checkpoint / CHECKPOINT_STATE).read_text())["step"])
    else:
        model = wrap(base, Method(tune.method), MethodSettings(**tune.method_settings))
        resumed_at = 0
    trainable, total = trainable_parameters(model)
    FineTuneJob.objects.filter(pk=tune.pk).update(
        trainable_params=trainable, total_params=total, train_rows=len(train_set), validation_rows=len(val_set))
    losses = [point for point in tune.losses if point[0] <= resumed_at]  # the curve as the checkpoint left it
    val_losses = [point for point in tune.val_losses if point[0] <= resumed_at]
    last_write, last_poll, cancelled = 0.0, 0.0, False

    def on_step(step: Step) -> None:
        nonlocal last_write
        if step.loss is not None:
            losses.append([step.step, round(step.loss, 5)])
        if step.val_loss is not None:
            val_losses.append([step.step, round(step.val_loss, 5)])
        now = time.monotonic()
        if now - last_write >= WRITE_EVERY_S or step.step == step.total_steps or step.val_loss is not None:
            last_write = now
            FineTuneJob.objects.filter(pk=tune.pk).update(
                step=step.step, total_steps=step.total_steps, losses=losses, val_losses=val_losses,
                tokens_per_s=round(step.tokens_per_s, 1), eta_s=step.eta_s)
            progress(step.step / step.total_steps, f"step {step.step} of {step.total_steps} · loss {step.loss:.3f}")

    def should_stop() -> bool:
        nonlocal last_poll, cancelled
        now = time.monotonic()
        if now - last_poll >= CANCEL_POLL_S:
            last_poll = now
            cancelled = FineTuneJob.objects.filter(pk=tune.pk, cancel_requested=True).exists()
        return cancelled

    result = train(model, train_set, val_set,
                   TrainSettings(epochs=tune.epochs, learning_rate=tune.learning_rate, batch_size=tune.batch_size,
                                 seed=tune.seed),
                   pad_id=tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0,
                   on_progress=on_step, should_stop=should_stop, checkpoint_dir=work / "checkpoint",
                   resume=checkpoint)
    if result.stopped:
        shutil.rmtree(work, ignore_errors=True)  # a cancelled job keeps nothing
        finetune_status(tune, TuneStatus.CANCELLED, finished_at=timezone.now(), losses=losses, val_losses=val_losses)
        return {"finetune_job_id": tune.pk, "status": TuneStatus.CANCELLED, "steps": result.steps}
    adapter = work / "adapter"
    model.save_pretrained(adapter)
    (adapter / ADAPTER_MANIFEST).write_text(json.dumps(manifest_of(model=tune.model_name, base_model=tune.base_model)))
    shutil.rmtree(work / "checkpoint", ignore_errors=True)
    finetune_status(tune, TuneStatus.SUCCEEDED, finished_at=timezone.now(), step=result.steps,
                    losses=losses, val_losses=val_losses, eta_s=0)
    tune.status = TuneStatus.SUCCEEDED
    evaluated = None
    if val_set:
        try:  # base vs tuned on the held-out rows, queued for the experiment workers
            evaluated = evaluation_start(job=tune, user=tune.created_by).pk
        except InvalidInput as exc:
            logger.info("fine-tune %s: no evaluation (%s)", tune.pk, exc)
    return {"finetune_job_id": tune.pk, "status": TuneStatus.SUCCEEDED, "steps": result.steps,
            "model": tune.model_name, "evaluation_experiment_id": evaluated}
