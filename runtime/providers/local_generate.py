"""Blocking text generation with a loaded local model (runs in a worker thread).

Generation goes through ``model.generate``; streamed text comes out of a ``TextStreamer``
subclass that hands each finished piece to a callback. Generations are serialised by one
process-wide lock: on CPU two at once only share the same cores, and seeding torch's global
generator is only reproducible when no other generation draws from it meanwhile.
"""

from __future__ import annotations

import inspect
import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from runtime.providers.base import ChatMessage
from runtime.providers.local_models import LoadedModel

_generation_lock = threading.Lock()
JSON_MODE_INSTRUCTION = "Answer with one valid JSON object and nothing else."


@dataclass(frozen=True, slots=True)
class GenerationParams:
    max_new_tokens: int
    temperature: float | None = None
    top_p: float | None = None
    seed: int | None = None
    stop: tuple[str, ...] = ()
    #: ``time.monotonic()`` after which generation stops with ``finish_reason="timeout"``.
    deadline: float | None = None

    @property
    def greedy(self) -> bool:
        return not self.temperature


@dataclass(frozen=True, slots=True)
class Generated:
    text: str
    input_tokens: int
    output_tokens: int
    finish_reason: str


def chat_dicts(
    messages: Sequence[ChatMessage], *, json_mode: bool = False, schema: dict[str, Any] | None = None
) -> list[dict[str, str]]:
    """Messages as the plain dicts chat templates expect; with JSON mode or a response schema the
    system message asks for JSON (following the schema) — a local model has no structured output."""
    out = [{"role": m.role, "content": m.content or ""} for m in messages]
    if json_mode or schema is not None:
        instruction = JSON_MODE_INSTRUCTION
        if schema is not None:
            instruction += f" It must follow this JSON Schema: {json.dumps(schema, separators=(',', ':'))}"
        if out and out[0]["role"] == "system":
            out[0] = {"role": "system", "content": f"{out[0]['content']}\n{instruction}".strip()}
        else:
            out.insert(0, {"role": "system", "content": instruction})
    return out


def encode_prompt(tokenizer: Any, messages: list[dict[str, str]]) -> Any:
    """Token ids and attention mask for the prompt, through the model's chat template if it has one."""
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_dict=True, return_tensors="pt"
        )
    plain = "".join(f"{m['role']}: {m['content']}\n" for m in messages) + "assistant:"
    return tokenizer(plain, return_tensors="pt")


def cut_at_stop(text: str, stops: Sequence[str]) -> str:
    """``text`` up to (not including) the first stop string."""
    cuts = [text.find(s) for s in stops if s and s in text]
    return text[: min(cuts)] if cuts else text


class StopFilter:
    """Streams text but holds back what may be the start of a stop string, and ends at one."""

    def __init__(self, stops: Sequence[str]) -> None:
        self._stops = [s for s in stops if s]
        self._buffer = ""
        self.stopped = False

    def feed(self, text: str) -> str:
        if self.stopped:
            return ""
        self._buffer += text
        cut = cut_at_stop(self._buffer, self._stops)
        if len(cut) < len(self._buffer):
            self.stopped = True
            self._buffer = ""
            return cut
        hold = max(
            (k for s in self._stops for k in range(1, len(s)) if self._buffer.endswith(s[:k])), default=0
        )
        ready = self._buffer[: len(self._buffer) - hold]
        self._buffer = self._buffer[len(ready) :]
        return ready

    def flush(self) -> str:
        rest = "" if self.stopped else self._buffer
        self._buffer = ""
        return rest


