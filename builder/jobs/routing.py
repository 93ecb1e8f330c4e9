from django.urls import path

from builder.jobs.consumers import WorkspaceEventsConsumer

websocket_urlpatterns = [
    path("ws/workspaces/<int:workspace_id>/events/", WorkspaceEventsConsumer.as_asgi()),
]
