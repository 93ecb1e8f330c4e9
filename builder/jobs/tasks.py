from celery import shared_task

from builder.jobs.services import job_execute


@shared_task(name="jobs.execute", acks_late=True)
def job_execute_task(job_id: int) -> None:
    job_execute(job_id=job_id)
