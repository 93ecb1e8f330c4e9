"""A real uvicorn serving the platform whose 'standin' provider is the local OpenAI stand-in, and
helpers to publish apps, make keys and read Server-Sent Events."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlparse

from builder.flows.services import app_create, draft_save
from builder.publishing.services import api_key_create, app_publish
from builder.runs.models import Run
from tests.support.processes import Backends, web_server

#: The servers' 'standin' provider as this process sees it: publishing here checks the models an
#: app calls against this process's providers (only the name matters; the servers call the stand-in).
STANDIN_PROVIDER = {"kind": "openai_compatible", "name": "standin", "base_url": "http://standin.invalid", "models": []}


def standin_configured(settings) -> None:
    """Configure the 'standin' provider in this process (pytest-django's ``settings``)."""
    settings.LLMOPS_MODEL_PROVIDERS = [STANDIN_PROVIDER]


def stand_in_env(stand_in) -> dict[str, str]:
    return {
        "LLMOPS_OPENAI_BASE_URL": stand_in.base_url,
        "LLMOPS_OPENAI_PROVIDER_NAME": "standin",
        "LLMOPS_HTTP_ALLOWLIST": urlparse(stand_in.base_url).netloc,
        "LLMOPS_SSE_KEEPALIVE_SECONDS": "0.3",
    }


@contextmanager
def gateway_server(stand_in, **env: str) -> Iterator[str]:
    with web_server(Backends(), **{**stand_in_env(stand_in), **env}) as base:
        yield base


def published(member, graph, name="Helper"):
    app = app_create(workspace=member.workspace, name=name, user=member.user, graph=graph)
    app_publish(app=app, user=member.user)
    return app


def republish(member, app, graph):
    app.refresh_from_db()
    draft_save(app=app, graph=graph, revision=app.draft_revision, user=member.user)
    return app_publish(app=app, user=member.user)[0]


def key_for(member, app=None, **kwargs) -> str:
    return api_key_create(workspace=member.workspace, name="test", user=member.user, app=app, **kwargs)[1]


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@dataclass
class SseEvent:
    id: int | None
    event: str | None
    data: object


def parse_sse(text: str) -> tuple[list[SseEvent], list[str]]:
    """(events, comments) of an SSE body."""
    events, comments = [], []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        fields: dict[str, str] = {}
        for line in block.split("\n"):
            if line.startswith(":"):
                comments.append(line[1:].strip())
            elif ": " in line:
                name, value = line.split(": ", 1)
                fields[name] = value
        if "data" in fields:
            data = fields["data"]
            events.append(SseEvent(int(fields["id"]) if "id" in fields else None, fields.get("event"),
                                   data if data == "[DONE]" else json.loads(data)))
    return events, comments


def wait_for_run(run_id: str, *, status: str | None = None, timeout: float = 10.0) -> Run:
    deadline = time.monotonic() + timeout
    while True:
        run = Run.objects.filter(pk=run_id).select_related("api", "version").first()
        if run is not None and (status is None or run.status == status):
            return run
        assert time.monotonic() < deadline, f"run {run_id} was not stored ({run and run.status})"
        time.sleep(0.05)
