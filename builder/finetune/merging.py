"""The merge job kind: a LoRA or IA3 adapter merged into its base model's weights, saved
(safetensors, with the base's tokenizer) as a full model folder beside the adapter, ``merged/``.
On the fine-tuning queue, like training. The folder is written beside its place and renamed into
it; only then does the adapter's manifest name it (``merged_path``), so the workspace's local
provider serves the tuned model from it — no adapter at inference — and never from half a folder.

Resumable: a merge whose worker died is done again from the start."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings

from builder.core.locks import advisory_lock
from builder.finetune.adapters import MERGE_KIND, adapter_folder, manifest_write, merged_folder
from builder.finetune.models import FineTuneJob, MergeStatus
from builder.finetune.services import base_folder
from builder.jobs.kinds import Progress, job_kind
from builder.jobs.models import Job
from runtime.finetune.adapters import merge
from runtime.providers.local_models import ADAPTER_MANIFEST

LOCK_CLASS = 7_343  # advisory locks of merges (the second key is the fine-tuning job's id)


@job_kind(MERGE_KIND, resumable=True, queue=settings.LLMOPS_FINETUNE_QUEUE)
def finetune_merge_job(job: Job, progress: Progress) -> dict[str, Any]:
    tune_id = int(job.input["finetune_job_id"])
    with advisory_lock(LOCK_CLASS, tune_id) as mine:
        if not mine:
            return {"finetune_job_id": tune_id, "note": "another worker is merging this adapter"}
        return merge_execute(tune_id=tune_id, progress=progress)


def merge_execute(*, tune_id: int, progress: Progress | None = None) -> dict[str, Any]:
    """Merge the job's adapter; a failure is recorded on the job (``merge_error``) and raised again
    for the job runner."""
    tune = FineTuneJob.objects.filter(pk=tune_id).first()
    if tune is None:
        return {"finetune_job_id": tune_id, "note": "the fine-tuning job was deleted"}
    if tune.merge_status not in (MergeStatus.QUEUED, MergeStatus.RUNNING):
        return {"finetune_job_id": tune_id, "merge_status": tune.merge_status}
    report = progress or (lambda _f, _m="": None)
    FineTuneJob.objects.filter(pk=tune_id).update(merge_status=MergeStatus.RUNNING, merge_error="")
    target = merged_folder(tune)
    try:
        report(0.05, "loading the base model and the adapter")
        merge(base_folder(tune.base_model), adapter_folder(tune), target)
        report(0.95, "serving the merged model")
        folder = adapter_folder(tune)
        manifest_write(folder, {**_manifest(folder), "merged_path": str(target)})
    except Exception as exc:  # noqa: BLE001 - recorded for the user, then raised for the job's own record
        FineTuneJob.objects.filter(pk=tune_id).update(merge_status=MergeStatus.FAILED,
                                                      merge_error=f"{exc.__class__.__name__}: {exc}"[:2000])
        raise
    FineTuneJob.objects.filter(pk=tune_id).update(merge_status=MergeStatus.DONE)
    return {"finetune_job_id": tune_id, "merge_status": MergeStatus.DONE, "model": tune.model_name,
            "folder": str(target)}


def _manifest(folder: Path) -> dict[str, Any]:
    value = json.loads((folder / ADAPTER_MANIFEST).read_text())
    if not isinstance(value, dict):
        raise ValueError(f"{ADAPTER_MANIFEST} is not an object")
    return value
