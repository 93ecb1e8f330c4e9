"""Live events of a workspace, sent through the channel layer (Redis or PostgreSQL), so that an
event produced in a worker process reaches every browser watching the workspace."""

from __future__ import annotations

import threading
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def workspace_group(workspace_id: int) -> str:
    return f"workspace-{workspace_id}"


#: One send at a time per process. Each ``async_to_sync`` call from a plain thread runs in an event
#: loop of its own, and the PostgreSQL channel layer's connection pool guards itself with an
#: asyncio lock bound to the loop that made it: two threads sending at once (runs executed side by
#: side, each with its event forwarder) would meet that lock from another loop and fail.
_SENDING = threading.Lock()


def workspace_event_publish(*, workspace_id: int, event: dict[str, Any]) -> None:
    """Send ``event`` (JSON-serialisable, with a ``type`` like ``job.progress``) to the workspace."""
    layer = get_channel_layer()
    with _SENDING:
        async_to_sync(layer.group_send)(workspace_group(workspace_id), {"type": "workspace.event", "event": event})
