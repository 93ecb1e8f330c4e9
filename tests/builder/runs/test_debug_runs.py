"""Debug runs from the editor: queued over HTTP, executed by a separate worker process with the
runtime, streamed live to the workspace websocket, stored with node traces."""

import json
import time
from urllib.parse import urlparse

import httpx
import pytest
from django.test import Client
from websockets.sync.client import connect

from builder.accounts.services import access_token_create
from builder.flows.services import app_create
from builder.runs.models import NodeTrace, Run
from tests.runtime.support.openai_stand_in import Reply
from tests.support.members import make_member
from tests.support.processes import Backends, celery_worker, web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def triage_graph() -> dict:
    """start -> prompt (remote model) -> branch on the answer -> one of two answers."""
    return {
        "inputs": [{"name": "question", "type": "string"}],
        "nodes": [
            {"id": "start", "type": "start"},
            {"id": "ask", "type": "prompt", "config": {
                "model": {"provider": "standin", "model": "gpt-test"},
                "messages": [{"role": "user", "template": "Is this urgent? {{ inputs.question }}"}]}},
            {"id": "route", "type": "branch", "config": {"cases": [
                {"id": "urgent",
                 "conditions": [{"variable": "ask.text", "operator": "contains", "value": "URGENT"}]}]}},
            {"id": "fast", "type": "answer", "config": {"template": "Escalated: {{ ask.text }}"}},
            {"id": "slow", "type": "answer", "config": {"template": "Queued: {{ ask.text }}"}},
        ],
        "edges": [
            {"id": "e1", "source": "start", "target": "ask"},
            {"id": "e2", "source": "ask", "target": "route"},
            {"id": "e3", "source": "route", "source_handle": "urgent", "target": "fast"},
            {"id": "e4", "source": "route", "source_handle": "else", "target": "slow"},
        ],
    }


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


@pytest.fixture
def platform(openai_stand_in):
    """Web server + worker whose 'standin' provider is the local OpenAI stand-in."""
    host = urlparse(openai_stand_in.base_url).netloc
    env = {
        "LLMOPS_OPENAI_BASE_URL": openai_stand_in.base_url,
        "LLMOPS_OPENAI_PROVIDER_NAME": "standin",
        "LLMOPS_HTTP_ALLOWLIST": host,
    }
    backends = Backends()
    with web_server(backends, **env) as base, celery_worker(backends, **env):
        yield base


