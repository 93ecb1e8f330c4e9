"""Writes of background jobs: create (enqueue after commit), execute (safe to run twice), and take
up again the resumable jobs a dead worker left behind.

While a job runs, its worker holds a PostgreSQL advisory lock on the job's id: a second delivery
of the message leaves it alone, and a worker that starts knows which "running" jobs are orphans
(the database released their lock when their worker's connection died)."""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from builder.core.errors import InvalidInput
from builder.core.locks import advisory_lock
from builder.jobs.events import workspace_event_publish
from builder.jobs.kinds import JOB_KINDS, KIND_QUEUES, RESUMABLE_KINDS
from builder.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)
_LOCK_CLASS = 0x6A6F  # advisory-lock namespace of running jobs ("jo")


def job_create(*, workspace, kind: str, input: dict[str, Any] | None = None, created_by=None) -> Job:
    """Store a queued job and hand its id to a worker once the transaction commits."""
    if kind not in JOB_KINDS:
        raise InvalidInput(f"Unknown job kind {kind!r}.", code="unknown_job_kind", details=sorted(JOB_KINDS))
    job = Job.objects.create(workspace=workspace, kind=kind, input=input or {}, created_by=created_by)

    transaction.on_commit(lambda: _enqueue(job))
    return job


def _enqueue(job: Job) -> None:
    from builder.jobs.tasks import job_execute_task

    queue = KIND_QUEUES.get(job.kind)
    job_execute_task.apply_async((job.pk,), **({"queue": queue} if queue else {}))


def job_execute(*, job_id: int) -> Job | None:
    """Run a job. A job already finished, or running in another worker, is left alone, so a
    redelivered task does no harm."""
    with _running(job_id) as mine:
        if not mine:
            return Job.objects.filter(pk=job_id).first()
        return _execute(job_id)


def _running(job_id: int) -> AbstractContextManager[bool]:
    return advisory_lock(_LOCK_CLASS, job_id)


def jobs_resume_interrupted(*, queued_grace: timedelta = timedelta(seconds=30)) -> list[int]:
    """Enqueue again the resumable jobs whose worker died: running ones whose lock nobody holds,
    and queued ones older than ``queued_grace`` (a dead worker had taken their message). Returns
    their ids."""
    kinds = sorted(RESUMABLE_KINDS)
    candidates = Job.objects.filter(kind__in=kinds, status=JobStatus.RUNNING) | Job.objects.filter(
        kind__in=kinds, status=JobStatus.QUEUED, created_at__lt=timezone.now() - queued_grace)
    resumed = []
    for job in candidates.order_by("created_at"):
        with _running(job.pk) as free:
            if not free:
                continue  # a live worker is running it
        _enqueue(job)
        resumed.append(job.pk)
    if resumed:
        logger.warning("resuming interrupted jobs %s", resumed)
    return resumed


def _execute(job_id: int) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return job
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.save(update_fields=["status", "attempts", "started_at"])
    _publish(job, "job.started")

    def progress(fraction: float, message: str = "") -> None:
        job.progress = max(0.0, min(1.0, fraction))
        job.message = message[:500]
        Job.objects.filter(pk=job.pk).update(progress=job.progress, message=job.message)
        _publish(job, "job.progress")

    try:
        result = JOB_KINDS[job.kind](job, progress)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the job for the user
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        job.status = JobStatus.FAILED
        job.error_code = getattr(exc, "code", "job_failed")
        job.error_message = getattr(exc, "message", str(exc)) or exc.__class__.__name__
    else:
        job.status = JobStatus.SUCCEEDED
        job.progress = 1.0
        job.result = result
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "result", "error_code", "error_message", "finished_at"])
    _publish(job, "job.finished" if job.status == JobStatus.SUCCEEDED else "job.failed")
    return job


def job_as_event(job: Job) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "result": job.result,
        "error": {"code": job.error_code, "message": job.error_message} if job.error_code else None,
    }


def _publish(job: Job, event_type: str) -> None:
    try:
        workspace_event_publish(workspace_id=job.workspace_id, event={"type": event_type, "job": job_as_event(job)})
    except Exception:  # noqa: BLE001 - live events are best effort; the job row is the truth
        logger.warning("could not publish %s for job %s", event_type, job.pk, exc_info=True)
