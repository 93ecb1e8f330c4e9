"""Live events of a workspace, sent through the channel layer (Redis or PostgreSQL), so that an
event produced in a worker process reaches every browser watching the workspace."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def workspace_group(workspace_id: int) -> str:
    return f"workspace-{workspace_id}"


def workspace_event_publish(*, workspace_id: int, event: dict[str, Any]) -> None:
    """Send ``event`` (JSON-serialisable, with a ``type`` like ``job.progress``) to the workspace."""
    layer = get_channel_layer()
    async_to_sync(layer.group_send)(workspace_group(workspace_id), {"type": "workspace.event", "event": event})
