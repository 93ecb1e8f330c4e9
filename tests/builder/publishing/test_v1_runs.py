"""POST /v1/apps/{slug}/run (JSON and SSE), GET /v1/runs/{id}, replay and resume of its events,
feedback — against a real uvicorn whose model is the local stand-in."""

import json
import time

import httpx
import pytest

from builder.publishing.models import Feedback
from builder.publishing.services import label_rollback
from builder.runs.models import NodeTrace
from tests.builder.publishing.graphs import greeting_graph, prompt_graph
from tests.builder.publishing.support import (
    bearer,
    gateway_server,
    key_for,
    parse_sse,
    published,
    republish,
    wait_for_run,
)
from tests.runtime.support.openai_stand_in import Reply
from tests.support.members import make_member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def run_url(server, app):
    return f"{server}/v1/apps/{app.slug}/run"


def test_a_blocking_call_answers_json_and_the_run_is_stored_with_its_trace_key_and_label(server, openai_stand_in):
    openai_stand_in.script(Reply(text="Paris.", usage=(9, 2)))
    member = make_member()
    app = published(member, prompt_graph())
    secret = key_for(member)

    response = httpx.post(run_url(server, app), json={"inputs": {"query": "Capital of France?"}, "user": "u-1"},
                          headers=bearer(secret))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["outputs"] == {"answer": "Paris."} and body["version"] == 1 and body["label"] == "production"
    assert body["usage"] == {"input_tokens": 9, "output_tokens": 2, "total_tokens": 11}
    assert body["latency_ms"] > 0 and "cost" in body
    run = wait_for_run(body["run_id"])
    assert (run.source, run.status, run.version.number, run.outputs) == ("api", "succeeded", 1, body["outputs"])
    assert (run.api.label, run.api.end_user, run.api.api_key.name) == ("production", "u-1", "test")
    traces = list(NodeTrace.objects.filter(run=run))
    assert [t.node_id for t in traces] == ["start", "ask", "answer"]
    assert traces[1].inputs == {"model": "standin/gpt-test",
                                "messages": [{"role": "user", "content": "Capital of France?"}]}
    assert openai_stand_in.chat_requests()[0]["messages"] == [{"role": "user", "content": "Capital of France?"}]


def test_keys_missing_invalid_revoked_or_of_another_app_are_refused(server):
    from builder.publishing.models import ApiKey
    from builder.publishing.services import api_key_revoke

    member = make_member()
    app = published(member, greeting_graph())
    other = published(member, greeting_graph(), name="Other")
    scoped = key_for(member, app=other)
    revoked = key_for(member)
    assert httpx.post(run_url(server, app), json={"inputs": {"name": "A"}}, headers=bearer(revoked)).status_code == 200
    api_key_revoke(key=ApiKey.objects.get(prefix=revoked.split("_")[1]))

    missing = httpx.post(run_url(server, app), json={"inputs": {"name": "A"}})
    invalid = httpx.post(run_url(server, app), json={"inputs": {"name": "A"}}, headers=bearer("lsk_nope_nope"))
    wrong = httpx.post(run_url(server, app), json={"inputs": {"name": "A"}}, headers=bearer(scoped))
    deadline = time.monotonic() + 6  # other processes honour a revocation within seconds
    while (gone := httpx.post(run_url(server, app), json={"inputs": {"name": "A"}},
                              headers=bearer(revoked))).status_code == 200:
        assert time.monotonic() < deadline, "the revoked key still works"
        time.sleep(0.2)

    assert (missing.status_code, missing.json()["error"]["code"]) == (401, "missing_api_key")
    assert (invalid.status_code, invalid.json()["error"]["code"]) == (401, "invalid_api_key")
    assert (gone.status_code, gone.json()["error"]["code"]) == (401, "invalid_api_key")
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (403, "api_key_scope")


def test_bad_requests_get_the_error_shape_with_stable_codes(server):
    member = make_member()
    app = published(member, greeting_graph())
    headers = bearer(key_for(member))

    bad_inputs = httpx.post(run_url(server, app), json={"inputs": {"nope": 1}}, headers=headers)
    not_json = httpx.post(run_url(server, app), content=b"{", headers=headers)
    too_big = httpx.post(run_url(server, app), json={"inputs": {"name": "x" * 2_000_000}}, headers=headers)
    unknown = httpx.post(f"{server}/v1/apps/nope/run", json={}, headers=headers)
    no_label = httpx.post(run_url(server, app), json={"inputs": {"name": "A"}, "label": "beta"}, headers=headers)
    no_route = httpx.get(f"{server}/v1/nothing", headers=headers)

    codes = [(r.status_code, r.json()["error"]["code"]) for r in (bad_inputs, not_json, too_big, unknown, no_label,
                                                                  no_route)]
    assert codes == [(400, "inputs_invalid"), (400, "malformed_request"), (413, "request_too_large"),
                     (404, "app_not_found"), (404, "label_not_found"), (404, "not_found")]


