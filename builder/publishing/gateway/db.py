"""Database work of the gateway runs on a few dedicated threads (Django's ORM is synchronous);
the event loop only waits for them on cache misses and the rare reads."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.db import InterfaceError, OperationalError, connection

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
