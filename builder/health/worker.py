"""Celery worker lifecycle: refuse to start on a database without pgvector, and keep a heartbeat."""

from __future__ import annotations

import logging
import threading

from celery.signals import worker_init, worker_ready, worker_shutdown
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from builder.health.services import worker_heartbeat_beat, worker_heartbeat_remove

logger = logging.getLogger(__name__)
_stop = threading.Event()


@worker_init.connect
def _check_database(**kwargs) -> None:
    from builder.core.database import ensure_vector_extension_available

    ensure_vector_extension_available()


@worker_ready.connect
def _start_heartbeat(sender=None, **kwargs) -> None:
    hostname = getattr(sender, "hostname", "worker")
    started_at = timezone.now()

    def beat() -> None:
        while not _stop.is_set():
            try:
                worker_heartbeat_beat(hostname=hostname, started_at=started_at)
            except Exception:  # noqa: BLE001 - a missed beat shows as a stale worker in /healthz
                logger.warning("worker heartbeat failed", exc_info=True)
            finally:
                close_old_connections()
            _stop.wait(settings.WORKER_HEARTBEAT_SECONDS)

    threading.Thread(target=beat, name="llmops-heartbeat", daemon=True).start()


@worker_shutdown.connect
def _stop_heartbeat(sender=None, **kwargs) -> None:
    _stop.set()
    try:
        worker_heartbeat_remove(hostname=getattr(sender, "hostname", "worker"))
    except Exception:  # noqa: BLE001
        logger.warning("could not remove worker heartbeat", exc_info=True)