def test_a_failed_run_answers_run_failed_and_is_stored_as_failed(server, openai_stand_in):
    openai_stand_in.script(Reply.error(400, "bad prompt"))
    member = make_member()
    app = published(member, prompt_graph())

    response = httpx.post(run_url(server, app), json={"inputs": {"query": "x"}}, headers=bearer(key_for(member)))

    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "run_failed" and error["details"]["node_id"] == "ask"
    assert wait_for_run(error["details"]["run_id"]).status == "failed"


def test_streaming_sends_run_node_and_delta_events_then_a_terminal_event(server, openai_stand_in):
    openai_stand_in.script(Reply(text="one two three"))
    member = make_member()
    app = published(member, prompt_graph())

    response = httpx.post(run_url(server, app), json={"inputs": {"query": "count"}, "stream": True},
                          headers=bearer(key_for(member)))

    assert response.headers["content-type"].startswith("text/event-stream")
    events, _ = parse_sse(response.text)
    names = [e.event for e in events]
    assert names[0] == "run.started" and names[-1] == "run.finished"
    assert {"node.started", "node.finished"} <= set(names)
    assert "node.inputs" not in names  # the app's rendered prompts are for its trace, not for callers
    assert "".join(e.data["text"] for e in events if e.event == "delta") == "one two three"
    assert [e.id for e in events] == list(range(1, len(events) + 1))
    assert events[-1].data["outputs"] == {"answer": "one two three"}
    assert wait_for_run(response.headers["x-run-id"]).api.stream is True


def test_a_quiet_stream_gets_keepalive_comments(server, openai_stand_in):
    openai_stand_in.script(Reply(text="late", delay_s=1.0))
    member = make_member()
    app = published(member, prompt_graph())

    response = httpx.post(run_url(server, app), json={"inputs": {"query": "x"}, "stream": True},
                          headers=bearer(key_for(member)))

    events, comments = parse_sse(response.text)
    assert "keepalive" in comments and events[-1].event == "run.finished"


def test_events_replay_and_resume_after_last_event_id(server, openai_stand_in):
    openai_stand_in.script(Reply(text="a b c d"))
    member = make_member()
    app = published(member, prompt_graph())
    headers = bearer(key_for(member))
    first = httpx.post(run_url(server, app), json={"inputs": {"query": "x"}, "stream": True}, headers=headers)
    run_id = first.headers["x-run-id"]
    original, _ = parse_sse(first.text)
    wait_for_run(run_id)

    replay, _ = parse_sse(httpx.get(f"{server}/v1/runs/{run_id}/events", headers=headers).text)
    resumed, _ = parse_sse(httpx.get(f"{server}/v1/runs/{run_id}/events",
                                     headers={**headers, "Last-Event-ID": "3"}).text)

    assert [(e.id, e.event) for e in replay] == [(e.id, e.event) for e in original]
    assert [e.id for e in resumed] == [e.id for e in original][3:]
    assert resumed[-1].event == "run.finished"


def test_a_client_that_hangs_up_and_resumes_at_once_gets_the_rest_of_the_run(server, openai_stand_in):
    """A hang-up cancels a run only when nobody comes back for it within the grace
    (LLMOPS_V1_HANGUP_GRACE_SECONDS); see test_v1_disconnect.py for the hang-ups that stay."""
    openai_stand_in.script(Reply(text="w1 w2 w3 w4 w5", chunk_delay_s=0.15))
    member = make_member()
    app = published(member, prompt_graph())
    headers = bearer(key_for(member))

    with httpx.stream("POST", run_url(server, app), json={"inputs": {"query": "x"}, "stream": True},
                      headers=headers) as first:
        run_id = first.headers["x-run-id"]
        seen = ""
        for text in first.iter_text():
            seen += text
            if "event: delta" in seen:
                break
    last_id = max(e.id for e in parse_sse(seen.rsplit("\n\n", 1)[0] + "\n\n")[0])
    resumed = httpx.get(f"{server}/v1/runs/{run_id}/events", headers={**headers, "Last-Event-ID": str(last_id)})

    events, _ = parse_sse(resumed.text)
    assert events[0].id == last_id + 1 and events[-1].event == "run.finished"


def test_get_run_shows_status_and_outputs(server):
    member = make_member()
    app = published(member, greeting_graph())
    headers = bearer(key_for(member))
    run_id = httpx.post(run_url(server, app), json={"inputs": {"name": "Ada"}}, headers=headers).json()["run_id"]

    early = httpx.get(f"{server}/v1/runs/{run_id}", headers=headers).json()
    wait_for_run(run_id)
    stored = httpx.get(f"{server}/v1/runs/{run_id}", headers=headers).json()

    for body in (early, stored):
        assert (body["status"], body["outputs"], body["version"]) == ("succeeded", {"answer": "Hello, Ada!"}, 1)
    other = make_member()
    assert httpx.get(f"{server}/v1/runs/{run_id}", headers=bearer(key_for(other))).status_code == 404


