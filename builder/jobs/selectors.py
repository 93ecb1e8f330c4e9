from __future__ import annotations

from django.db.models import QuerySet

from builder.core.errors import NotFound
from builder.jobs.models import Job


def jobs_of(*, workspace) -> QuerySet[Job]:
    return Job.objects.filter(workspace=workspace)


def job_get(*, workspace, job_id: int) -> Job:
    job = jobs_of(workspace=workspace).filter(pk=job_id).first()
    if job is None:
        raise NotFound("Job not found.")
    return job
