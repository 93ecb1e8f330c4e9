from __future__ import annotations

from django.db.models import QuerySet

from builder.core.errors import NotFound
from builder.finetune.models import FineTuneJob


def finetune_jobs(*, workspace) -> QuerySet[FineTuneJob]:
    return FineTuneJob.objects.filter(workspace=workspace).select_related("dataset_version__dataset", "evaluation")


def finetune_job_get(*, workspace, job_id: int) -> FineTuneJob:
    job = finetune_jobs(workspace=workspace).filter(pk=job_id).first()
    if job is None:
        raise NotFound("There is no such fine-tuning job in this workspace.")
    return job
