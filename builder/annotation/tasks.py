from celery import shared_task


@shared_task(name="annotation.sample", ignore_result=True)
def sample() -> int:
    """Run every enabled sampling rule (Celery beat, every minute)."""
    from builder.annotation.sampling import scan_all

    return scan_all()
