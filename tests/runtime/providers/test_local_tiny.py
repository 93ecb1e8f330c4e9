"""Local provider logic (streaming, threads, seeds, limits, adapters) on a tiny random model.

The model is a 2-layer Llama with random weights built in the test: its text is gibberish but
it exercises exactly the code paths of the real model in milliseconds.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from runtime.providers.base import (
    BadRequest,
    ChatDelta,
    ChatMessage,
    ChatRequest,
    ChatResult,
    ProviderTimeout,
    UnknownModel,
)
from runtime.providers.embeddings import minilm_dir
from runtime.providers.local import LocalProvider
from runtime.providers.local_models import LocalModelSpec

CHAT_TEMPLATE = (
    "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}assistant:{% endif %}"
)


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    folder = tmp_path_factory.mktemp("tiny-llama")
    tokenizer = AutoTokenizer.from_pretrained(minilm_dir())  # any real vocabulary will do
    tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.save_pretrained(folder)
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        bos_token_id=tokenizer.cls_token_id,
        eos_token_id=tokenizer.sep_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    LlamaForCausalLM(config).save_pretrained(folder)
    return folder


@pytest.fixture
def provider(tiny_model_dir: Path) -> LocalProvider:
    return LocalProvider(models=[LocalModelSpec(name="tiny", path=str(tiny_model_dir))])


def ask(**kwargs: object) -> ChatRequest:
    options: dict[str, object] = {"model": "tiny", "max_tokens": 12}
    options.update(kwargs)
    return ChatRequest(messages=[ChatMessage("user", "Say something")], **options)  # type: ignore[arg-type]


async def test_stream_yields_deltas_then_one_result(provider: LocalProvider) -> None:
    items = [item async for item in provider.stream(ask(max_tokens=16))]

    deltas = [i for i in items if isinstance(i, ChatDelta)]
    assert isinstance(items[-1], ChatResult) and all(isinstance(i, ChatDelta) for i in items[:-1])
    result = items[-1]
    assert deltas, "text should arrive in pieces"
    assert "".join(d.text for d in deltas).strip() == result.text.strip()
    assert result.usage.input_tokens > 0 and result.usage.output_tokens == 16


async def test_max_tokens_limits_the_answer(provider: LocalProvider) -> None:
    result = await provider.chat(ask(max_tokens=5))

    assert result.usage.output_tokens == 5
    assert result.finish_reason == "length"


async def test_greedy_without_temperature_repeats_itself(provider: LocalProvider) -> None:
    first = await provider.chat(ask())
    second = await provider.chat(ask(temperature=0))

    assert first.text == second.text


async def test_same_seed_same_sample_other_seed_other_sample(provider: LocalProvider) -> None:
    sampled = ask(temperature=1.5, max_tokens=20)

    a = await provider.chat(ChatRequest(**{**_fields(sampled), "seed": 7}))
    b = await provider.chat(ChatRequest(**{**_fields(sampled), "seed": 7}))
    c = await provider.chat(ChatRequest(**{**_fields(sampled), "seed": 8}))

    assert a.text == b.text
    assert a.text != c.text


async def test_generation_does_not_block_the_event_loop(provider: LocalProvider) -> None:
    await provider.chat(ask(max_tokens=2))  # load first; loading is not what we measure
    gaps: list[float] = []
    generating = True

    async def ticker() -> None:
        last = time.perf_counter()
        while generating:
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    tick = asyncio.create_task(ticker())
    started = time.perf_counter()
    await provider.chat(ask(max_tokens=150))
    took = time.perf_counter() - started
    generating = False
    await tick

    assert len(gaps) >= 3, f"loop ticked only {len(gaps)} times during {took:.2f}s of generation"
    assert max(gaps) < 0.5  # generous: the CPU is shared with other test runs


async def test_closing_a_stream_early_stops_generation(provider: LocalProvider) -> None:
    stream = provider.stream(ask(max_tokens=5000))
    async for item in stream:
        assert isinstance(item, ChatDelta)
        break
    await stream.aclose()

    started = time.perf_counter()
    await provider.chat(ask(max_tokens=3))  # waits for the generation lock if the old one still runs
    assert time.perf_counter() - started < 3.0


async def test_generation_past_its_time_limit_is_a_timeout(provider: LocalProvider) -> None:
    await provider.chat(ask(max_tokens=2))  # loaded already

    started = time.perf_counter()
    with pytest.raises(ProviderTimeout):
        await provider.chat(ask(max_tokens=100_000, timeout_s=0.2))
    assert time.perf_counter() - started < 2.0


async def test_unknown_model_is_reported(provider: LocalProvider) -> None:
    with pytest.raises(UnknownModel) as caught:
        await provider.chat(ask(model="gpt-7"))
    assert caught.value.provider == "local" and caught.value.model == "gpt-7"


async def test_tool_requests_are_refused(provider: LocalProvider) -> None:
    with pytest.raises(BadRequest):
        await provider.chat(ask(tools=[{"type": "function", "function": {"name": "f", "parameters": {}}}]))


async def test_peft_adapter_changes_the_model(
    provider: LocalProvider, tiny_model_dir: Path, tmp_path: Path
) -> None:
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(1)
    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    lora = LoraConfig(
        r=4, lora_alpha=64, target_modules=["q_proj", "v_proj", "o_proj"], init_lora_weights=False
    )
    get_peft_model(base, lora).save_pretrained(tmp_path / "adapter")
    provider.add_adapter("tiny-tuned", tmp_path / "adapter", base="tiny")

    plain = await provider.chat(ask(max_tokens=10))
    tuned = await provider.chat(ask(model="tiny-tuned", max_tokens=10))

    assert tuned.text != plain.text
    assert (await provider.chat(ask(max_tokens=10))).text == plain.text  # the base model is untouched


def _fields(request: ChatRequest) -> dict[str, object]:
    return {name: getattr(request, name) for name in ChatRequest.__slots__}  # type: ignore[attr-defined]
