from celery import shared_task
from django.utils import timezone

from builder.monitoring.services import rollups_prune


@shared_task(name="monitoring.prune")
def prune() -> int:
    """Hourly: drop minute rollups past their retention."""
    return rollups_prune(now=timezone.now())
