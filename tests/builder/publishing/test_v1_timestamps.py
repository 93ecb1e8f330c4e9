"""Times in ``/v1`` answers read as they do under ``/api/``: ISO 8601 in UTC with a ``Z``
(``2026-12-04T17:16:01.123456Z``), the same instant whether the run is still in memory or stored.
(``created`` of the OpenAI-shaped answers stays Unix seconds, as that protocol defines it.)"""

import re

import httpx
import pytest

from builder.publishing.models import Feedback
from tests.builder.publishing.graphs import greeting_graph, prompt_graph
from tests.builder.publishing.support import bearer, key_for, published, wait_for_run
from tests.runtime.support.openai_stand_in import Reply
from tests.support.members import make_member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")


def test_a_stored_runs_times_read_as_the_editors_api_shows_them(server):
    member = make_member()
    app = published(member, greeting_graph())
    headers = bearer(key_for(member))
    run_id = httpx.post(f"{server}/v1/apps/{app.slug}/run", json={"inputs": {"name": "Ada"}}, headers=headers
                        ).json()["run_id"]
    wait_for_run(run_id)

    public = httpx.get(f"{server}/v1/runs/{run_id}", headers=headers).json()
    editor = member.client.get(f"/api/workspaces/{member.workspace.pk}/runs/{run_id}/").json()

    assert ISO_UTC.match(public["created_at"]) and ISO_UTC.match(public["finished_at"]), public
    assert (public["created_at"], public["finished_at"]) == (editor["created_at"], editor["finished_at"])


def test_a_running_run_has_its_times_in_the_same_format_as_once_stored(server, openai_stand_in):
    openai_stand_in.script(Reply(text="slow", delay_s=1.0))
    member = make_member()
    app = published(member, prompt_graph())
    headers = bearer(key_for(member))

    with httpx.stream("POST", f"{server}/v1/apps/{app.slug}/run", headers=headers, timeout=20,
                      json={"inputs": {"query": "x"}, "stream": True}) as streamed:
        run_id = streamed.headers["x-run-id"]
        running = httpx.get(f"{server}/v1/runs/{run_id}", headers=headers).json()
        streamed.read()
    wait_for_run(run_id)
    stored = httpx.get(f"{server}/v1/runs/{run_id}", headers=headers).json()

    assert ISO_UTC.match(running["created_at"]), running
    assert running["finished_at"] is None or ISO_UTC.match(running["finished_at"])
    assert running["created_at"] == stored["created_at"]
    assert ISO_UTC.match(stored["finished_at"])


def test_feedback_answers_when_it_was_left(server):
    member = make_member()
    app = published(member, greeting_graph())
    headers = bearer(key_for(member))
    run_id = httpx.post(f"{server}/v1/apps/{app.slug}/run", json={"inputs": {"name": "Ada"}}, headers=headers
                        ).json()["run_id"]

    left = httpx.post(f"{server}/v1/runs/{run_id}/feedback", json={"rating": "up"}, headers=headers)

    assert left.status_code == 201, left.text
    saved = Feedback.objects.get(pk=left.json()["id"])
    assert left.json()["created_at"] == saved.created_at.isoformat().replace("+00:00", "Z")
