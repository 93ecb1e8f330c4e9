from celery import shared_task


@shared_task(name="alerts.evaluate", ignore_result=True)
def evaluate() -> dict[str, int]:
    """Evaluate every enabled alert rule (Celery beat, every LLMOPS_ALERTS_SECONDS)."""
    from builder.alerts.evaluation import evaluate_all

    return evaluate_all()
