"""Forwards a run's events to the workspace's live channel (the editor's websocket) from a
background thread: the engine's loop never waits on the network or the database."""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from builder.jobs.events import workspace_event_publish
from runtime.events import Event

logger = logging.getLogger(__name__)
_DONE = object()


class EventForwarder:
    """A runtime hook that publishes ``{"type": "run.event", "run_id", "event"}`` to the
    workspace group, in order, from one thread per run.

    The terminal event (run.finished / run.failed) is held back until :meth:`close`, which the
    caller invokes once the run is stored: a client that sees it can read the stored run."""

    def __init__(self, *, workspace_id: int, run_id: str) -> None:
        self.workspace_id = workspace_id
        self.run_id = run_id
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._held: list[dict[str, Any]] = []
        self._thread = threading.Thread(target=self._drain, name=f"run-events-{run_id[:8]}", daemon=True)
        self._thread.start()

    def on_event(self, event: Event) -> None:
        if event.type in ("run.finished", "run.failed"):
            self._held.append(event.to_dict())
        else:
            self._queue.put(event.to_dict())

    def close(self, timeout: float = 10.0) -> None:
        """Send the held terminal event and stop."""
        for item in self._held:
            self._queue.put(item)
        self._queue.put(_DONE)
        self._thread.join(timeout)

    def _drain(self) -> None:
        while (item := self._queue.get()) is not _DONE:
            try:
                workspace_event_publish(
                    workspace_id=self.workspace_id,
                    event={"type": "run.event", "run_id": self.run_id, "event": item},
                )
            except Exception:  # noqa: BLE001 - live view is best effort; traces are stored anyway
                logger.warning("could not forward a run event", exc_info=True)
