"""Inputs are checked strictly wherever a run starts — the public run endpoint (JSON and SSE),
chat completions, the web chat and the editor's debug run: a required input sent as null is
missing, a wrong type is refused, and the 400 ``inputs_invalid`` names each input. Chat messages
are checked by role as OpenAI does (400 ``invalid_request`` naming ``messages[i].<field>``)."""

import httpx
import pytest

from builder.publishing.services import web_chat_update
from builder.runs.models import Run
from tests.builder.publishing.support import bearer, key_for, published
from tests.support.members import make_member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def toned_graph() -> dict:
    """start -> template -> answer; ``name`` is the chat's query input, ``tone`` a required extra."""
    return {
        "inputs": [{"name": "name", "type": "string"}, {"name": "tone", "type": "string"}],
        "nodes": [
            {"id": "start", "type": "start"},
            {"id": "greet", "type": "template", "config": {"template": "{{ inputs.tone }} hello, {{ inputs.name }}"}},
            {"id": "answer", "type": "answer", "config": {"template": "{{ greet.text }}"}},
        ],
        "edges": [
            {"id": "e1", "source": "start", "target": "greet"},
            {"id": "e2", "source": "greet", "target": "answer"},
        ],
    }


def refused_inputs(response: httpx.Response) -> list[dict]:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == "inputs_invalid" and set(error) == {"code", "message", "details"}
    return error["details"]


@pytest.mark.parametrize("stream", [False, True])
def test_a_required_input_sent_as_null_is_refused_by_the_run_endpoint(server, stream):
    member = make_member()
    app = published(member, toned_graph())

    response = httpx.post(f"{server}/v1/apps/{app.slug}/run", headers=bearer(key_for(member)),
                          json={"inputs": {"name": "Ada", "tone": None}, "stream": stream})

    assert refused_inputs(response) == [{"field": "inputs.tone", "message": "'tone' is required (it was null)"}]


def test_every_wrong_input_is_named_in_the_details(server):
    member = make_member()
    app = published(member, toned_graph())

    response = httpx.post(f"{server}/v1/apps/{app.slug}/run", headers=bearer(key_for(member)),
                          json={"inputs": {"name": 7, "color": "red"}})

    assert refused_inputs(response) == [
        {"field": "inputs.name", "message": "'name' must be a string, got number"},
        {"field": "inputs.tone", "message": "'tone' is required"},
        {"field": "inputs.color", "message": "'color' is not an input of this app"},
    ]


def test_chat_completions_refuse_a_null_required_input(server):
    member = make_member()
    app = published(member, toned_graph())

    response = httpx.post(f"{server}/v1/chat/completions", headers=bearer(key_for(member)), json={
        "model": app.slug, "messages": [{"role": "user", "content": "Ada"}], "inputs": {"tone": None}})

    assert [d["field"] for d in refused_inputs(response)] == ["inputs.tone"]


def test_the_web_chat_refuses_a_null_required_input(server):
    member = make_member()
    app = published(member, toned_graph())
    token = web_chat_update(app=app, enabled=True).web_chat_token

    response = httpx.post(f"{server}/v1/share/{token}/chat", json={
        "messages": [{"role": "user", "content": "Ada"}], "inputs": {"tone": None}})

    assert [d["field"] for d in refused_inputs(response)] == ["inputs.tone"]


def test_the_editors_debug_run_refuses_inputs_that_do_not_fit_before_queueing_a_run():
    member = make_member()
    app = published(member, toned_graph())
    url = f"/api/workspaces/{member.workspace.pk}/apps/{app.pk}/runs/"

    null = member.client.post(url, {"inputs": {"name": "Ada", "tone": None}}, format="json")
    wrong = member.client.post(url, {"inputs": {"name": ["Ada"], "tone": "warm"}}, format="json")

    assert (null.status_code, null.json()["error"]["code"]) == (400, "inputs_invalid")
    assert null.json()["error"]["details"] == [{"field": "inputs.tone", "message": "'tone' is required (it was null)"}]
    assert (wrong.status_code, wrong.json()["error"]["details"]) == (
        400, [{"field": "inputs.name", "message": "'name' must be a string, got array"}])
    assert not Run.objects.filter(app=app).exists()


@pytest.mark.parametrize(("message", "field"), [
    ({"role": "user"}, "content"),
    ({"role": "assistant", "content": None}, "content"),
    ({"role": "tool", "content": "42"}, "tool_call_id"),
    ({"role": "robot", "content": "beep"}, "role"),
    ({"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]},
     "content"),
])
def test_chat_completions_check_each_message_by_its_role(server, message, field):
    member = make_member()
    app = published(member, toned_graph())

    response = httpx.post(f"{server}/v1/chat/completions", headers=bearer(key_for(member)), json={
        "model": app.slug, "messages": [{"role": "system", "content": "Be kind."}, message,
                                        {"role": "user", "content": "Ada"}], "inputs": {"tone": "warm"}})

    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["details"][0]["field"] == f"messages[1].{field}"


def test_the_web_chat_checks_each_message_by_its_role(server):
    member = make_member()
    app = published(member, toned_graph())
    token = web_chat_update(app=app, enabled=True).web_chat_token

    response = httpx.post(f"{server}/v1/share/{token}/chat", json={"inputs": {"tone": "warm"}, "messages": [
        {"role": "user", "content": "Hi"}, {"role": "assistant"}, {"role": "user", "content": "Ada"}]})

    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "invalid_request"
    assert [d["field"] for d in response.json()["error"]["details"]] == ["messages[1].content"]

