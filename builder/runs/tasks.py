from celery import shared_task

from builder.runs.services import run_execute


@shared_task(name="runs.execute", acks_late=True)
def run_execute_task(run_id: str) -> None:
    run_execute(run_id=run_id)
