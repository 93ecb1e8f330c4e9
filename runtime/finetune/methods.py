"""The parameter-efficient fine-tuning methods, as ``peft`` configurations.

Six methods, each training a small set of new weights while the base model stays frozen:

- **LoRA**: low-rank update matrices beside chosen linear layers (attention projections by
  default); ``r``, ``alpha``, ``dropout`` and the target modules are settings.
- **IA3**: learned vectors that rescale the keys, values and the feed-forward output; the fewest
  trained weights of all.
- **Prefix tuning**: trained key/value vectors prepended to every layer's attention.
- **Prompt tuning**: trained "virtual token" embeddings prepended to the input.
- **P-tuning**: virtual tokens produced by a small trained encoder (an MLP) instead of free
  embeddings.
- **Adapter tuning** (LLaMA-Adapter, ``peft``'s adaption prompt): trained prompts in the top layers
  with a zero-initialised gate, so training starts from the base model's behaviour. Llama-style
  models only (the bundled SmolLM2 is one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Method(StrEnum):
    LORA = "lora"
    IA3 = "ia3"
    PREFIX = "prefix"
    PROMPT = "prompt"
    P_TUNING = "p_tuning"
    ADAPTER = "adapter"


#: One line per method for the UI: what it trains.
SUMMARIES: dict[Method, str] = {
    Method.LORA: "Low-rank update matrices beside the attention projections; the base weights stay frozen.",
    Method.IA3: "Learned vectors that rescale keys, values and the feed-forward output: the fewest weights.",
    Method.PREFIX: "Trained key/value vectors prepended to the attention of every layer.",
    Method.PROMPT: "Trained embeddings of a few virtual tokens prepended to every input.",
    Method.P_TUNING: "Virtual tokens produced by a small trained encoder (an MLP) instead of free embeddings.",
    Method.ADAPTER: "LLaMA-Adapter: trained prompts in the top layers behind a zero-initialised gate.",
}

LABELS: dict[Method, str] = {
    Method.LORA: "LoRA", Method.IA3: "IA3", Method.PREFIX: "Prefix tuning", Method.PROMPT: "Prompt tuning",
    Method.P_TUNING: "P-tuning", Method.ADAPTER: "Adapter tuning (LLaMA-Adapter)",
}


class MethodError(ValueError):
    """Settings a method cannot use; ``field`` names the setting."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class MethodSettings:
    """A method's settings; each method reads its own and ignores the rest."""

    r: int = 8  # LoRA rank
    alpha: int = 16  # LoRA scaling
    dropout: float = 0.05  # LoRA dropout
    target_modules: tuple[str, ...] = ("q_proj", "v_proj")  # LoRA
    virtual_tokens: int = 16  # prefix, prompt and P-tuning
    encoder_hidden_size: int = 128  # P-tuning's encoder
    adapter_len: int = 10  # LLaMA-Adapter: prompt length per layer
    adapter_layers: int = 8  # LLaMA-Adapter: how many of the top layers get prompts
    extra: dict[str, Any] = field(default_factory=dict)

    def check(self, method: Method, *, num_layers: int) -> None:
        if method is Method.LORA:
            if not 1 <= self.r <= 256:
                raise MethodError("r", "LoRA's rank r is between 1 and 256.")
            if self.alpha < 1:
                raise MethodError("alpha", "LoRA's alpha is 1 or more.")
            if not 0 <= self.dropout < 1:
                raise MethodError("dropout", "LoRA's dropout is at least 0 and below 1.")
            if not self.target_modules:
                raise MethodError("target_modules", "LoRA needs at least one target module.")
        if method in (Method.PREFIX, Method.PROMPT, Method.P_TUNING) and not 1 <= self.virtual_tokens <= 512:
            raise MethodError("virtual_tokens", "Between 1 and 512 virtual tokens.")
        if method is Method.P_TUNING and not 8 <= self.encoder_hidden_size <= 4096:
            raise MethodError("encoder_hidden_size", "P-tuning's encoder has 8 to 4,096 hidden units.")
        if method is Method.ADAPTER:
            if not 1 <= self.adapter_len <= 256:
                raise MethodError("adapter_len", "The adapter prompt is 1 to 256 tokens long.")
            if not 1 <= self.adapter_layers <= num_layers:
                raise MethodError("adapter_layers", f"The model has {num_layers} layers: adapt 1 to {num_layers}.")


def peft_config(method: Method, settings: MethodSettings, *, num_layers: int) -> Any:
    """The ``peft`` configuration of ``method`` for a causal language model."""
    import peft

    settings.check(method, num_layers=num_layers)
    task = peft.TaskType.CAUSAL_LM
    if method is Method.LORA:
        return peft.LoraConfig(task_type=task, r=settings.r, lora_alpha=settings.alpha,
                               lora_dropout=settings.dropout, target_modules=list(settings.target_modules))
    if method is Method.IA3:
        return peft.IA3Config(task_type=task, target_modules=["k_proj", "v_proj", "down_proj"],
                              feedforward_modules=["down_proj"])
    if method is Method.PREFIX:
        return peft.PrefixTuningConfig(task_type=task, num_virtual_tokens=settings.virtual_tokens)
    if method is Method.PROMPT:
        return peft.PromptTuningConfig(task_type=task, num_virtual_tokens=settings.virtual_tokens)
    if method is Method.P_TUNING:
        return peft.PromptEncoderConfig(task_type=task, num_virtual_tokens=settings.virtual_tokens,
                                        encoder_hidden_size=settings.encoder_hidden_size)
    return peft.AdaptionPromptConfig(task_type=task, adapter_len=settings.adapter_len,
                                     adapter_layers=settings.adapter_layers)


def wrap(model: Any, method: Method, settings: MethodSettings) -> Any:
    """``model`` with the method's new weights added and only those trainable (a ``PeftModel``)."""
    import peft

    config = peft_config(method, settings, num_layers=model.config.num_hidden_layers)
    return peft.get_peft_model(model, config)


def trainable_parameters(model: Any) -> tuple[int, int]:
    """(trainable, total) parameter counts of a wrapped model."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return trainable, total
