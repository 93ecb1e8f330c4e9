"""Writes gathered into batches by group commit: many coroutines each await their own item's
write; an item written while no write is under way goes at once, and the items that arrive during
a write go together in the next one (one thread hop and one transaction for all of them, at most
``size``). No timer: a lone item is never held back."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Batcher(Generic[T]):
    def __init__(self, write: Callable[[list[T]], None], *, size: int = 64) -> None:
        self.write = write
        self.size = size
        self._items: list[tuple[T, asyncio.Future[None]]] = []
        self._writing: asyncio.Task[None] | None = None

    async def add(self, item: T) -> None:
        """Returns once ``item`` is written (raises what its batch's write raised)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._items.append((item, done))
        if self._writing is None:
            self._writing = asyncio.get_running_loop().create_task(self._write_all())
        await done

    async def _write_all(self) -> None:
        try:
            while self._items:
                items, self._items = self._items[: self.size], self._items[self.size:]
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
        finally:
            self._writing = None
