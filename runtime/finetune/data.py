"""Training examples as token ids: a chat (messages whose last one is the assistant's answer)
becomes the ids of the whole conversation, with the loss on the answer's tokens only.

Long examples are cut to ``max_length`` from the left of the prompt (the question's end and the
answer matter most); an answer longer than ``max_length`` alone keeps its beginning.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

IGNORE = -100  # labels that carry no loss (the prompt, padding)


@dataclass(frozen=True)
class Encoded:
    input_ids: tuple[int, ...]
    labels: tuple[int, ...]

    @property
    def answer_tokens(self) -> int:
        return sum(1 for label in self.labels if label != IGNORE)


class ExampleError(ValueError):
    """An example that cannot be trained on; ``index`` is its position in the data."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(f"example {index + 1}: {message}")
        self.index = index


def encode_ids(prompt: Sequence[int], answer: Sequence[int], max_length: int) -> Encoded:
    """One example from the prompt's and the answer's ids."""
    answer = list(answer)[:max_length]
    prompt = list(prompt)[max(0, len(prompt) - (max_length - len(answer))):] if max_length > len(answer) else []
    return Encoded(tuple(prompt + answer), tuple([IGNORE] * len(prompt) + answer))


def encode_chat(tokenizer: Any, messages: list[dict[str, str]], max_length: int, *, index: int = 0) -> Encoded:
    """A chat example through the model's chat template; the last message is the answer to learn."""
    if not messages or messages[-1].get("role") != "assistant" or not str(messages[-1].get("content", "")).strip():
        raise ExampleError(index, "the last message must be the assistant's answer, not empty")
    prompt = tokenizer.apply_chat_template(messages[:-1], add_generation_prompt=True, tokenize=True)
    whole = tokenizer.apply_chat_template(messages, tokenize=True)
    prompt, whole = _ids(prompt), _ids(whole)
    if whole[:len(prompt)] != prompt:  # a template that renders the prompt differently with an answer after it
        answer = _ids(tokenizer(messages[-1]["content"], add_special_tokens=False)["input_ids"])
        eos = tokenizer.eos_token_id
        return encode_ids(prompt, answer + ([eos] if eos is not None else []), max_length)
    return encode_ids(prompt, whole[len(prompt):], max_length)


def _ids(value: Any) -> list[int]:
    if isinstance(value, dict) or hasattr(value, "keys"):
        value = value["input_ids"]
    return [int(i) for i in value]


def split(examples: Sequence[Any], *, validation_share: float, seed: int) -> tuple[list[Any], list[Any]]:
    """A shuffled train/validation split; at least one training example, and one validation example
    when there are two or more examples and a share above zero."""
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    n_val = round(len(examples) * validation_share)
    if validation_share > 0 and len(examples) >= 2:
        n_val = min(max(n_val, 1), len(examples) - 1)
    else:
        n_val = 0
    return [examples[i] for i in order[n_val:]], [examples[i] for i in order[:n_val]]


def batches(examples: Sequence[Encoded], batch_size: int, *, pad_id: int, seed: int | None) -> list[dict[str, Any]]:
    """Padded tensors (``input_ids``, ``attention_mask``, ``labels``) in batches; shuffled by ``seed``
    (None: in order)."""
    import torch

    order = list(range(len(examples)))
    if seed is not None:
        random.Random(seed).shuffle(order)
    out = []
    for start in range(0, len(order), batch_size):
        chunk = [examples[i] for i in order[start:start + batch_size]]
        width = max(len(e.input_ids) for e in chunk)
        ids = [list(e.input_ids) + [pad_id] * (width - len(e.input_ids)) for e in chunk]
        mask = [[1] * len(e.input_ids) + [0] * (width - len(e.input_ids)) for e in chunk]
        labels = [list(e.labels) + [IGNORE] * (width - len(e.labels)) for e in chunk]
        out.append({"input_ids": torch.tensor(ids), "attention_mask": torch.tensor(mask),
                    "labels": torch.tensor(labels)})
    return out
