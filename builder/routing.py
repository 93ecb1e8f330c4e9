"""Websocket routes of every app, in one list for the ASGI router."""

from builder.jobs.routing import websocket_urlpatterns as jobs_websockets

websocket_urlpatterns = [*jobs_websockets]
