"""The workspace event websocket: members receive the workspace's live events as JSON messages."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from builder.accounts.selectors import membership_get
from builder.core.errors import NotFound
from builder.jobs.events import workspace_group

FORBIDDEN = 4403


class WorkspaceEventsConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=FORBIDDEN)
            return
        workspace_id = self.scope["url_route"]["kwargs"]["workspace_id"]
        try:
            await database_sync_to_async(membership_get)(user=user, workspace_id=workspace_id)
        except NotFound:
            await self.close(code=FORBIDDEN)
            return
        self.group = workspace_group(int(workspace_id))
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def workspace_event(self, message: dict) -> None:
        await self.send_json(message["event"])