def test_a_debug_run_streams_node_states_and_stores_the_trace(platform, openai_stand_in):
    openai_stand_in.script(Reply(text="This is URGENT indeed", usage=(11, 4)))
    member = make_member()
    app = app_create(workspace=member.workspace, name="Triage", user=member.user, graph=triage_graph())
    _, token = access_token_create(user=member.user, name="t")
    ws_url = platform.replace("http", "ws") + f"/ws/workspaces/{member.workspace.pk}/events/"

    with connect(ws_url, additional_headers={"Cookie": session_cookie(member.user), "Origin": platform}) as socket:
        started = httpx.post(
            f"{platform}/api/workspaces/{member.workspace.pk}/apps/{app.pk}/runs/",
            json={"inputs": {"question": "server down"}}, headers={"Authorization": f"Bearer {token}"},
        )
        assert started.status_code == 202, started.text
        run_id = started.json()["id"]
        events = []
        while not events or events[-1]["type"] not in ("run.finished", "run.failed"):
            message = json.loads(socket.recv(timeout=60))
            if message["type"] == "run.event" and message["run_id"] == run_id:
                events.append(message["event"])

    types = [(e["type"], e.get("node_id")) for e in events]
    assert types[0] == ("run.started", None) and types[-1] == ("run.finished", None)
    assert ("node.skipped", "slow") in types and ("node.finished", "fast") in types
    assert any(e["type"] == "node.delta" and e["node_id"] == "ask" for e in events)
    run = Run.objects.get(pk=run_id)
    assert run.status == "succeeded" and run.outputs["answer"] == "Escalated: This is URGENT indeed"
    assert (run.tokens_in, run.tokens_out) == (11, 4)
    traces = {t.node_id: t for t in NodeTrace.objects.filter(run=run)}
    assert traces["ask"].status == "succeeded" and traces["ask"].tokens_in == 11
    assert traces["ask"].inputs["messages"] == [{"role": "user", "content": "Is this urgent? server down"}]
    assert traces["slow"].status == "skipped" and traces["route"].handle == "urgent"
    detail = httpx.get(
        f"{platform}/api/workspaces/{member.workspace.pk}/runs/{run_id}/", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert [t["node_id"] for t in detail["traces"]][:2] == ["start", "ask"]
    assert detail["traces"][1]["inputs"]["model"] == "standin/gpt-test"


def test_a_failing_model_fails_the_run_with_the_node_and_code(platform, openai_stand_in):
    openai_stand_in.script(*[Reply.error(401, message="bad key")] * 3)
    member = make_member()
    app = app_create(workspace=member.workspace, name="Triage", user=member.user, graph=triage_graph())
    _, token = access_token_create(user=member.user, name="t")

    run_id = httpx.post(
        f"{platform}/api/workspaces/{member.workspace.pk}/apps/{app.pk}/runs/",
        json={"inputs": {"question": "x"}}, headers={"Authorization": f"Bearer {token}"},
    ).json()["id"]
    run = wait_finished(run_id)

    assert run.status == "failed" and run.error_node_id == "ask" and run.error_code == "auth"
    assert NodeTrace.objects.get(run=run, node_id="ask").status == "failed"


def test_a_single_node_runs_alone_on_the_variables_given(platform, openai_stand_in):
    member = make_member()
    app = app_create(workspace=member.workspace, name="Triage", user=member.user, graph=triage_graph())
    _, token = access_token_create(user=member.user, name="t")

    run_id = httpx.post(
        f"{platform}/api/workspaces/{member.workspace.pk}/apps/{app.pk}/nodes/fast/run/",
        json={"variables": {"ask.text": "typed by hand"}}, headers={"Authorization": f"Bearer {token}"},
    ).json()["id"]
    run = wait_finished(run_id)

    assert run.status == "succeeded" and run.outputs == {"answer": "Escalated: typed by hand"}
    assert list(NodeTrace.objects.filter(run=run).values_list("node_id", flat=True)) == ["fast"]
    assert openai_stand_in.chat_requests() == []  # upstream nodes did not run
    last = httpx.get(
        f"{platform}/api/workspaces/{member.workspace.pk}/apps/{app.pk}/last-runs/",
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert last["fast"]["outputs"] == {"answer": "Escalated: typed by hand"}


def test_stop_abandons_the_model_call_and_keeps_what_ran(platform, openai_stand_in):
    """Stop while the model is answering: the worker drops the call (the model's connection is
    closed), the run ends cancelled with the start node's success and the LLM node cancelled,
    and the editor's socket gets the run's end."""
    openai_stand_in.script(Reply.held("Let me think"))
    member = make_member()
    app = app_create(workspace=member.workspace, name="Triage", user=member.user, graph=triage_graph())
    _, token = access_token_create(user=member.user, name="t")
    headers = {"Authorization": f"Bearer {token}"}
    ws_url = platform.replace("http", "ws") + f"/ws/workspaces/{member.workspace.pk}/events/"

    with connect(ws_url, additional_headers={"Cookie": session_cookie(member.user), "Origin": platform}) as socket:
        run_id = httpx.post(
            f"{platform}/api/workspaces/{member.workspace.pk}/apps/{app.pk}/runs/",
            json={"inputs": {"question": "x"}}, headers=headers,
        ).json()["id"]
        events = []
        while not any(e["type"] == "node.delta" for e in events):  # the model is answering, and holds
            message = json.loads(socket.recv(timeout=60))
            if message["type"] == "run.event" and message["run_id"] == run_id:
                events.append(message["event"])

        cancelled = httpx.post(f"{platform}/api/workspaces/{member.workspace.pk}/runs/{run_id}/cancel/",
                               headers=headers)
        assert cancelled.status_code == 200, cancelled.text
        while events[-1]["type"] not in ("run.finished", "run.failed"):
            message = json.loads(socket.recv(timeout=15))
            if message["type"] == "run.event" and message["run_id"] == run_id:
                events.append(message["event"])

    assert events[-1]["type"] == "run.failed" and events[-1]["code"] == "cancelled"
    assert openai_stand_in.wait_for_hangup(), "the model's connection was left open"
    run = wait_finished(run_id, timeout=15)
    assert run.status == "cancelled" and run.error_code == "cancelled"
    assert run.latency_ms > 0, "how long it ran before the stop is kept"
    traces = {t.node_id: t.status for t in NodeTrace.objects.filter(run=run)}
    assert traces == {"start": "succeeded", "ask": "cancelled"}
    detail = httpx.get(f"{platform}/api/workspaces/{member.workspace.pk}/runs/{run_id}/", headers=headers).json()
    assert detail["status"] == "cancelled"
    assert [(t["node_id"], t["status"]) for t in detail["traces"]] == [("start", "succeeded"), ("ask", "cancelled")]

    again = httpx.post(f"{platform}/api/workspaces/{member.workspace.pk}/runs/{run_id}/cancel/", headers=headers)
    assert again.status_code == 409
    assert again.json() == {"error": {"code": "run_finished", "message": "This run has already finished.",
                                      "details": None}}


def wait_status(run_id, status, timeout=30):
    deadline = time.monotonic() + timeout
    while Run.objects.get(pk=run_id).status != status:
        assert time.monotonic() < deadline, f"run never reached {status}"
        time.sleep(0.1)


def wait_finished(run_id, timeout=60) -> Run:
    deadline = time.monotonic() + timeout
    while True:
        run = Run.objects.get(pk=run_id)
        if run.is_finished:
            return run
        assert time.monotonic() < deadline, f"run still {run.status}"
        time.sleep(0.1)


def test_secrets_in_a_debug_runs_inputs_and_outputs_are_stored_redacted(platform, openai_stand_in):
    openai_stand_in.script(Reply(text="Use Authorization: Bearer abcdefghijklmnop0123 to call it"))
    member = make_member()
    app = app_create(workspace=member.workspace, name="Triage", user=member.user, graph=triage_graph())
    _, token = access_token_create(user=member.user, name="t")

    started = httpx.post(
        f"{platform}/api/workspaces/{member.workspace.pk}/apps/{app.pk}/runs/",
        json={"inputs": {"question": "login fails with api_key=sk-live-0123456789abcdef"}},
        headers={"Authorization": f"Bearer {token}"},
    )
    run_id = started.json()["id"]
    deadline = time.monotonic() + 60
    while not (run := Run.objects.get(pk=run_id)).is_finished and time.monotonic() < deadline:
        time.sleep(0.2)

    assert run.status == "succeeded"
    stored = json.dumps([run.inputs, run.outputs, [t.outputs for t in NodeTrace.objects.filter(run=run)]])
    assert "0123456789abcdef" not in stored and "abcdefghijklmnop0123" not in stored
    assert run.inputs == {"question": "login fails with api_key=[redacted]"}
    ask = NodeTrace.objects.get(run=run, node_id="ask")
    assert ask.inputs["messages"][0]["content"] == "Is this urgent? login fails with api_key=[redacted]"
    assert run.outputs["answer"] == "Queued: Use Authorization: Bearer [redacted] to call it"
