"""Rate limits of the public API, shared by every worker (:mod:`builder.core.ratelimit` counts
in the database). Once a bucket is refused, this process refuses it locally until its retry
time: a client hammering past its limit costs no database round trip per request."""

from __future__ import annotations

import math
import time

from builder.core import ratelimit
from builder.publishing.errors import RateLimited
from builder.publishing.gateway.db import db

_refused_until: dict[str, float] = {}  # bucket -> monotonic time
_MAX_REFUSED = 10_000


async def check_rate(bucket: str, per_minute: int, *, who: str = "This API key") -> None:
    """Count one request of ``bucket``; raise :class:`RateLimited` past ``per_minute``."""
    now = time.monotonic()
    until = _refused_until.get(bucket)
    if until is not None:
        if until > now:
            _refuse(who, per_minute, math.ceil(until - now))
        del _refused_until[bucket]
    decision = await db(ratelimit.hit, bucket, per_minute)
    if not decision.allowed:
        if len(_refused_until) >= _MAX_REFUSED:
            _refused_until.clear()
        _refused_until[bucket] = now + decision.retry_after
        _refuse(who, per_minute, decision.retry_after)


def _refuse(who: str, per_minute: int, retry_after: int) -> None:
    raise RateLimited(
        f"{who} may make {per_minute} requests per minute. Retry after {retry_after} s.",
        retry_after=max(1, retry_after),
    )
