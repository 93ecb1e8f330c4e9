"""What alert tests share: a real HTTP server on 127.0.0.1 that records the webhooks it gets
(answering a status the test picks), published traffic "now", and rules made through the API."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from django.utils import timezone

from builder.flows.models import App
from builder.runs.models import Run
from tests.builder.monitoring.support import published_run, rate


class WebhookReceiver:
    """Records every POST: path (with its query) and JSON body."""

    def __init__(self, server: ThreadingHTTPServer):
        self._server = server
        self.received: list[dict[str, Any]] = []
        self.status = 204

    @property
    def netloc(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    def url(self, path: str = "/hooks/alerts?token=s3cret") -> str:
        return f"http://{self.netloc}{path}"

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [r["body"] for r in self.received]


@contextmanager
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver: WebhookReceiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            receiver.received.append({"path": self.path, "body": json.loads(body)})
            self.send_response(receiver.status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver = WebhookReceiver(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def recent(now: datetime | None = None, *, seconds: int = 30) -> datetime:
    """A moment inside every window that ends now (and inside today, UTC)."""
    now = now or timezone.now()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return max(midnight, now - timedelta(seconds=seconds))


def traffic(app: App, *, ok: int = 0, failed: int = 0, at: datetime | None = None, **run: Any) -> list[Run]:
    """``ok`` succeeded and ``failed`` failed published runs of ``app``, just now."""
    at = at or recent()
    return ([published_run(app, at=at, **run) for _ in range(ok)]
            + [published_run(app, at=at, status="failed", error_code="model_timeout", **run) for _ in range(failed)])


def answered(app: App, answers: list[str]) -> list[Run]:
    """Published runs that answered these texts, just now."""
    runs = traffic(app, ok=len(answers))
    for run, answer in zip(runs, answers, strict=True):
        Run.objects.filter(pk=run.pk).update(outputs={"answer": answer})
    return runs


def rated(runs: list[Run], *, down: int, up: int) -> None:
    for i, run in enumerate(runs[: down + up]):
        rate(run, -1 if i < down else 1)


def rules_url(member) -> str:
    return f"/api/workspaces/{member.workspace.pk}/alert-rules/"


def alerts_url(member, **query: str) -> str:
    tail = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/api/workspaces/{member.workspace.pk}/alerts/" + (f"?{tail}" if tail else "")


def make_rule(member, **fields: Any) -> dict[str, Any]:
    body = {"name": "Errors", "metric": "error_rate", "threshold": 0.2, "window_minutes": 15, **fields}
    response = member.client.post(rules_url(member), body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()
