"""An endpoint turned off is refused on every route, on a real server: runs (JSON and streamed), a run's
status and events, feedback and chat completions answer 404 ``app_not_found``, ``/v1/models`` leaves
the app out, and the web chat (its API and its page) answers 404 ``chat_not_found`` — at once in the
process that turned it off (other processes within the gateway's TARGET_CACHE_SECONDS). Turned back
on, every route answers again."""

import httpx
import pytest

from builder.accounts.services import access_token_create
from builder.publishing.services import web_chat_update
from tests.builder.publishing.graphs import greeting_graph, prompt_graph
from tests.builder.publishing.support import bearer, key_for, published, wait_for_run
from tests.runtime.support.openai_stand_in import Reply
from tests.support.members import make_member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def call_every_route(server: str, app, key: dict, chat_token: str, run_id: str) -> dict[str, httpx.Response]:
    v1 = f"{server}/v1"
    chat = {"model": app.slug, "messages": [{"role": "user", "content": "Ada"}]}
    return {
        "run": httpx.post(f"{v1}/apps/{app.slug}/run", json={"inputs": {"name": "Ada"}}, headers=key),
        "run streamed": httpx.post(f"{v1}/apps/{app.slug}/run", json={"inputs": {"name": "Ada"}, "stream": True},
                                   headers=key),
        "run status": httpx.get(f"{v1}/runs/{run_id}", headers=key),
        "run events": httpx.get(f"{v1}/runs/{run_id}/events", headers=key),
        "feedback": httpx.post(f"{v1}/runs/{run_id}/feedback", json={"rating": "up"}, headers=key),
        "chat completion": httpx.post(f"{v1}/chat/completions", json=chat, headers=key),
        "chat completion streamed": httpx.post(f"{v1}/chat/completions", json={**chat, "stream": True}, headers=key),
        "web chat": httpx.get(f"{v1}/share/{chat_token}"),
        "web chat message": httpx.post(f"{v1}/share/{chat_token}/chat",
                                       json={"messages": [{"role": "user", "content": "Ada"}]}),
        "web chat page": httpx.get(f"{server}/chat/{chat_token}/"),
    }


def endpoint_set(server: str, member, app, token: dict, enabled: bool) -> None:
    """Through the platform's own API on the server: the gateway in that process drops its caches at once."""
    url = f"{server}/api/workspaces/{member.workspace.pk}/apps/{app.pk}/publish/"
    response = httpx.patch(url, json={"enabled": enabled}, headers=token)
    assert response.status_code == 200 and response.json()["enabled"] is enabled, response.text


def listed(server: str, key: dict) -> list[str]:
    return [m["id"] for m in httpx.get(f"{server}/v1/models", headers=key).json()["data"]]


def test_an_endpoint_turned_off_is_refused_on_every_route_and_answers_again_once_on(server):
    member = make_member()
    app = published(member, greeting_graph())
    key = bearer(key_for(member))
    token = bearer(access_token_create(user=member.user, name="t")[1])
    chat_token = web_chat_update(app=app, enabled=True, rate_limit_per_minute=None).web_chat_token
    first = httpx.post(f"{server}/v1/apps/{app.slug}/run", json={"inputs": {"name": "Ada"}}, headers=key)
    run_id = str(wait_for_run(first.json()["run_id"]).pk)

    on = call_every_route(server, app, key, chat_token, run_id)
    assert {route: r.status_code for route, r in on.items() if r.status_code not in (200, 201)} == {}
    assert listed(server, key) == [app.slug]

    endpoint_set(server, member, app, token, False)
    off = call_every_route(server, app, key, chat_token, run_id)

    for route, response in off.items():
        if route == "web chat page":
            assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
            continue
        assert response.status_code == 404, (route, response.status_code, response.text[:200])
        assert response.headers["content-type"].startswith("application/json"), route
        error = response.json()["error"]
        assert set(error) == {"code", "message", "details"}
        if route.startswith("web chat"):
            assert error["code"] == "chat_not_found", route  # a visitor learns nothing about the app
        else:
            assert error["code"] == "app_not_found", route
            assert error["message"] == f"The endpoint of {app.slug!r} is turned off.", route
    assert listed(server, key) == []

    endpoint_set(server, member, app, token, True)
    again = call_every_route(server, app, key, chat_token, run_id)
    assert {route: r.status_code for route, r in again.items() if r.status_code not in (200, 201)} == {}
    assert listed(server, key) == [app.slug]


def test_a_run_still_going_when_the_endpoint_is_turned_off_is_not_read_through_it(server, openai_stand_in):
    member = make_member()
    app = published(member, prompt_graph())
    key = bearer(key_for(member))
    token = bearer(access_token_create(user=member.user, name="t")[1])
    openai_stand_in.script(Reply.slow(3.0, "late answer"))
    body = {"inputs": {"query": "Hi"}, "stream": True}

    with httpx.stream("POST", f"{server}/v1/apps/{app.slug}/run", json=body, headers=key, timeout=20) as stream:
        run_id = stream.headers["x-run-id"]
        live = httpx.get(f"{server}/v1/runs/{run_id}", headers=key)
        endpoint_set(server, member, app, token, False)
        status = httpx.get(f"{server}/v1/runs/{run_id}", headers=key)
        events = httpx.get(f"{server}/v1/runs/{run_id}/events", headers=key)
        feedback = httpx.post(f"{server}/v1/runs/{run_id}/feedback", json={"rating": "up"}, headers=key)
        stream.read()  # the client stays to the end (one that hangs up cancels the run)

    assert (live.status_code, live.json()["status"]) == (200, "running")
    for refused in (status, events, feedback):
        assert (refused.status_code, refused.json()["error"]["code"]) == (404, "app_not_found"), refused.text
    assert wait_for_run(run_id, status="succeeded").outputs == {"answer": "late answer"}, "the run itself goes on"
