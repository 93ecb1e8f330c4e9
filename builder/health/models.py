from django.db import models


class WorkerHeartbeat(models.Model):
    """Written every few seconds by each running Celery worker; /healthz reads the freshest."""

    hostname = models.CharField(max_length=255, unique=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.hostname} (last seen {self.last_seen:%H:%M:%S})"
