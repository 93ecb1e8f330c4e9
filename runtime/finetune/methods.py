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

#: Each method's default learning rate: what taught the bundled model 50 support answers in three
#: epochs (docs/benchmarks.md, "Fine-tuning defaults"). Prompt-learning methods need larger steps.
LEARNING_RATES: dict[Method, float] = {
    Method.LORA: 2e-3, Method.IA3: 1e-2, Method.PREFIX: 3e-2, Method.PROMPT: 1e-1, Method.P_TUNING: 3e-2,
    Method.ADAPTER: 3e-2,
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


@dataclass(frozen=True)
class ModelShape:
    """What parameter counts depend on, from a Llama-style model's ``config.json``."""

    num_hidden_layers: int
    hidden_size: int
    intermediate_size: int
    vocab_size: int
    num_attention_heads: int
    num_key_value_heads: int
    head_dim: int
    tie_word_embeddings: bool = False
    attention_bias: bool = False
    mlp_bias: bool = False

    @classmethod
    def of(cls, config: dict[str, Any]) -> ModelShape:
        """From a ``config.json`` (KeyError / ValueError when it lacks a Llama-style shape)."""
        heads = int(config["num_attention_heads"])
        hidden = int(config["hidden_size"])
        return cls(num_hidden_layers=int(config["num_hidden_layers"]), hidden_size=hidden,
                   intermediate_size=int(config["intermediate_size"]), vocab_size=int(config["vocab_size"]),
                   num_attention_heads=heads, num_key_value_heads=int(config.get("num_key_value_heads") or heads),
                   head_dim=int(config.get("head_dim") or hidden // heads),
                   tie_word_embeddings=bool(config.get("tie_word_embeddings", False)),
                   attention_bias=bool(config.get("attention_bias", False)),
                   mlp_bias=bool(config.get("mlp_bias", False)))

    def linears(self) -> dict[str, tuple[int, int]]:
        """Each decoder layer's linear modules by name: (in, out) features."""
        h, q, kv, inter = self.hidden_size, self.num_attention_heads * self.head_dim, \
            self.num_key_value_heads * self.head_dim, self.intermediate_size
        return {"q_proj": (h, q), "k_proj": (h, kv), "v_proj": (h, kv), "o_proj": (q, h),
                "gate_proj": (h, inter), "up_proj": (h, inter), "down_proj": (inter, h)}

    def base_parameters(self) -> int:
        h, linears = self.hidden_size, self.linears()
        per_layer = sum(i * o for i, o in linears.values()) + 2 * h  # + the two norms
        if self.attention_bias:
            per_layer += sum(linears[m][1] for m in ("q_proj", "k_proj", "v_proj", "o_proj"))
        if self.mlp_bias:
            per_layer += sum(linears[m][1] for m in ("gate_proj", "up_proj", "down_proj"))
        embeddings = self.vocab_size * h * (1 if self.tie_word_embeddings else 2)
        return embeddings + self.num_hidden_layers * per_layer + h


def parameter_counts(method: Method, settings: MethodSettings, shape: ModelShape) -> tuple[int, int] | None:
    """(trainable, total) parameters once ``method`` wraps a model of ``shape`` — what ``peft``
    would report, without building the model; None when LoRA targets a module the shape lacks."""
    layers, h, kv = shape.num_hidden_layers, shape.hidden_size, shape.num_key_value_heads * shape.head_dim
    linears = shape.linears()
    if method is Method.LORA:
        if not set(settings.target_modules) <= set(linears):
            return None
        trainable = layers * sum(settings.r * sum(linears[m]) for m in settings.target_modules)
    elif method is Method.IA3:  # keys' and values' outputs, the feed-forward output's input
        trainable = layers * (2 * kv + shape.intermediate_size)
    elif method is Method.PREFIX:  # a key and a value per virtual token and layer
        trainable = settings.virtual_tokens * layers * 2 * kv
    elif method is Method.PROMPT:
        trainable = settings.virtual_tokens * h
    elif method is Method.P_TUNING:  # the virtual tokens' embeddings + a 3-layer MLP encoder
        e = settings.encoder_hidden_size
        trainable = settings.virtual_tokens * h + (h * e + e) + (e * e + e) + (e * h + h)
    else:  # LLaMA-Adapter: a prompt and a gate per adapted layer
        trainable = settings.adapter_layers * (settings.adapter_len * h + 1)
    return trainable, shape.base_parameters() + trainable
