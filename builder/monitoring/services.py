"""Monitoring's writes: the workspace budget. (The rollups are written by the database: see
:mod:`builder.monitoring.rollup_sql`.)"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import connection

from builder.monitoring.models import MINUTE_RETENTION, Budget, Grain

#: Budgets are below this (the column holds 10 digits before the point).
BUDGET_LIMIT = Decimal("10000000000")


def budget_set(*, workspace_id: int, monthly: Decimal | None, user_id: int | None) -> Budget | None:
    """Set (or, with None, remove) the workspace's monthly budget in USD."""
    if monthly is None:
        Budget.objects.filter(workspace_id=workspace_id).delete()
        return None
    budget, _ = Budget.objects.update_or_create(workspace_id=workspace_id,
                                                defaults={"monthly": monthly, "updated_by_id": user_id})
    return budget


def rollups_prune(*, now: datetime) -> int:
    """Drop minute rows older than :data:`MINUTE_RETENTION` (hours and days stay). Returns the rows removed."""
    cutoff = now - MINUTE_RETENTION
    removed = 0
    with connection.cursor() as cursor:
        for table in ("monitoring_runrollup", "monitoring_noderollup", "monitoring_latencybin",
                      "monitoring_feedbackrollup"):
            cursor.execute(f"DELETE FROM {table} WHERE grain = %s AND bucket < %s", [Grain.MINUTE, cutoff])
            removed += cursor.rowcount
    return removed
