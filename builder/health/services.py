from __future__ import annotations

import os

from django.utils import timezone

from builder.health.models import WorkerHeartbeat


def worker_heartbeat_beat(*, hostname: str, started_at) -> None:
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname, defaults={"pid": os.getpid(), "started_at": started_at, "last_seen": timezone.now()}
    )


def worker_heartbeat_remove(*, hostname: str) -> None:
    WorkerHeartbeat.objects.filter(hostname=hostname).delete()
