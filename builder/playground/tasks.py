from celery import shared_task

from builder.runs.services import runs_execute


@shared_task(name="playground.execute", acks_late=True)
def playground_execute_task(run_ids: list[str]) -> None:
    """A playground's columns, run side by side in one event loop (safe to deliver twice)."""
    runs_execute(run_ids=run_ids)
