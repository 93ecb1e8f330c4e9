from celery import shared_task


@shared_task(name="telemetry.export", ignore_result=True)
def export() -> int:
    """Send every enabled target its waiting runs (Celery beat, every LLMOPS_TELEMETRY_SECONDS)."""
    from builder.telemetry.services import export_all

    return export_all()
