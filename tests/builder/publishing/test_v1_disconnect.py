"""A client that hangs up cancels its run: a `/v1` stream, a `/v1` JSON call, an OpenAI-style stream
and the web chat's stream, each against a model that holds its answer open. The run is stored as
``cancelled`` with the nodes that ran, the model's connection is closed, and a replay with the
same idempotency key answers that stored state — against a real uvicorn and the local stand-in."""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import urlparse

import httpx
import pytest

from builder.publishing.models import ApiRun
from builder.publishing.services import web_chat_update
from tests.builder.publishing.graphs import prompt_graph
from tests.builder.publishing.support import bearer, key_for, parse_sse, published, wait_for_run
from tests.runtime.support.openai_stand_in import Reply
from tests.support.members import make_member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def hang_up_after_first_event(method: str, url: str, **kwargs) -> tuple[str, str]:
    """Open a stream, read up to its first event, hang up: (run id, what was read)."""
    seen = ""
    with httpx.stream(method, url, timeout=20, **kwargs) as response:
        assert response.status_code == 200, response.read()
        run_id = response.headers["x-run-id"]
        for text in response.iter_text():
            seen += text
            if "\n\n" in seen:
                break
    return run_id, seen


def wait_until_the_model_is_called(stand_in, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not stand_in.chat_requests():
        assert time.monotonic() < deadline, "the model was never called"
        time.sleep(0.02)


def assert_cancelled_with_what_ran(run_id: str) -> None:
    run = wait_for_run(run_id, status="cancelled")
    assert (run.error_code, run.error_message) == ("cancelled", "The client disconnected before the run finished.")
    assert dict(run.traces.values_list("node_id", "status")) == {"start": "succeeded", "ask": "cancelled"}
    assert run.api.events[-1]["event"] == "run.failed" and run.api.events[-1]["data"]["code"] == "cancelled"


def test_a_v1_stream_whose_client_hangs_up_is_cancelled_and_its_model_call_dropped(server, openai_stand_in):
    openai_stand_in.script(Reply.held("Let me think"))
    member = make_member()
    app = published(member, prompt_graph())
    headers = bearer(key_for(member))

    run_id, seen = hang_up_after_first_event("POST", f"{server}/v1/apps/{app.slug}/run", headers=headers,
                                             json={"inputs": {"query": "x"}, "stream": True})

    assert parse_sse(seen)[0][0].event == "run.started"
    assert openai_stand_in.wait_for_hangup(), "the model's connection was left open"
    assert_cancelled_with_what_ran(run_id)
    shown = httpx.get(f"{server}/v1/runs/{run_id}", headers=headers).json()
    assert shown["status"] == "cancelled"
    assert shown["error"]["details"]["cause"] == "cancelled"
    assert shown["error"]["message"] == "The client disconnected before the run finished."


def test_a_json_call_whose_client_hangs_up_is_cancelled_and_replays_as_cancelled(server, openai_stand_in):
    openai_stand_in.script(Reply.held("Let me think"))
    member = make_member()
    app = published(member, prompt_graph())
    secret = key_for(member)
    body = {"inputs": {"query": "x"}}
    raw = json.dumps(body).encode()
    address = urlparse(server)

    with socket.create_connection((address.hostname, address.port), timeout=20) as client:
        client.sendall(
            f"POST /v1/apps/{app.slug}/run HTTP/1.1\r\nHost: {address.netloc}\r\nAuthorization: Bearer {secret}\r\n"
            f"Content-Type: application/json\r\nIdempotency-Key: order-7\r\nContent-Length: {len(raw)}\r\n\r\n".encode()
            + raw
        )
        wait_until_the_model_is_called(openai_stand_in)
    # the socket is closed: the client hung up before any answer

    assert openai_stand_in.wait_for_hangup(), "the model's connection was left open"
    deadline = time.monotonic() + 10
    while (api := ApiRun.objects.filter(idempotency_key="order-7").first()) is None:
        assert time.monotonic() < deadline, "the run was not stored"
        time.sleep(0.05)
    assert_cancelled_with_what_ran(str(api.run_id))

    headers = {**bearer(secret), "Idempotency-Key": "order-7"}
    replayed = httpx.post(f"{server}/v1/apps/{app.slug}/run", headers=headers, json=body)
    streamed = httpx.post(f"{server}/v1/apps/{app.slug}/run", headers=headers, json={**body, "stream": True})

    assert replayed.status_code == 502 and replayed.headers["idempotent-replayed"] == "true"
    error = replayed.json()["error"]
    assert (error["code"], error["details"]["cause"], error["details"]["run_id"]) == (
        "run_failed", "cancelled", str(api.run_id))
    events, _ = parse_sse(streamed.text)
    assert streamed.headers["x-run-id"] == str(api.run_id)
    assert events[-1].event == "run.failed" and events[-1].data["code"] == "cancelled"
    assert len(openai_stand_in.chat_requests()) == 1, "a replay never runs the app again"


def test_an_openai_style_stream_whose_client_hangs_up_is_cancelled(server, openai_stand_in):
    openai_stand_in.script(Reply.held("Let me think"))
    member = make_member()
    app = published(member, prompt_graph())

    run_id, seen = hang_up_after_first_event(
        "POST", f"{server}/v1/chat/completions", headers=bearer(key_for(member)),
        json={"model": app.slug, "messages": [{"role": "user", "content": "x"}], "stream": True})

    assert seen.startswith("data: ")
    assert openai_stand_in.wait_for_hangup(), "the model's connection was left open"
    assert_cancelled_with_what_ran(run_id)


def test_a_web_chat_visitor_who_leaves_mid_answer_cancels_the_run(server, openai_stand_in):
    openai_stand_in.script(Reply.held("Let me think"))
    member = make_member()
    app = published(member, prompt_graph())
    token = web_chat_update(app=app, enabled=True).web_chat_token

    run_id, seen = hang_up_after_first_event(
        "POST", f"{server}/v1/share/{token}/chat",
        json={"messages": [{"role": "user", "content": "Where is the office?"}], "stream": True})

    first = parse_sse(seen)[0][0]
    assert (first.event, first.data["text"]) == ("delta", "Let me think")
    assert openai_stand_in.wait_for_hangup(), "the model's connection was left open"
    assert_cancelled_with_what_ran(run_id)
    assert wait_for_run(run_id).source == "web"
