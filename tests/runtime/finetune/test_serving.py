"""A served adapter answers as it was trained: generation (cached, streamed, what the local
provider runs) gives the same tokens as the training forward pass predicts one at a time without
a cache — for every method, including the prompt-learning ones that ``peft``'s own ``generate``
gets wrong under transformers 5 (a prefix dropped, virtual tokens repeated at every step)."""

from __future__ import annotations

import pytest
import torch

from runtime.finetune.methods import Method, MethodSettings, wrap
from runtime.providers.local_generate import GenerationParams, encode_prompt, generate_blocking
from runtime.providers.local_models import LoadedModel, LocalModelSpec
from tests.builder.finetune.support import tiny_base_model

MESSAGES = [{"role": "user", "content": "what is the capital of zarnovia ?"}]
SETTINGS = MethodSettings(r=4, virtual_tokens=4, encoder_hidden_size=16, adapter_len=4, adapter_layers=2)
NEW_TOKENS = 8


@pytest.fixture(scope="module")
def base_folder(tmp_path_factory):
    return tiny_base_model(tmp_path_factory.mktemp("tiny"))


def stepwise(model, tokenizer) -> str:
    """Greedy tokens from full forward passes, as in training: no cache, no generate()."""
    ids = encode_prompt(tokenizer, MESSAGES)["input_ids"]
    start = ids.shape[1]
    with torch.inference_mode():
        for _ in range(NEW_TOKENS):
            following = model(input_ids=ids, attention_mask=torch.ones_like(ids)).logits[0, -1].argmax()
            ids = torch.cat([ids, following.view(1, 1)], 1)
            if following.item() == tokenizer.eos_token_id:
                break
    return tokenizer.decode(ids[0, start:], skip_special_tokens=True)


@pytest.mark.parametrize("method", list(Method))
def test_generation_with_an_adapter_follows_the_adapter_as_training_saw_it(base_folder, method):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(base_folder)
    torch.manual_seed(7)
    model = wrap(AutoModelForCausalLM.from_pretrained(base_folder), method, SETTINGS)
    with torch.no_grad():  # weights away from their start (LoRA's and the adapter's gate start at zero)
        for weight in model.parameters():
            if weight.requires_grad:
                weight.add_(torch.randn_like(weight) * 0.5)
    model.eval()
    loaded = LoadedModel(spec=LocalModelSpec(name="tiny+tuned", path=str(base_folder)), model=model,
                         tokenizer=tokenizer, load_seconds=0)
    pieces: list[str] = []
    served = generate_blocking(loaded, MESSAGES, GenerationParams(max_new_tokens=NEW_TOKENS), on_text=pieces.append)
    expected = stepwise(model, tokenizer)
    assert served.text.strip() == expected.strip() and expected.strip()
    assert "".join(pieces).strip() == expected.strip()  # streamed: the same, without the prompt
    assert served.input_tokens == encode_prompt(tokenizer, MESSAGES)["input_ids"].shape[1]
