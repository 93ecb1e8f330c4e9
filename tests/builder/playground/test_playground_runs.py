"""The playground end to end: a prompt run on two model configurations side by side by a real
worker — both columns stream at once over the workspace websocket and are stored as runs (source
``playground``) that the run list shows with their prompt; a column is re-run into its group, and
the history lists the group."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlparse

import httpx
import pytest
from websockets.sync.client import connect

from builder.accounts.services import access_token_create
from builder.prompts.services import prompt_create
from builder.runs.models import Run
from tests.builder.runs.test_debug_runs import session_cookie
from tests.runtime.support.openai_stand_in import Reply
from tests.support.members import make_member
from tests.support.processes import Backends, celery_worker, web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

VERSION = {
    "messages": [{"role": "system", "template": "You are a {{ role }}."},
                 {"role": "user", "template": "Explain {{ topic }}."}],
    "variables": [{"name": "role", "type": "text", "default": "teacher"}, {"name": "topic", "type": "text"}],
    "model": {"provider": "standin", "model": "gpt-test"},
}


@pytest.fixture
def platform(openai_stand_in):
    env = {"LLMOPS_OPENAI_BASE_URL": openai_stand_in.base_url, "LLMOPS_OPENAI_PROVIDER_NAME": "standin",
           "LLMOPS_HTTP_ALLOWLIST": urlparse(openai_stand_in.base_url).netloc}
    backends = Backends()
    with web_server(backends, **env) as base, celery_worker(backends, **env):
        yield base


def test_two_columns_stream_side_by_side_and_are_recorded_as_playground_runs(platform, openai_stand_in):
    openai_stand_in.script(Reply(text="Owls hunt at night.", delay_s=0.6, chunk_delay_s=0.05),
                           Reply(text="Owls are birds.", delay_s=0.6, chunk_delay_s=0.05))
    member = make_member()
    prompt, _ = prompt_create(workspace=member.workspace, user=member.user, name="explainer", version=VERSION)
    version = prompt.versions.get()
    _, token = access_token_create(user=member.user, name="t")
    api = f"{platform}/api/workspaces/{member.workspace.pk}"
    headers = {"Authorization": f"Bearer {token}"}
    ws_url = platform.replace("http", "ws") + f"/ws/workspaces/{member.workspace.pk}/events/"

    with connect(ws_url, additional_headers={"Cookie": session_cookie(member.user), "Origin": platform}) as socket:
        started = httpx.post(f"{api}/playground/runs/", headers=headers, json={
            "prompt_version": version.pk, "values": {"topic": "owls"},
            "columns": [{"provider": "standin", "model": "gpt-test", "temperature": 0.1},
                        {"provider": "standin", "model": "gpt-mini", "seed": 7}],
        })
        assert started.status_code == 201, started.text
        body = started.json()
        run_ids = [r["id"] for r in body["runs"]]
        assert [r["column"] for r in body["runs"]] == [0, 1]
        deltas: dict[str, str] = {run_id: "" for run_id in run_ids}
        finished: set[str] = set()
        while finished != set(run_ids):
            message = json.loads(socket.recv(timeout=60))
            if message["type"] != "run.event" or message["run_id"] not in deltas:
                continue
            event = message["event"]
            if event["type"] == "node.delta" and event["node_id"] == "prompt":
                deltas[message["run_id"]] += event["text"]
            if event["type"] in ("run.finished", "run.failed"):
                finished.add(message["run_id"])

    assert sorted(deltas.values()) == ["Owls are birds.", "Owls hunt at night."]
    runs = list(Run.objects.filter(pk__in=run_ids).order_by("group_index"))
    assert [r.status for r in runs] == ["succeeded", "succeeded"]
    assert {r.source for r in runs} == {"playground"} and {r.app_id for r in runs} == {None}
    assert runs[0].started_at < runs[1].finished_at and runs[1].started_at < runs[0].finished_at  # side by side
    assert abs(runs[0].finished_at - runs[1].finished_at) < timedelta(seconds=1)
    requests = openai_stand_in.chat_requests()
    assert sorted(r["model"] for r in requests) == ["gpt-mini", "gpt-test"]
    assert requests[0]["messages"] == [{"role": "system", "content": "You are a teacher."},
                                       {"role": "user", "content": "Explain owls."}]

    listed = httpx.get(f"{api}/runs/", params={"source": "playground"}, headers=headers).json()["results"]
    assert {r["id"] for r in listed} == set(run_ids)
    assert {(r["app"], r["prompt"]["name"], r["prompt"]["number"]) for r in listed} == {(None, "explainer", 1)}

    openai_stand_in.script(Reply(text="Owls again."))
    again = httpx.post(f"{api}/playground/runs/", headers=headers, json={
        "prompt_version": version.pk, "values": {"topic": "owls"}, "group_id": body["group_id"], "column_index": 1,
        "columns": [{"provider": "standin", "model": "gpt-mini"}],
    })
    assert again.status_code == 201 and again.json()["group_id"] == body["group_id"]
    rerun = again.json()["runs"][0]
    assert rerun["column"] == 1
    history = httpx.get(f"{api}/playground/runs/", params={"prompt": prompt.pk}, headers=headers).json()["results"]
    assert [len(g["runs"]) for g in history] == [3]
    assert history[0]["prompt_version"]["name"] == "explainer"
    assert history[0]["values"] == {"topic": "owls", "role": "teacher"}
