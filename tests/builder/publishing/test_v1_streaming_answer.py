"""An answer with text around the model's (``Hi! {{ ask.text }} Bye.``) streams through ``/v1``
(SSE runs), the chat completions (``stream: true``) and the web chat's link: the text before the
model's and the model's first token reach the caller while the model is still answering — the
stand-in holds the rest of its answer until the test has seen them — then the rest; the pieces
add up to the answer."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from builder.publishing.services import web_chat_update
from tests.builder.publishing.graphs import prompt_graph
from tests.builder.publishing.support import bearer, key_for, published, wait_for_run
from tests.runtime.support.openai_stand_in import Reply
from tests.support.members import make_member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

TEMPLATE = "Hi! {{ ask.text }} Bye."
MODEL_SAYS = "one two three"
ANSWER = "Hi! one two three Bye."
FIRST = "Hi! one "  # the text before the model's, then its first token
WAIT_S = 10.0  # a bound for a broken gateway to fail by, never reached when it streams


def answer_graph(template: str = TEMPLATE) -> dict[str, Any]:
    graph = prompt_graph()
    graph["nodes"][2]["config"]["template"] = template
    return graph


def sse(response: httpx.Response) -> Iterator[tuple[str | None, str | None]]:
    """(event name, data) of each SSE event as it arrives, and (None, None) for each keepalive
    comment (the gateway sends them every 0.3 s here: a loop reading them notices a deadline)."""
    name: str | None = None
    data: list[str] = []
    for line in response.iter_lines():
        if line.startswith(":"):
            yield None, None
        elif line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            data.append(line[6:])
        elif not line and data:
            yield name, "\n".join(data)
            name, data = None, []


def stream_in_two_halves(response: httpx.Response, text_of: Callable[[str | None, str], str | None],
                         release: threading.Event) -> tuple[list[str], list[str], list[tuple[str | None, str]]]:
    """The pieces of text that came before ``FIRST`` was complete (the model holding the rest of
    its answer), then — once released — the pieces and the events that followed."""
    started = time.monotonic()
    events = sse(response)
    before: list[str] = []
    for name, data in events:
        assert time.monotonic() - started < WAIT_S, f"only {''.join(before)!r} arrived while the model was answering"
        text = text_of(name, data) if data is not None else None
        if text:
            before.append(text)
            if "".join(before) == FIRST:
                break
    print(f"\n  {FIRST!r} arrived {1000 * (time.monotonic() - started):.0f} ms after the response began")
    release.set()
    after: list[str] = []
    rest: list[tuple[str | None, str]] = []
    for name, data in events:
        if data is None:
            continue
        rest.append((name, data))
        text = text_of(name, data)
        if text:
            after.append(text)
    return before, after, rest


@pytest.fixture
def release(openai_stand_in):
    """The stand-in answers ``MODEL_SAYS`` word by word, holding all after the first word until set."""
    gate = threading.Event()
    openai_stand_in.script(Reply(text=MODEL_SAYS, release=gate))
    yield gate
    gate.set()


def test_a_v1_run_streams_the_text_before_the_model_and_its_first_token_while_it_answers(server, release):
    member = make_member()
    app = published(member, answer_graph())

    with httpx.stream("POST", f"{server}/v1/apps/{app.slug}/run", json={"inputs": {"query": "count"}, "stream": True},
                      headers=bearer(key_for(member)), timeout=30) as response:
        before, after, rest = stream_in_two_halves(
            response, lambda name, data: json.loads(data)["text"] if name == "delta" else None, release)

    assert before == ["Hi! ", "one "]
    assert after == ["two ", "three", " Bye."]
    name, data = rest[-1]
    assert name == "run.finished" and json.loads(data)["outputs"] == {"answer": ANSWER}
    assert "".join(before + after) == ANSWER
    run = wait_for_run(response.headers["x-run-id"])
    assert run.outputs == {"answer": ANSWER}
    # its time to first token (monitoring's Performance page): the first piece came while the model held the rest
    assert 0 < run.api.first_token_ms < run.latency_ms


def test_chat_completions_stream_the_text_before_the_model_and_its_first_token_while_it_answers(server, release):
    member = make_member()
    app = published(member, answer_graph())

    def content(name: str | None, data: str) -> str | None:
        if data == "[DONE]":
            return None
        choices = json.loads(data).get("choices") or [{}]
        return choices[0].get("delta", {}).get("content")

    with httpx.stream("POST", f"{server}/v1/chat/completions", headers=bearer(key_for(member)), timeout=30,
                      json={"model": app.slug, "messages": [{"role": "user", "content": "count"}],
                            "stream": True}) as response:
        before, after, rest = stream_in_two_halves(response, content, release)

    assert before == ["Hi! ", "one "]
    assert after == ["two ", "three", " Bye."]
    finished = [json.loads(data)["choices"][0]["finish_reason"] for _, data in rest if data != "[DONE]"]
    assert finished[-1] == "stop" and rest[-1][1] == "[DONE]"
    assert "".join(before + after) == ANSWER


def test_the_web_chat_link_streams_the_text_before_the_model_and_its_first_token_while_it_answers(server, release):
    member = make_member()
    app = published(member, answer_graph())
    token = web_chat_update(app=app, enabled=True).web_chat_token

    with httpx.stream("POST", f"{server}/v1/share/{token}/chat", timeout=30,
                      json={"messages": [{"role": "user", "content": "count"}], "stream": True}) as response:
        before, after, rest = stream_in_two_halves(
            response, lambda name, data: json.loads(data)["text"] if name == "delta" else None, release)

    assert before == ["Hi! ", "one "]
    assert after == ["two ", "three", " Bye."]
    name, data = rest[-1]
    assert name == "run.finished" and json.loads(data)["answer"] == ANSWER == "".join(before + after)


# --- the bundled local model: time to first token --------------------------------------------------

LOCAL_MODEL = {"provider": "local", "model": "smollm2-135m-instruct", "max_tokens": 12}
QUESTION = "What is the capital of France?"


def local_answer_graph() -> dict[str, Any]:
    graph = answer_graph()
    graph["nodes"][1]["config"]["model"] = LOCAL_MODEL
    return graph


def model_first_token_ms(question: str = QUESTION) -> tuple[float, str]:
    """The local model's own time to its first token, in this process (loaded and warmed up first),
    for the prompt the apps here send; and its answer. Runs in a thread of its own: browser tests
    have an event loop running in theirs."""
    from runtime.providers.base import ChatDelta, ChatMessage, ChatRequest, ChatResult
    from runtime.providers.local import LocalProvider

    async def measure() -> tuple[float, str]:
        provider = LocalProvider()
        await provider.warm_up()
        request = ChatRequest(model=LOCAL_MODEL["model"], messages=[ChatMessage("user", question)],
                              max_tokens=LOCAL_MODEL["max_tokens"])
        started = time.perf_counter()
        first, text = None, ""
        async for item in provider.stream(request):
            if isinstance(item, ChatDelta) and first is None:
                first = time.perf_counter()
            elif isinstance(item, ChatResult):
                text = item.text
        assert first is not None, "the local model streamed nothing"
        return (first - started) * 1000, text

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, measure()).result()


def test_time_to_first_token_through_v1_against_the_local_model(server):
    member = make_member()
    app = published(member, local_answer_graph())
    headers = bearer(key_for(member))
    url = f"{server}/v1/apps/{app.slug}/run"
    warm = httpx.post(url, json={"inputs": {"query": "Hi"}}, headers=headers, timeout=120)  # loads the model there
    assert warm.status_code == 200, warm.text
    alone_ms, alone_text = model_first_token_ms()

    pieces: list[tuple[float, str]] = []
    started = time.perf_counter()
    with httpx.stream("POST", url, json={"inputs": {"query": QUESTION}, "stream": True}, headers=headers,
                      timeout=120) as response:
        for name, data in sse(response):
            if name == "delta" and data is not None:
                pieces.append(((time.perf_counter() - started) * 1000, json.loads(data)["text"]))
            elif name in ("run.finished", "run.failed") and data is not None:
                finished = (name, json.loads(data))
    print(f"\n  SmolLM2 first token: the model alone {alone_ms:.0f} ms ({alone_text!r}); through /v1 SSE "
          f"{pieces[1][0]:.0f} ms after the request, {pieces[1][0] - pieces[0][0]:.0f} ms after the run's "
          f"first delta {pieces[0][1]!r} (at {pieces[0][0]:.0f} ms)")

    texts = [text for _, text in pieces]
    assert texts[0] == "Hi! " and len(texts) > 3, texts  # the text before the model's, then token by token
    assert finished[0] == "run.finished"
    answer = finished[1]["outputs"]["answer"]
    assert answer == "".join(texts) and answer.startswith("Hi! ") and answer.endswith(" Bye.")
