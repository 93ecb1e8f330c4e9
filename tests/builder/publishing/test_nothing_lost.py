"""Not one answered run lost, whatever another request carries: concurrent normal and poisoned
requests through /v1 runs, chat completions and the web chat, against a real server and the
embedded database. Poisoned requests are answered 400 naming the field; every normal run that
was answered is stored; a model answer with text the database cannot hold is stored too."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from builder.publishing.services import web_chat_update
from tests.builder.publishing.graphs import greeting_graph, prompt_graph
from tests.builder.publishing.support import bearer, key_for, published, wait_for_run
from tests.runtime.support.openai_stand_in import Reply
from tests.support.members import make_member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

SURROGATE = "\\ud800"  # as it appears in a JSON body: decodes to a lone surrogate
NUL = "\\u0000"


def test_poisoned_requests_are_refused_and_every_answered_run_is_stored(server):
    member = make_member()
    app = published(member, greeting_graph("Hello"))
    token = web_chat_update(app=app, enabled=True, rate_limit_per_minute=None).web_chat_token
    headers = {**bearer(key_for(member)), "content-type": "application/json"}
    routes = {
        "run": (f"{server}/v1/apps/{app.slug}/run", headers,
                '{"inputs": {"name": "NAME"}}', "inputs.name"),
        "chat": (f"{server}/v1/chat/completions", headers,
                 '{"model": "SLUG", "messages": [{"role": "user", "content": "NAME"}]}'.replace("SLUG", app.slug),
                 "messages[0].content"),
        "web": (f"{server}/v1/share/{token}/chat", {"content-type": "application/json"},
                '{"messages": [{"role": "user", "content": "NAME"}]}', "messages[0].content"),
    }
    calls = []
    for i in range(12):
        for route in routes:
            calls.append((route, f"Ada {i}", None))
            if i % 3 == 0:
                calls.append((route, f"Eve {SURROGATE} {i}", routes[route][3]))
                calls.append((route, f"Nul {NUL} {i}", routes[route][3]))

    def call(item):
        route, name, _ = item
        url, route_headers, body, _ = routes[route]  # body: raw JSON text, so that escapes reach the server
        return item, httpx.post(url, content=body.replace("NAME", name).encode(), headers=route_headers, timeout=30)

    with ThreadPoolExecutor(max_workers=16) as pool:
        answered = list(pool.map(call, calls))

    run_ids = []
    for (route, _, poisoned_field), response in answered:
        if poisoned_field:
            assert response.status_code == 400, (route, response.text)
            error = response.json()["error"]
            assert (error["code"], error["details"]) == ("invalid_text", {"field": poisoned_field})
            continue
        assert response.status_code == 200, (route, response.text)
        body = response.json()
        run_ids.append(body.get("run_id") or response.headers.get("x-run-id") or body.get("id"))
    assert len(run_ids) == 36
    for run_id in run_ids:
        assert wait_for_run(run_id).status == "succeeded"
    health = httpx.get(f"{server}/healthz", timeout=10)  # (no worker runs beside this server)
    assert health.status_code == 200 and health.json()["checks"]["database"]["ok"]


def test_a_model_answer_the_database_cannot_hold_is_answered_and_stored_beside_the_others(server, openai_stand_in):
    openai_stand_in.script(*[Reply(text="Fine answer.") for _ in range(4)], Reply(text="Broken \ud800 answer."),
                           *[Reply(text="Fine answer.") for _ in range(4)])
    member = make_member()
    app = published(member, prompt_graph(stream=False))
    headers = bearer(key_for(member))

    def call(i):
        return httpx.post(f"{server}/v1/apps/{app.slug}/run", json={"inputs": {"query": f"q{i}"}}, headers=headers,
                          timeout=30)

    with ThreadPoolExecutor(max_workers=9) as pool:
        responses = list(pool.map(call, range(9)))

    assert [r.status_code for r in responses] == [200] * 9
    answers = sorted(r.json()["outputs"]["answer"] for r in responses)
    assert answers == ["Broken \ufffd answer."] + ["Fine answer."] * 8
    for response in responses:
        run = wait_for_run(response.json()["run_id"])
        assert run.outputs == response.json()["outputs"]


@pytest.mark.parametrize("route", ["run", "web"])
def test_bodies_nested_too_deeply_are_refused_as_invalid_json(server, route):
    member = make_member()
    app = published(member, greeting_graph("Hello"))
    nested = "[" * 5000 + "]" * 5000
    if route == "run":
        url, headers = f"{server}/v1/apps/{app.slug}/run", bearer(key_for(member))
    else:
        url, headers = f"{server}/v1/share/{web_chat_update(app=app, enabled=True).web_chat_token}/chat", {}

    response = httpx.post(url, content=('{"inputs": {"name": ' + nested + "}}").encode(),
                          headers={**headers, "content-type": "application/json"}, timeout=30)

    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_json"