def test_feedback_is_stored_on_the_run(server):
    member = make_member()
    app = published(member, greeting_graph())
    headers = bearer(key_for(member))
    run_id = httpx.post(run_url(server, app), json={"inputs": {"name": "Ada"}}, headers=headers).json()["run_id"]

    response = httpx.post(f"{server}/v1/runs/{run_id}/feedback", headers=headers,
                          json={"rating": "up", "score": 0.9, "comment": "spot on", "user": "u-7"})
    bad = httpx.post(f"{server}/v1/runs/{run_id}/feedback", headers=headers, json={"score": 7})

    assert response.status_code == 201, response.text
    feedback = Feedback.objects.get(run_id=run_id)
    assert (feedback.rating, feedback.score, feedback.comment, feedback.end_user) == (1, 0.9, "spot on", "u-7")
    assert bad.json()["error"]["code"] == "invalid_request"


def test_rollback_changes_the_served_version_without_a_restart(server):
    member = make_member()
    app = published(member, greeting_graph("Hello"))
    republish(member, app, greeting_graph("Howdy"))
    headers = bearer(key_for(member))

    def answer():
        return httpx.post(run_url(server, app), json={"inputs": {"name": "Ada"}}, headers=headers).json()

    assert (answer()["outputs"]["answer"], answer()["version"]) == ("Howdy, Ada!", 2)
    label_rollback(app=app, user=member.user)
    deadline = time.monotonic() + 5
    while (body := answer())["version"] != 1:
        assert time.monotonic() < deadline, "the rollback was not served"
        time.sleep(0.1)
    assert body["outputs"]["answer"] == "Hello, Ada!"
    pinned = httpx.post(run_url(server, app), json={"inputs": {"name": "Ada"}, "version": 2}, headers=headers).json()
    assert (pinned["version"], pinned["label"]) == (2, None)


def test_secrets_are_redacted_in_the_stored_run_while_the_caller_gets_the_answer(stand_in_server, openai_stand_in):
    provider_key = "standin-provider-key-7f3a9c"
    openai_stand_in.script(Reply(text=f"Noted {provider_key}; also sk-proj-AbCdEf0123456789xyz"))
    member = make_member()
    app = published(member, prompt_graph())

    with gateway_server(stand_in_server, LLMOPS_OPENAI_API_KEY=provider_key) as base:
        response = httpx.post(run_url(base, app), json={"inputs": {"query": "my password=hunter2hunter"}},
                              headers=bearer(key_for(member)))

    assert provider_key in response.json()["outputs"]["answer"]
    run = wait_for_run(response.json()["run_id"])
    stored = json.dumps([run.inputs, run.outputs, run.api.events,
                         [t.outputs for t in NodeTrace.objects.filter(run=run)]])
    for secret in ("hunter2hunter", provider_key, "AbCdEf0123456789xyz"):
        assert secret not in stored
    assert run.inputs == {"query": "my password=[redacted]"}
    assert run.outputs == {"answer": "Noted [redacted]; also sk-[redacted]"}


def test_the_items_of_an_iteration_are_in_the_stored_trace(server):
    sub = {
        "inputs": [{"name": "item"}],
        "nodes": [{"id": "start", "type": "start"},
                  {"id": "shout", "type": "template", "config": {"template": "{{ inputs.item | upper }}"}},
                  {"id": "end", "type": "end", "config": {"outputs": {"line": "shout.text"}}}],
        "edges": [{"id": "a", "source": "start", "target": "shout"}, {"id": "b", "source": "shout", "target": "end"}],
    }
    graph = {
        "inputs": [{"name": "words", "type": "array"}],
        "nodes": [{"id": "start", "type": "start"},
                  {"id": "loop", "type": "iteration",
                   "config": {"items": "inputs.words", "graph": sub, "output": "line"}},
                  {"id": "end", "type": "end", "config": {"outputs": {"lines": "loop.results"}}}],
        "edges": [{"id": "e1", "source": "start", "target": "loop"}, {"id": "e2", "source": "loop", "target": "end"}],
    }
    member = make_member()
    app = published(member, graph)

    response = httpx.post(run_url(server, app), json={"inputs": {"words": ["a", "b"]}}, headers=bearer(key_for(member)))

    assert response.json()["outputs"] == {"lines": ["A", "B"]}
    run = wait_for_run(response.json()["run_id"])
    traces = {t.node_id: t for t in NodeTrace.objects.filter(run=run)}
    assert {"loop[0]/shout", "loop[1]/shout"} <= set(traces)
    assert traces["loop[1]/shout"].outputs == {"text": "B"}
