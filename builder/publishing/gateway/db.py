"""Database work of the gateway runs on a few dedicated threads (Django's ORM is synchronous);
the event loop only waits for them on cache misses and the rare reads."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.db import InterfaceError, OperationalError, connection

from builder.publishing import cache_bus

T = TypeVar("T")
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="gateway-db")


def _guarded(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    try:
        return fn(*args, **kwargs)
    except (OperationalError, InterfaceError):
        connection.close()  # a broken connection is reopened by the next call on this thread
        raise


async def db(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_pool, functools.partial(_guarded, fn, *args, **kwargs))


class SingleFlight:
    """Concurrent misses of one cache key share one load: when a cache entry expires under
    hundreds of waiting requests, one query runs instead of hundreds queueing on the pool."""

    def __init__(self) -> None:
        self._inflight: dict[Any, asyncio.Future[Any]] = {}

    async def db(self, key: Any, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        future = self._inflight.get(key)
        if future is None:
            future = asyncio.ensure_future(db(fn, *args, **kwargs))
            self._inflight[key] = future
            future.add_done_callback(lambda _f, key=key: self._inflight.pop(key, None))
        return await asyncio.shield(future)


class FreshCache:
    """Database lookups kept for ``seconds``, and only while nothing was published in this process
    (:mod:`~builder.publishing.cache_bus`): keys, labels, chat links. A miss loads through
    :class:`SingleFlight`; a lookup that raises is not kept."""

    def __init__(self, seconds: float, max_entries: int = 10_000) -> None:
        self._seconds = seconds
        self._max = max_entries
        self._entries: dict[Any, tuple[float, int, Any]] = {}
        self._loads = SingleFlight()

    async def get(self, key: Any, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        now = time.monotonic()
        generation = cache_bus.generation()
        hit = self._entries.get(key)
        if hit is not None and hit[0] > now and hit[1] == generation:
            return hit[2]
        value = await self._loads.db((key, generation), fn, *args, **kwargs)
        if len(self._entries) >= self._max:
            self._entries.clear()
        self._entries[key] = (now + self._seconds, generation, value)
        return value