def generate_blocking(
    loaded: LoadedModel,
    messages: list[dict[str, str]],
    params: GenerationParams,
    *,
    on_text: Callable[[str], None] | None = None,
    cancel: threading.Event | None = None,
) -> Generated:
    """Generate a reply; ``on_text`` receives decoded pieces as they form; ``cancel`` stops early."""
    import torch
    from transformers import StoppingCriteria, StoppingCriteriaList, TextStreamer

    class _CallbackStreamer(TextStreamer):
        def on_finalized_text(self, text: str, stream_end: bool = False) -> None:
            if text and on_text is not None:
                on_text(text)

    class _Cancelled(StoppingCriteria):
        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
            stop = (cancel is not None and cancel.is_set()) or _past(params.deadline)
            return torch.full((input_ids.shape[0],), stop, dtype=torch.bool, device=input_ids.device)

    tokenizer, model = loaded.tokenizer, loaded.model
    encoded = encode_prompt(tokenizer, messages)
    # Only what a causal LM takes (BERT-style tokenizers add token_type_ids).
    inputs = {k: encoded[k] for k in ("input_ids", "attention_mask") if k in encoded}
    prompt_len = int(inputs["input_ids"].shape[1])
    model, inputs, echoed = prompt_learning_inputs(model, inputs)
    eos = model.generation_config.eos_token_id
    eos_ids = set(eos if isinstance(eos, list) else [eos] if eos is not None else [])
    kwargs: dict[str, Any] = {
        "max_new_tokens": params.max_new_tokens,
        "do_sample": not params.greedy,
        "pad_token_id": tokenizer.pad_token_id
        if tokenizer.pad_token_id is not None
        else next(iter(eos_ids), 0),
        "stopping_criteria": StoppingCriteriaList([_Cancelled()]),
    }
    if not params.greedy:
        kwargs["temperature"] = params.temperature
        if params.top_p is not None:
            kwargs["top_p"] = params.top_p
    if params.stop:
        kwargs.update(stop_strings=list(params.stop), tokenizer=tokenizer)
    if on_text is not None:
        kwargs["streamer"] = _CallbackStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)

    with _generation_lock, torch.inference_mode():
        if params.seed is not None:
            torch.manual_seed(params.seed)
        output = model.generate(**inputs, **kwargs)

    new_ids = output[0, echoed:].tolist()
    text = cut_at_stop(tokenizer.decode(new_ids, skip_special_tokens=True), params.stop)
    if cancel is not None and cancel.is_set():
        finish = "cancelled"
    elif _past(params.deadline):
        finish = "timeout"
    elif len(new_ids) >= params.max_new_tokens and (not new_ids or new_ids[-1] not in eos_ids):
        finish = "length"
    else:
        finish = "stop"
    return Generated(text=text, input_tokens=prompt_len, output_tokens=len(new_ids), finish_reason=finish)


def prompt_learning_inputs(model: Any, inputs: dict[str, Any]) -> tuple[Any, dict[str, Any], int]:
    """What to call ``generate`` on, with what, and how many leading ids of its output are the
    prompt echoed back. A prompt-learning adapter (prefix, prompt or P-tuning) goes to its base
    model directly, as it was trained: its prefix as the key/value cache generation starts from,
    its virtual tokens as input embeddings before the prompt's. (``peft``'s own ``generate`` loses
    them under transformers 5: the prefix is dropped for a fresh cache, the virtual tokens come
    again at every step.) Any other model is returned as it is."""
    import torch

    config: Any = getattr(model, "active_peft_config", None)
    if not getattr(config, "is_prompt_learning", False):
        return model, inputs, int(inputs["input_ids"].shape[1])
    base = model.base_model
    prompt = model.get_prompt(batch_size=1)
    ids, mask = inputs["input_ids"], inputs.get("attention_mask", torch.ones_like(inputs["input_ids"]))
    virtual = torch.ones(1, config.num_virtual_tokens, dtype=mask.dtype)
    if config.peft_type == "PREFIX_TUNING":  # the prefix: a cache of the virtual tokens' keys and values
        # transformers 5 names it ``cache`` (``past_key_values`` before, deprecated now)
        cache = "cache" if "cache" in inspect.signature(base.forward).parameters else "past_key_values"
        return base, {"input_ids": ids, "attention_mask": torch.cat([virtual, mask], 1), cache: prompt}, \
            int(ids.shape[1])
    embeds = torch.cat([prompt.to(base.dtype), base.get_input_embeddings()(ids)], 1)
    return base, {"inputs_embeds": embeds, "attention_mask": torch.cat([virtual, mask], 1)}, 0


def _past(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() > deadline
