"""The OpenAI-compatible provider against the local stand-in server (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable

import pytest

from runtime.net import safe_transport
from runtime.providers.base import (
    AuthFailed,
    BadRequest,
    ChatDelta,
    ChatMessage,
    ChatRequest,
    ChatResult,
    EmptyCompletion,
    ProviderError,
    ProviderTimeout,
    RateLimited,
    ServerError,
    ToolCall,
)
from runtime.providers.openai_compat import OpenAICompatibleProvider
from runtime.providers.retry import RetryPolicy
from tests.runtime.support.openai_stand_in import Reply, StandInServer

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}
FAST_RETRY = RetryPolicy(max_retries=2, base_delay_s=0.05, max_delay_s=5.0)
MakeProvider = Callable[..., OpenAICompatibleProvider]


@pytest.fixture
async def make_provider() -> AsyncIterator[Callable[..., OpenAICompatibleProvider]]:
    """Providers pointed at the stand-in; their connection pools are closed after the test."""
    made: list[OpenAICompatibleProvider] = []

    def make(server: StandInServer, **kwargs: object) -> OpenAICompatibleProvider:
        options: dict[str, object] = {
            "name": "stand-in",
            "base_url": server.base_url,
            "api_key": "sk-test-secret",
            "retry": FAST_RETRY,
            "timeout_s": 5.0,
        }
        options.update(kwargs)
        made.append(OpenAICompatibleProvider(**options))  # type: ignore[arg-type]
        return made[-1]

    yield make
    for provider in made:
        await provider.aclose()


def ask(text: str = "Hi", **kwargs: object) -> ChatRequest:
    return ChatRequest(model="gpt-4o-mini", messages=[ChatMessage(role="user", content=text)], **kwargs)  # type: ignore[arg-type]


async def collect(provider: OpenAICompatibleProvider, request: ChatRequest) -> tuple[list[str], ChatResult]:
    deltas: list[str] = []
    results: list[ChatResult] = []
    async for item in provider.stream(request):
        if isinstance(item, ChatDelta):
            assert not results, "no delta may follow the final result"
            deltas.append(item.text)
        else:
            results.append(item)
    assert len(results) == 1
    return deltas, results[0]


async def test_chat_returns_text_and_usage(
    openai_stand_in: StandInServer, make_provider: MakeProvider
) -> None:
    openai_stand_in.script(Reply(text="Paris is the capital.", usage=(12, 5)))

    result = await make_provider(openai_stand_in).chat(ask("Capital of France?"))

    assert result.text == "Paris is the capital."
    assert (result.usage.input_tokens, result.usage.output_tokens) == (12, 5)
    assert result.finish_reason == "stop"
    assert result.model == "gpt-4o-mini"


async def test_request_carries_parameters_key_and_headers(
    openai_stand_in: StandInServer, make_provider: MakeProvider
) -> None:
    provider = make_provider(openai_stand_in, headers={"X-Tenant": "acme"})
    await provider.chat(ask(temperature=0.2, top_p=0.9, max_tokens=33, seed=7, stop=["END"], json_mode=True))

    sent = openai_stand_in.requests[-1]
    assert sent.headers["authorization"] == "Bearer sk-test-secret"
    assert sent.headers["x-tenant"] == "acme"
    assert sent.body["temperature"] == 0.2 and sent.body["top_p"] == 0.9
    assert sent.body["max_tokens"] == 33 and sent.body["seed"] == 7 and sent.body["stop"] == ["END"]
    assert sent.body["response_format"] == {"type": "json_object"}


async def test_stream_yields_deltas_then_result_with_usage(
    openai_stand_in: StandInServer, make_provider: MakeProvider
) -> None:
    openai_stand_in.script(Reply(text="one two three", usage=(9, 3)))

    deltas, result = await collect(make_provider(openai_stand_in), ask())

    assert deltas == ["one ", "two ", "three"]
    assert result.text == "one two three"
    assert (result.usage.input_tokens, result.usage.output_tokens) == (9, 3)
    assert openai_stand_in.chat_requests()[-1]["stream_options"] == {"include_usage": True}


async def test_stream_tolerates_a_server_without_usage(
    openai_stand_in: StandInServer, make_provider: MakeProvider
) -> None:
    openai_stand_in.script(Reply(text="no usage here", usage=None))

    _, result = await collect(make_provider(openai_stand_in, stream_usage=False), ask())

    assert result.text == "no usage here"
    assert (result.usage.input_tokens, result.usage.output_tokens) == (0, 0)
    assert "stream_options" not in openai_stand_in.chat_requests()[-1]


async def test_tool_calls_are_returned(openai_stand_in: StandInServer, make_provider: MakeProvider) -> None:
    call = {"id": "call_1", "name": "get_weather", "arguments": '{"city": "Paris"}'}
    openai_stand_in.script(Reply(text=None, tool_calls=[call]))

    result = await make_provider(openai_stand_in).chat(ask("Weather?", tools=[WEATHER_TOOL]))

    assert result.tool_calls == [ToolCall(id="call_1", name="get_weather", arguments='{"city": "Paris"}')]
    assert result.finish_reason == "tool_calls"
    assert openai_stand_in.chat_requests()[-1]["tools"] == [WEATHER_TOOL]


async def test_streamed_tool_call_fragments_are_assembled(
    openai_stand_in: StandInServer, make_provider: MakeProvider
) -> None:
    calls = [
        {"id": "call_a", "name": "get_weather", "arguments": '{"city": "Paris", "unit": "celsius"}'},
        {"id": "call_b", "name": "get_weather", "arguments": '{"city": "Rome"}'},
    ]
    openai_stand_in.script(Reply(text=None, tool_calls=calls))

    deltas, result = await collect(make_provider(openai_stand_in), ask("Weather?", tools=[WEATHER_TOOL]))

    assert deltas == []
    assert [(c.id, c.name, json.loads(c.arguments)) for c in result.tool_calls] == [
        ("call_a", "get_weather", {"city": "Paris", "unit": "celsius"}),
        ("call_b", "get_weather", {"city": "Rome"}),
    ]


async def test_tool_results_are_sent_back_in_openai_format(
    openai_stand_in: StandInServer, make_provider: MakeProvider
) -> None:
    messages = [
        ChatMessage(role="user", content="Weather?"),
        ChatMessage(role="assistant", tool_calls=[ToolCall("call_1", "get_weather", '{"city":"Paris"}')]),
        ChatMessage(role="tool", content="sunny", tool_call_id="call_1"),
    ]
    await make_provider(openai_stand_in).chat(ChatRequest(model="m", messages=messages))

    sent = openai_stand_in.chat_requests()[-1]["messages"]
    assert sent[1]["tool_calls"][0]["function"] == {"name": "get_weather", "arguments": '{"city":"Paris"}'}
    assert sent[2] == {"role": "tool", "content": "sunny", "tool_call_id": "call_1"}


async def test_rate_limit_waits_for_retry_after_then_succeeds(
    openai_stand_in: StandInServer, make_provider: MakeProvider
) -> None:
    openai_stand_in.script(Reply.error(429, "slow down", retry_after="1"), Reply(text="finally"))

    started = time.monotonic()
    result = await make_provider(openai_stand_in).chat(ask())
    waited = time.monotonic() - started

    assert result.text == "finally"
    assert 1.0 <= waited < 2.0
    assert len(openai_stand_in.chat_requests()) == 2


async def test_rate_limit_beyond_the_cap_fails_at_once_with_retry_after(
    openai_stand_in: StandInServer, make_provider: MakeProvider
) -> None:
    openai_stand_in.script(Reply.error(429, "quota", retry_after="120"))

    with pytest.raises(RateLimited) as caught:
        await make_provider(openai_stand_in).chat(ask())

    assert caught.value.retry_after == pytest.approx(120)
    assert caught.value.code == "rate_limited"
    assert len(openai_stand_in.chat_requests()) == 1


async def test_server_error_is_retried_then_raised(
    openai_stand_in: StandInServer, make_provider: MakeProvider
) -> None:
    openai_stand_in.script(*[Reply.error(500, "boom")] * 3)

    with pytest.raises(ServerError) as caught:
        await make_provider(openai_stand_in).chat(ask())

    assert caught.value.code == "server"
    assert caught.value.provider == "stand-in" and caught.value.model == "gpt-4o-mini"
    assert "boom" in caught.value.message
    assert len(openai_stand_in.chat_requests()) == 3  # first try + max_retries=2


async def test_server_error_then_success_recovers(
    openai_stand_in: StandInServer, make_provider: MakeProvider
) -> None:
    openai_stand_in.script(Reply.error(503, "busy"), Reply(text="recovered"))

    assert (await make_provider(openai_stand_in).chat(ask())).text == "recovered"


async def test_empty_answer_is_an_empty_completion_failure(
    openai_stand_in: StandInServer, make_provider: MakeProvider
) -> None:
    openai_stand_in.script(Reply.empty())

    with pytest.raises(EmptyCompletion) as caught:
        await make_provider(openai_stand_in).chat(ask())
    assert caught.value.code == "empty_completion"


async def test_empty_streamed_answer_is_an_empty_completion_failure(
    openai_stand_in: StandInServer, make_provider: MakeProvider
) -> None:
    openai_stand_in.script(Reply.empty())

    with pytest.raises(EmptyCompletion):
        await collect(make_provider(openai_stand_in), ask())


async def test_slow_answer_times_out(openai_stand_in: StandInServer, make_provider: MakeProvider) -> None:
    openai_stand_in.script(Reply.slow(3.0))
    provider = make_provider(openai_stand_in, retry=RetryPolicy(max_retries=0))

    started = time.monotonic()
    with pytest.raises(ProviderTimeout) as caught:
        await provider.chat(ask(timeout_s=0.3))
    assert time.monotonic() - started < 2.0
    assert caught.value.code == "timeout"


async def test_stalled_stream_times_out(openai_stand_in: StandInServer, make_provider: MakeProvider) -> None:
    openai_stand_in.script(Reply(text="a b c d", chunk_delay_s=1.0))
    provider = make_provider(openai_stand_in, retry=RetryPolicy(max_retries=0))

    with pytest.raises(ProviderTimeout):
        await collect(provider, ask(timeout_s=0.3))


async def test_wrong_key_is_auth_failed_without_retry(
    openai_stand_in: StandInServer, make_provider: MakeProvider
) -> None:
    openai_stand_in.api_key = "sk-right"

    with pytest.raises(AuthFailed) as caught:
        await make_provider(openai_stand_in, api_key="sk-wrong").chat(ask())

    assert caught.value.code == "auth"
    assert "sk-wrong" not in str(caught.value)
    assert len(openai_stand_in.requests) == 1


async def test_bad_request_is_not_retried(
    openai_stand_in: StandInServer, make_provider: MakeProvider
) -> None:
    openai_stand_in.script(Reply.error(400, "context length exceeded"))

    with pytest.raises(BadRequest):
        await make_provider(openai_stand_in).chat(ask())
    assert len(openai_stand_in.requests) == 1


async def test_unreachable_server_is_a_server_error() -> None:
    async with OpenAICompatibleProvider(
        name="nowhere", base_url="http://127.0.0.1:9/v1", retry=RetryPolicy(max_retries=0)
    ) as provider:
        with pytest.raises(ServerError) as caught:
            await provider.chat(ask())
    assert caught.value.provider == "nowhere"


def test_one_provider_serves_several_event_loops(stand_in_server: StandInServer) -> None:
    """A provider built once per process is used by one ``asyncio.run`` per task."""
    stand_in_server.reset()
    provider = OpenAICompatibleProvider(name="stand-in", base_url=stand_in_server.base_url)

    async def once() -> str:
        text = (await provider.chat(ask())).text
        await provider.aclose()
        return text

    assert asyncio.run(once()) == asyncio.run(once()) == stand_in_server.default_text


async def test_embeddings_come_back_in_input_order(
    openai_stand_in: StandInServer, make_provider: MakeProvider
) -> None:
    provider = make_provider(openai_stand_in)

    vectors = await provider.embed("text-embedding-3-small", ["alpha", "beta", "alpha"])

    assert len(vectors) == 3 and all(len(v) == openai_stand_in.embedding_dims for v in vectors)
    assert vectors[0] == vectors[2] != vectors[1]
    assert openai_stand_in.requests[-1].body["encoding_format"] == "float"


async def test_embeddings_map_errors(openai_stand_in: StandInServer, make_provider: MakeProvider) -> None:
    openai_stand_in.script_embeddings(Reply.error(401, "nope"))

    with pytest.raises(AuthFailed):
        await make_provider(openai_stand_in).embed("text-embedding-3-small", ["x"])


async def test_repr_hides_the_key_and_header_values(
    openai_stand_in: StandInServer, make_provider: MakeProvider
) -> None:
    provider = make_provider(openai_stand_in, api_key="sk-very-secret", headers={"X-Api-Token": "tok-secret"})

    shown = repr(provider)

    assert "sk-very-secret" not in shown and "tok-secret" not in shown
    assert "X-Api-Token" in shown and "stand-in" in shown


async def test_a_blocked_address_fails_at_once_saying_so_and_is_never_retried(
    openai_stand_in: StandInServer, make_provider: MakeProvider
) -> None:
    # The default address policy refuses loopback, where the stand-in listens.
    provider = make_provider(openai_stand_in, transport_factory=safe_transport)
    with pytest.raises(ProviderError) as failure:
        await provider.chat(ask())
    assert failure.value.code == "ssrf_blocked"
    assert "blocked by the address policy" in failure.value.message
    assert not failure.value.retryable
    assert openai_stand_in.chat_requests() == []
