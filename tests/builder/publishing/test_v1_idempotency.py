"""An Idempotency-Key names one call: sent again with the same call it answers the first run again
(JSON or streamed, marked ``Idempotent-Replayed: true``); sent with another call — other inputs,
another app — it answers 409 ``idempotency_key_reused`` (as Stripe does), while the first run is
running and once it is stored."""

import httpx
import pytest

from builder.runs.models import Run
from tests.builder.publishing.graphs import greeting_graph, prompt_graph
from tests.builder.publishing.support import bearer, key_for, parse_sse, published, wait_for_run
from tests.runtime.support.openai_stand_in import Reply
from tests.support.members import make_member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def run(server, app, headers, body) -> httpx.Response:
    return httpx.post(f"{server}/v1/apps/{app.slug}/run", json=body, headers=headers, timeout=20)


def reused(response: httpx.Response, first_run_id: str) -> None:
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert error["details"] == {"idempotency_key": "order-42", "run_id": first_run_id}


def test_the_same_key_with_other_inputs_is_refused_once_the_first_run_is_stored(server):
    member = make_member()
    app = published(member, greeting_graph())
    headers = bearer(key_for(member))
    first = run(server, app, headers, {"inputs": {"name": "Ada"}, "version": 1, "idempotency_key": "order-42"})
    wait_for_run(first.json()["run_id"])

    other = run(server, app, headers, {"inputs": {"name": "Bob"}, "version": 1, "idempotency_key": "order-42"})
    same = run(server, app, headers, {"idempotency_key": "order-42", "inputs": {"name": "Ada"}, "version": "v1",
                                      "temperature": 0.3})

    reused(other, first.json()["run_id"])
    assert same.status_code == 200 and same.headers["idempotent-replayed"] == "true"
    assert same.json()["run_id"] == first.json()["run_id"]
    assert Run.objects.filter(app=app).count() == 1


def test_the_same_key_with_another_call_is_refused_while_the_first_run_is_running(server, openai_stand_in):
    openai_stand_in.script(Reply(text="slow", delay_s=1.0))
    member = make_member()
    app = published(member, prompt_graph())
    headers = {**bearer(key_for(member)), "Idempotency-Key": "order-42"}

    with httpx.stream("POST", f"{server}/v1/apps/{app.slug}/run", headers=headers, timeout=20,
                      json={"inputs": {"query": "first"}, "stream": True}) as first:
        first_id = first.headers["x-run-id"]
        other = run(server, app, headers, {"inputs": {"query": "second"}})
        first.read()

    reused(other, first_id)
    assert len(openai_stand_in.chat_requests()) == 1
    wait_for_run(first_id)


def test_the_same_key_for_another_app_is_refused(server):
    member = make_member()
    app = published(member, greeting_graph())
    other_app = published(member, greeting_graph("Hi"), name="Other")
    headers = {**bearer(key_for(member)), "Idempotency-Key": "order-42"}
    first = run(server, app, headers, {"inputs": {"name": "Ada"}})

    elsewhere = run(server, other_app, headers, {"inputs": {"name": "Ada"}})

    reused(elsewhere, first.json()["run_id"])
    wait_for_run(first.json()["run_id"])
    assert not Run.objects.filter(app=other_app).exists()


def test_a_streamed_replay_is_marked_replayed_while_running_and_once_stored(server, openai_stand_in):
    openai_stand_in.script(Reply(text="one two", delay_s=0.5))
    member = make_member()
    app = published(member, prompt_graph())
    headers = {**bearer(key_for(member)), "Idempotency-Key": "order-42"}
    body = {"inputs": {"query": "count"}, "stream": True}

    with httpx.stream("POST", f"{server}/v1/apps/{app.slug}/run", headers=headers, json=body, timeout=20) as first:
        live_replay = run(server, app, headers, body)
        first_text = first.read().decode()
    wait_for_run(first.headers["x-run-id"])
    stored_replay = run(server, app, headers, body)
    json_replay = run(server, app, headers, {**body, "stream": False})

    assert "idempotent-replayed" not in first.headers
    for replay in (live_replay, stored_replay, json_replay):
        assert replay.status_code == 200, replay.text
        assert replay.headers["idempotent-replayed"] == "true"
    first_events, _ = parse_sse(first_text)
    for replay in (live_replay, stored_replay):
        events, _ = parse_sse(replay.text)
        assert replay.headers["x-run-id"] == first.headers["x-run-id"]
        assert [(e.id, e.event) for e in events] == [(e.id, e.event) for e in first_events]
    assert json_replay.json()["run_id"] == first.headers["x-run-id"]
    assert json_replay.json()["outputs"] == {"answer": "one two"}
    assert len(openai_stand_in.chat_requests()) == 1
