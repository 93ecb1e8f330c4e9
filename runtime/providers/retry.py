"""Retry of model calls: exponential backoff with jitter, ``Retry-After`` honoured and capped.

The rule for a server-sent ``Retry-After``: we never retry *earlier* than the server asked,
and we never wait *longer* than ``max_delay_s``. If the server asks for more than the cap,
the error is raised at once (with ``retry_after`` set) instead of blocking a run for minutes;
the caller (engine, batch runner) may reschedule.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from runtime.providers.base import ProviderError, ProviderTimeout, RateLimited, ServerError

T = TypeVar("T")

#: Errors a provider retries by itself. ``EmptyCompletion`` is retryable too, but that is the
#: node's decision (its error strategy), not the transport's.
TRANSPORT_RETRYABLE: tuple[type[ProviderError], ...] = (RateLimited, ProviderTimeout, ServerError)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to retry a failed call.

    ``max_retries`` counts retries after the first attempt (0 = try once).
    """

    max_retries: int = 2
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0
    jitter: float = 0.1

    def delay_for(self, attempt: int, error: ProviderError) -> float | None:
        """Seconds to wait before retry number ``attempt`` (1-based), or None to give up."""
        if attempt > self.max_retries or not isinstance(error, TRANSPORT_RETRYABLE):
            return None
        if error.retry_after is not None:
            if error.retry_after > self.max_delay_s:
                return None
            # Jitter only upwards: the server's minimum stays a minimum.
            return min(error.retry_after * (1 + random.uniform(0, self.jitter)), self.max_delay_s)
        backoff: float = min(self.base_delay_s * 2 ** (attempt - 1), self.max_delay_s)
        return backoff * (1 - self.jitter) + random.uniform(0, backoff * self.jitter)


async def call_with_retry(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Await ``call()``; on a retryable :class:`ProviderError` wait and try again per ``policy``."""
    attempt = 0
    while True:
        try:
            return await call()
        except ProviderError as error:
            attempt += 1
            delay = policy.delay_for(attempt, error)
            if delay is None:
                raise
            await sleep(delay)


def parse_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Read ``retry-after-ms`` / ``Retry-After`` (seconds or HTTP date) into seconds."""
    if not headers:
        return None
    lowered = {k.lower(): v for k, v in headers.items()}
    raw_ms = lowered.get("retry-after-ms")
    if raw_ms:
        try:
            return max(float(raw_ms) / 1000.0, 0.0)
        except ValueError:
            pass
    raw = lowered.get("retry-after")
    if not raw:
        return None
    try:
        return max(float(raw), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)
