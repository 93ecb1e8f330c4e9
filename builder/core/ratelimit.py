"""Rate limits that hold across every process, counted in PostgreSQL.

A limit of N requests per minute is a token bucket of N tokens refilled at N per minute: a
burst of N at once, then one every 60/N seconds. It is kept as one number per bucket (the
generic cell rate algorithm): ``due_at``, the time the next request is due at the steady rate.
A request at ``now`` is allowed when ``max(due_at, now)`` is less than a minute ahead of
``now`` — and then moves ``due_at`` one interval on. One statement per request, atomic, no lock
held beyond it; a refused request changes nothing, so a client knocking while refused does not
push its own wait further out."""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass

from django.db import connection

from builder.core.models import RateBucket

PERIOD_SECONDS = 60.0
_PRUNE_EVERY = 500  # on average, one call in this many deletes buckets that are full again

_TABLE = RateBucket._meta.db_table
_TAKE = f"""
INSERT INTO {_TABLE} AS b (name, due_at) VALUES (%(name)s, %(now)s + %(interval)s)
ON CONFLICT (name) DO UPDATE SET due_at = GREATEST(b.due_at, %(now)s) + %(interval)s
    WHERE GREATEST(b.due_at, %(now)s) + %(interval)s - %(now)s <= %(period)s
RETURNING due_at
"""
_READ = f"SELECT due_at FROM {_TABLE} WHERE name = %s"
_PRUNE = f"DELETE FROM {_TABLE} WHERE due_at < %s"


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    retry_after: int = 0  # whole seconds until a request would be allowed again (when refused)


def hit(bucket: str, per_minute: int, *, now: float | None = None) -> Decision:
    """Take one request from ``bucket`` if its ``per_minute`` allows; else say when to retry."""
    now = time.time() if now is None else now
    interval = PERIOD_SECONDS / per_minute
    with connection.cursor() as cursor:
        if random.randrange(_PRUNE_EVERY) == 0:
            cursor.execute(_PRUNE, [now - PERIOD_SECONDS])
        cursor.execute(_TAKE, {"name": bucket, "now": now, "interval": interval, "period": PERIOD_SECONDS})
        if cursor.fetchone() is not None:
            return Decision(True)
        cursor.execute(_READ, [bucket])
        row = cursor.fetchone()
    due_at = row[0] if row else now
    # allowed again once max(due_at, then) + interval - then <= PERIOD
    wait = due_at + interval - PERIOD_SECONDS - now
    return Decision(False, max(1, math.ceil(wait - 1e-9)))
