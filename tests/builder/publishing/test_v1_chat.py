"""The official ``openai`` client against /v1/chat/completions (blocking and streaming) and
/v1/models: an app is a model named by its slug."""

import openai
import pytest

from tests.builder.publishing.graphs import chat_graph, greeting_graph, prompt_graph
from tests.builder.publishing.support import key_for, published, republish, wait_for_run
from tests.runtime.support.openai_stand_in import Reply
from tests.support.members import make_member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def client(server, secret) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server}/v1", api_key=secret, max_retries=0)


def test_a_blocking_completion_runs_the_app_and_reports_usage(server, openai_stand_in):
    openai_stand_in.script(Reply(text="Bonjour!", usage=(6, 3)))
    member = make_member()
    app = published(member, prompt_graph())

    reply = client(server, key_for(member)).chat.completions.create(
        model=app.slug, messages=[{"role": "user", "content": "Say hello in French"}])

    assert reply.choices[0].message.content == "Bonjour!"
    assert reply.choices[0].finish_reason == "stop" and reply.model == app.slug
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens, reply.usage.total_tokens) == (6, 3, 9)
    run = wait_for_run(reply.model_extra["run_id"])
    assert (run.source, run.inputs) == ("chat", {"query": "Say hello in French"})


def test_streaming_chunks_carry_the_tokens_and_usage_in_openais_format(server, openai_stand_in):
    openai_stand_in.script(Reply(text="one two three", usage=(4, 3)))
    member = make_member()
    app = published(member, prompt_graph())

    chunks = list(client(server, key_for(member)).chat.completions.create(
        model=app.slug, messages=[{"role": "user", "content": "count"}], stream=True,
        stream_options={"include_usage": True}))

    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "one two three"
    assert chunks[0].choices[0].delta.role == "assistant"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].usage.total_tokens == 7 and chunks[-1].choices == []
    assert len({c.id for c in chunks}) == 1


def test_earlier_messages_become_the_history_input(server, openai_stand_in):
    member = make_member()
    app = published(member, chat_graph())

    client(server, key_for(member)).chat.completions.create(model=app.slug, messages=[
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "My name is Ada."},
        {"role": "assistant", "content": "Hi Ada."},
        {"role": "user", "content": "What is my name?"},
    ])

    sent = openai_stand_in.chat_requests()[0]["messages"]
    assert sent[1] == {"role": "user", "content": "What is my name?"}
    assert "My name is Ada." in sent[0]["content"] and "Hi Ada." in sent[0]["content"]


def test_a_model_name_can_pin_a_label_or_a_version(server):
    member = make_member()
    app = published(member, greeting_graph("Hello"))
    republish(member, app, greeting_graph("Howdy"))
    ai = client(server, key_for(member))

    def ask(model):
        return ai.chat.completions.create(model=model, messages=[{"role": "user", "content": "Ada"}]
                                          ).choices[0].message.content

    assert ask(app.slug) == "Howdy, Ada!"
    assert ask(f"{app.slug}@production") == "Howdy, Ada!"
    assert ask(f"{app.slug}@v1") == "Hello, Ada!"


def test_models_lists_the_published_apps_the_key_may_call(server):
    member = make_member()
    first = published(member, greeting_graph(), name="First")
    second = published(member, greeting_graph(), name="Second")

    everything = {m.id for m in client(server, key_for(member)).models.list()}
    one = {m.id for m in client(server, key_for(member, app=second)).models.list()}

    assert everything == {first.slug, second.slug}
    assert one == {second.slug}


def test_errors_reach_the_client_as_openai_errors(server):
    member = make_member()
    published(member, greeting_graph())
    ai = client(server, key_for(member))

    with pytest.raises(openai.NotFoundError) as missing:
        ai.chat.completions.create(model="nope", messages=[{"role": "user", "content": "x"}])
    with pytest.raises(openai.AuthenticationError):
        client(server, "lsk_bad_bad").models.list()

    assert missing.value.body["code"] == "app_not_found"
