"""A published app serves its approved replies, on a real server whose model is the local
stand-in: a question close enough to a reviewed one gets the stored answer — as JSON, streamed,
through the OpenAI-compatible endpoint and the web chat — and the model is not called; the run is
stored with one ``annotation_reply`` node. Any other question runs the app as before."""

import httpx
import openai
import pytest

from builder.publishing.services import web_chat_update
from builder.replies.models import Reply
from builder.replies.services import reply_update
from tests.builder.publishing.graphs import chat_graph, prompt_graph
from tests.builder.publishing.support import bearer, key_for, parse_sse, published, wait_for_run
from tests.builder.replies.support import APPROVED, PARAPHRASED, REVIEWED, UNRELATED, approved_reply, replies_on
from tests.runtime.support.openai_stand_in import Reply as ModelReply
from tests.support.members import make_member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
TIMEOUT = 60  # the first match of a fresh server may wait for its embedding model


def helpdesk(*, on: bool = True, graph=None):
    """A published app with one approved reply (replies turned on unless ``on`` is False)."""
    member = make_member()
    app = published(member, graph or prompt_graph(), name="Helpdesk")
    reply = approved_reply(member, app)
    if on:
        replies_on(member, app)
    return member, app, reply


def run(server, member, app, question, **body) -> httpx.Response:
    return httpx.post(f"{server}/v1/apps/{app.slug}/run", json={"inputs": {"query": question}, **body},
                      headers=bearer(key_for(member)), timeout=TIMEOUT)


def test_a_paraphrased_question_gets_the_approved_answer_and_the_model_is_not_called(server, openai_stand_in):
    member, app, reply = helpdesk()

    response = run(server, member, app, PARAPHRASED)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["outputs"]) == ("succeeded", {"answer": APPROVED})
    assert body["usage"] == {"input_tokens": 0, "output_tokens": 0, "total_tokens": 0}
    assert openai_stand_in.chat_requests() == [], "a served reply must not call the model"
    stored = wait_for_run(body["run_id"])
    assert (stored.status, stored.source, stored.outputs) == ("succeeded", "api", {"answer": APPROVED})
    [trace] = stored.traces.all()
    assert (trace.node_id, trace.node_type, trace.status) == ("annotation_reply", "annotation_reply", "succeeded")
    assert trace.outputs["reply_id"] == reply.pk and trace.outputs["question"] == REVIEWED
    assert 0.9 <= trace.outputs["similarity"] < 1
    assert trace.inputs == {"question": PARAPHRASED}
    reply.refresh_from_db()
    assert reply.hit_count == 1 and reply.last_hit_at is not None


def test_an_unrelated_question_runs_the_app(server, openai_stand_in):
    openai_stand_in.script(ModelReply(text="Paris."))
    member, app, reply = helpdesk()

    response = run(server, member, app, UNRELATED)

    assert response.json()["outputs"] == {"answer": "Paris."}
    assert len(openai_stand_in.chat_requests()) == 1
    stored = wait_for_run(response.json()["run_id"])
    assert list(stored.traces.values_list("node_id", flat=True)) == ["start", "ask", "answer"]
    assert Reply.objects.get(pk=reply.pk).hit_count == 0


def test_replies_are_off_by_default_and_the_app_answers_as_before(server, openai_stand_in):
    openai_stand_in.script(ModelReply(text="From the model."))
    member, app, _ = helpdesk(on=False)

    response = run(server, member, app, REVIEWED)

    assert response.json()["outputs"] == {"answer": "From the model."}
    assert len(openai_stand_in.chat_requests()) == 1
    assert not wait_for_run(response.json()["run_id"]).traces.filter(node_type="annotation_reply").exists()


def test_a_switched_off_reply_is_not_served(server, openai_stand_in):
    openai_stand_in.script(ModelReply(text="From the model."))
    member, app, reply = helpdesk()
    reply_update(reply=reply, enabled=False)

    response = run(server, member, app, REVIEWED)

    assert response.json()["outputs"] == {"answer": "From the model."}
    assert len(openai_stand_in.chat_requests()) == 1


def test_a_streamed_call_gets_the_reply_streamed(server, openai_stand_in):
    member, app, _ = helpdesk()

    response = run(server, member, app, PARAPHRASED, stream=True)

    assert response.headers["content-type"].startswith("text/event-stream")
    events, _ = parse_sse(response.text)
    assert [e.event for e in events] == ["run.started", "node.started", "node.finished", "delta", "run.finished"]
    assert events[3].data == {"node_id": "answer", "text": APPROVED}
    assert events[2].data["node_type"] == "annotation_reply"
    assert events[-1].data["outputs"] == {"answer": APPROVED}
    assert openai_stand_in.chat_requests() == []
    assert wait_for_run(response.headers["x-run-id"]).api.stream is True


def test_chat_completions_answer_with_the_reply_blocking_and_streamed(server, openai_stand_in):
    member, app, _ = helpdesk(graph=chat_graph())
    client = openai.OpenAI(base_url=f"{server}/v1", api_key=key_for(member), max_retries=0, timeout=TIMEOUT)
    history = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello! How can I help?"}]

    blocking = client.chat.completions.create(
        model=app.slug, messages=[*history, {"role": "user", "content": PARAPHRASED}])
    chunks = list(client.chat.completions.create(
        model=app.slug, messages=[{"role": "user", "content": PARAPHRASED}], stream=True))

    assert blocking.choices[0].message.content == APPROVED and blocking.choices[0].finish_reason == "stop"
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == APPROVED
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert openai_stand_in.chat_requests() == []
    stored = wait_for_run(blocking.model_extra["run_id"])
    assert (stored.source, list(stored.traces.values_list("node_type", flat=True))) == ("chat", ["annotation_reply"])


def test_the_web_chat_serves_the_reply(server, openai_stand_in):
    _, app, _ = helpdesk()
    token = web_chat_update(app=app, enabled=True).web_chat_token

    answered = httpx.post(f"{server}/v1/share/{token}/chat", timeout=TIMEOUT,
                          json={"messages": [{"role": "user", "content": PARAPHRASED}]})
    streamed = httpx.post(f"{server}/v1/share/{token}/chat", timeout=TIMEOUT,
                          json={"messages": [{"role": "user", "content": PARAPHRASED}], "stream": True})

    assert answered.json()["answer"] == APPROVED
    events, _ = parse_sse(streamed.text)
    assert [(e.event, e.data.get("text")) for e in events[:-1]] == [("delta", APPROVED)]
    assert events[-1].data["answer"] == APPROVED
    assert openai_stand_in.chat_requests() == []
    assert wait_for_run(answered.json()["run_id"]).source == "web"
