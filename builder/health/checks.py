"""The component checks behind /healthz: database (with pgvector), broker, worker heartbeat."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from builder.health.models import WorkerHeartbeat

logger = logging.getLogger(__name__)
_database_details: dict[str, Callable[[], dict[str, Any]]] = {}


def database_detail_register(name: str, detail: Callable[[], dict[str, Any]]) -> None:
    """A domain adds what it reads from the database to the check (knowledge: its search paths)."""
    _database_details[name] = detail


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
            row = cursor.fetchone()
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}
    if row is None:
        return {"ok": False, "error": "pgvector extension not installed (run migrations)"}
    found = {"ok": True, "pgvector": row[0], "embedded": connection.settings_dict.get("HOST", "").startswith("/")}
    for name, detail in _database_details.items():
        try:
            found[name] = detail()
        except Exception:  # noqa: BLE001 - a detail never takes the check down
            logger.warning("health detail %s failed", name, exc_info=True)
    return found


def check_broker() -> dict[str, Any]:
    from builder.celery import app

    transport = app.conf.broker_url.split(":", 1)[0]
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "transport": transport, "error": exc.__class__.__name__}
    return {"ok": True, "transport": transport}


def check_worker() -> dict[str, Any]:
    fresh_after = timezone.now() - timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS + 5)
    try:
        latest = WorkerHeartbeat.objects.order_by("-last_seen").first()
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}
    if latest is None:
        return {"ok": False, "error": "no worker has reported"}
    age = (timezone.now() - latest.last_seen).total_seconds()
    return {"ok": latest.last_seen >= fresh_after, "last_seen_seconds_ago": round(age, 1)}
