"""Each of the six methods trains a tiny randomly initialised Llama model: its loss goes down and
only the method's own weights change; a saved adapter reloads to the same outputs; a run stopped
mid-way resumes from its checkpoint with the step count and loss curve going on without a gap."""

from __future__ import annotations

import pytest
import torch

from runtime.finetune.data import Encoded, encode_ids, split
from runtime.finetune.methods import (
    Method,
    MethodError,
    MethodSettings,
    ModelShape,
    parameter_counts,
    trainable_parameters,
    wrap,
)
from runtime.finetune.trainer import TrainSettings, latest_checkpoint, memory_estimate, train

ANSWER = [5, 6, 7, 8, 9, 10]  # what every example answers: a made-up fact to learn
PAD = 0


def tiny_llama(seed: int = 0):
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=128,
                         pad_token_id=PAD,
                         initializer_range=0.4)  # logits wide enough to learn a fact behind a frozen head
    return LlamaForCausalLM(config)


def examples(n: int = 16) -> list[Encoded]:
    rng = torch.Generator().manual_seed(1)
    return [encode_ids(torch.randint(11, 64, (6,), generator=rng).tolist(), ANSWER, max_length=32) for _ in range(n)]


SETTINGS = MethodSettings(r=4, alpha=8, dropout=0.0, virtual_tokens=4, encoder_hidden_size=16, adapter_len=4,
                          adapter_layers=2)
LEARNING_RATES = {Method.LORA: 3e-2, Method.IA3: 1e-1, Method.PREFIX: 1e-1, Method.PROMPT: 1e-1,
                  Method.P_TUNING: 1e-1, Method.ADAPTER: 1e-1}


@pytest.mark.parametrize("method", list(Method))
def test_each_method_lowers_the_loss_training_only_its_own_weights(method):
    model = wrap(tiny_llama(), method, SETTINGS)
    trainable, total = trainable_parameters(model)
    assert 0 < trainable < total / 2
    frozen_before = {n: p.detach().clone() for n, p in model.named_parameters() if not p.requires_grad}
    train_set, val_set = split(examples(), validation_share=0.25, seed=0)
    result = train(model, train_set, val_set, TrainSettings(epochs=10, learning_rate=LEARNING_RATES[method],
                                                            batch_size=4), pad_id=PAD)
    first, last = result.losses[0][1], result.losses[-1][1]
    assert last < first * 0.8, (method, first, last)
    assert result.val_losses and result.val_losses[-1][1] < result.val_losses[0][1] * 1.01
    assert all(torch.equal(p, frozen_before[n]) for n, p in model.named_parameters() if not p.requires_grad)


def test_a_saved_adapter_reloads_to_the_same_outputs(tmp_path):
    from peft import PeftModel

    model = wrap(tiny_llama(), Method.LORA, SETTINGS)
    train(model, examples(8), [], TrainSettings(epochs=3, learning_rate=1e-2, batch_size=4), pad_id=PAD)
    model.save_pretrained(tmp_path)
    ids = torch.tensor([[12, 13, 14, 15]])
    model.eval()
    with torch.no_grad():
        expected = model(input_ids=ids).logits
    reloaded = PeftModel.from_pretrained(tiny_llama(), tmp_path).eval()  # the same base, a fresh adapter load
    with torch.no_grad():
        assert torch.allclose(reloaded(input_ids=ids).logits, expected, atol=1e-6)
    assert (tmp_path / "adapter_model.safetensors").exists() and (tmp_path / "adapter_config.json").exists()


def test_a_stopped_run_resumes_from_its_checkpoint_without_a_gap(tmp_path):
    from peft import PeftModel

    settings = TrainSettings(epochs=4, learning_rate=1e-2, batch_size=4, checkpoint_every=3)
    data = examples(16)  # 4 steps an epoch, 16 in all
    checkpoint = tmp_path / "checkpoint"
    calls = {"n": 0}

    def stop_after_seven() -> bool:
        calls["n"] += 1
        return calls["n"] > 7

    first = train(wrap(tiny_llama(), Method.LORA, SETTINGS), data, [], settings, pad_id=PAD,
                  should_stop=stop_after_seven, checkpoint_dir=checkpoint)
    assert first.stopped and first.steps == 7

    resumed_from = latest_checkpoint(checkpoint)
    assert resumed_from is not None
    model = PeftModel.from_pretrained(tiny_llama(), resumed_from, is_trainable=True)
    second = train(model, data, [], settings, pad_id=PAD, checkpoint_dir=checkpoint, resume=resumed_from)
    assert not second.stopped and second.steps == 16
    assert [step for step, _ in second.losses] == list(range(1, 17))  # the curve goes on: no gap, no repeat

    straight = train(wrap(tiny_llama(), Method.LORA, SETTINGS), data, [], settings, pad_id=PAD)
    assert second.losses[-1][1] == pytest.approx(straight.losses[-1][1], rel=1e-3)  # as if never stopped


def test_settings_a_method_cannot_use_are_refused_naming_the_setting():
    with pytest.raises(MethodError) as caught:
        wrap(tiny_llama(), Method.ADAPTER, MethodSettings(adapter_layers=5))
    assert caught.value.field == "adapter_layers" and "2 layers" in caught.value.message
    with pytest.raises(MethodError) as caught:
        wrap(tiny_llama(), Method.LORA, MethodSettings(r=0))
    assert caught.value.field == "r"


def test_long_examples_keep_the_answer_and_the_end_of_the_prompt():
    example = encode_ids(list(range(100, 120)), [1, 2, 3], max_length=8)
    assert example.input_ids == (115, 116, 117, 118, 119, 1, 2, 3)
    assert example.answer_tokens == 3
    assert encode_ids([9, 9], list(range(20)), max_length=5).labels == (0, 1, 2, 3, 4)


def test_the_memory_estimate_grows_with_the_batch():
    small = memory_estimate(total_params=135_000_000, trainable_params=500_000, batch_size=1, max_length=256,
                            hidden=576, layers=30)
    large = memory_estimate(total_params=135_000_000, trainable_params=500_000, batch_size=16, max_length=256,
                            hidden=576, layers=30)
    assert 540_000_000 < small < large


@pytest.mark.parametrize("method", list(Method))
@pytest.mark.parametrize("shape", [
    {},  # the tiny model above
    {"num_key_value_heads": 2, "tie_word_embeddings": True, "head_dim": 16, "attention_bias": True},
])
def test_the_counts_shown_before_training_are_those_peft_reports(method, shape):
    from transformers import LlamaConfig, LlamaForCausalLM

    config = {"vocab_size": 64, "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 3,
              "num_attention_heads": 4, "num_key_value_heads": 4, **shape}
    settings = MethodSettings(r=3, virtual_tokens=5, encoder_hidden_size=12, adapter_len=4, adapter_layers=2,
                              target_modules=("q_proj", "k_proj", "o_proj", "down_proj"))
    model = wrap(LlamaForCausalLM(LlamaConfig(**config)), method, settings)
    assert parameter_counts(method, settings, ModelShape.of(config)) == trainable_parameters(model)


def test_lora_on_a_module_the_model_lacks_has_no_count():
    shape = ModelShape.of({"vocab_size": 64, "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 3,
                           "num_attention_heads": 4})
    assert parameter_counts(Method.LORA, MethodSettings(target_modules=("c_attn",)), shape) is None
