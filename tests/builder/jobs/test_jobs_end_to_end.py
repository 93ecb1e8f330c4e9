"""A job started over HTTP runs in a separate worker process and its events reach a websocket held
open on the web server — the embedded default (PostgreSQL as broker and channel layer) and, where
they answer on this machine, Redis and RabbitMQ."""

import json

import httpx
import pytest
from django.test import Client
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from builder.accounts.services import access_token_create
from builder.jobs.models import Job, JobStatus
from tests.support.members import make_member
from tests.support.processes import Backends, celery_worker, web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BACKENDS = [
    Backends("database", "database"),
    Backends("redis", "redis"),
    Backends("rabbitmq", "database"),
]


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def events_url(base: str, workspace_id: int) -> str:
    return base.replace("http://", "ws://") + f"/ws/workspaces/{workspace_id}/events/"


@pytest.mark.parametrize("backends", BACKENDS, ids=lambda b: f"broker={b.broker},layer={b.channel_layer}")
def test_job_runs_in_the_worker_and_its_events_reach_the_browser_socket(backends):
    if reason := backends.unavailable():
        pytest.skip(reason)
    member = make_member()
    _, token = access_token_create(user=member.user, name="e2e")

    with web_server(backends) as base, celery_worker(backends):
        with connect(
            events_url(base, member.workspace.pk),
            additional_headers={"Cookie": session_cookie(member.user), "Origin": base},
            open_timeout=10,
        ) as socket:
            response = httpx.post(
                f"{base}/api/workspaces/{member.workspace.pk}/jobs/",
                json={"kind": "ping", "input": {"steps": 3}},
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            )
            assert response.status_code == 202, response.text
            job_id = response.json()["id"]

            events = []
            while not events or events[-1]["type"] not in ("job.finished", "job.failed"):
                events.append(json.loads(socket.recv(timeout=30)))

    types = [event["type"] for event in events]
    assert types[0] == "job.started" and types[-1] == "job.finished", types
    progress = [event["job"]["progress"] for event in events if event["type"] == "job.progress"]
    assert progress == sorted(progress) and progress[-1] == 1.0
    assert events[-1]["job"]["id"] == job_id and events[-1]["job"]["result"]["pong"] is True
    job = Job.objects.get(pk=job_id)
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 1


def test_the_event_socket_refuses_a_user_of_another_workspace():
    backends = Backends()
    member, outsider = make_member(), make_member()

    with web_server(backends) as base:
        with pytest.raises(InvalidStatus) as refused:
            connect(
                events_url(base, member.workspace.pk),
                additional_headers={"Cookie": session_cookie(outsider.user), "Origin": base},
                open_timeout=10,
            )
        with pytest.raises(InvalidStatus):
            connect(events_url(base, member.workspace.pk), additional_headers={"Origin": base}, open_timeout=10)

    assert refused.value.response.status_code == 403
