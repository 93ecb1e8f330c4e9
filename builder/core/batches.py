"""Writes gathered into batches: many coroutines each await their own item's write, and the items
go to the database together — one thread hop and one transaction for up to ``size`` of them —
when the batch is full or ``every`` seconds after its first item."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Batcher(Generic[T]):
    def __init__(self, write: Callable[[list[T]], None], *, size: int = 32, every: float = 0.05) -> None:
        self.write = write
        self.size = size
        self.every = every
        self._items: list[tuple[T, asyncio.Future[None]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._flushes: set[asyncio.Task[None]] = set()

    async def add(self, item: T) -> None:
        """Returns once ``item`` is written (raises what its batch's write raised)."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._items.append((item, done))
        if len(self._items) >= self.size:
            self._start_flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.every, self._start_flush)
        await done

    def _start_flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        items, self._items = self._items, []
        if items:
            task = asyncio.get_running_loop().create_task(self._flush(items))
            self._flushes.add(task)
            task.add_done_callback(self._flushes.discard)

    async def _flush(self, items: list[tuple[T, asyncio.Future[None]]]) -> None:
        try:
            await asyncio.to_thread(self.write, [item for item, _ in items])
        except Exception as exc:  # noqa: BLE001 - each waiting coroutine gets its batch's failure
            for _, done in items:
                if not done.done():
                    done.set_exception(exc)
        else:
            for _, done in items:
                if not done.done():
                    done.set_result(None)
