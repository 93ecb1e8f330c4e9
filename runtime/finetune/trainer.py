"""The training loop: AdamW over the method's trainable weights, one batch a step, the validation
loss at the end of each epoch, progress after every step, a checkpoint every ``checkpoint_every``
steps and at the end, and a clean stop when asked.

A checkpoint holds the adapter, the optimizer's state and the step: :func:`train` started with
``resume`` from it goes on at the next step with the same batches (each epoch's order comes from
the seed), so a job killed mid-way continues where its last checkpoint left it, its step count and
loss curve without a gap. Uses the GPU when there is one, else the CPU.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from runtime.finetune.data import Encoded, batches

CHECKPOINT_STATE = "trainer_state.json"
CHECKPOINT_OPTIMIZER = "optimizer.pt"


@dataclass(frozen=True)
class TrainSettings:
    epochs: int = 3
    learning_rate: float = 3e-4
    batch_size: int = 4
    seed: int = 0
    checkpoint_every: int = 20  # steps
    weight_decay: float = 0.0


@dataclass
class Progress:
    step: int
    total_steps: int
    epoch: int
    loss: float | None
    val_loss: float | None = None
    tokens_per_s: float = 0.0
    eta_s: float | None = None


@dataclass
class TrainResult:
    steps: int
    stopped: bool
    losses: list[tuple[int, float]] = field(default_factory=list)
    val_losses: list[tuple[int, float]] = field(default_factory=list)


def device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def steps_per_epoch(n_examples: int, batch_size: int) -> int:
    return math.ceil(n_examples / batch_size)


def train(model: Any, train_examples: Sequence[Encoded], val_examples: Sequence[Encoded], settings: TrainSettings,
          *, pad_id: int, on_progress: Callable[[Progress], None] = lambda _: None,
          should_stop: Callable[[], bool] = lambda: False, checkpoint_dir: Path | None = None,
          resume: Path | None = None) -> TrainResult:
    """Train ``model`` (a ``PeftModel``: only its adapter's weights are trainable) in place. To
    resume, load the adapter from the checkpoint (:func:`latest_checkpoint`) into ``model`` as
    trainable and pass the same folder as ``resume``: the optimizer's state and the step come
    from it."""
    import torch

    if not train_examples:
        raise ValueError("no training examples")
    torch.manual_seed(settings.seed)
    where = device()
    model.to(where)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=settings.learning_rate, weight_decay=settings.weight_decay)
    per_epoch = steps_per_epoch(len(train_examples), settings.batch_size)
    total = per_epoch * settings.epochs
    result = TrainResult(steps=0, stopped=False)
    start_step = 0
    if resume is not None:
        state = json.loads((resume / CHECKPOINT_STATE).read_text())
        start_step = int(state["step"])
        result.losses = [(int(step), float(loss)) for step, loss in state.get("losses", [])]
        result.val_losses = [(int(step), float(loss)) for step, loss in state.get("val_losses", [])]
        optimizer.load_state_dict(torch.load(resume / CHECKPOINT_OPTIMIZER, map_location=where))
    step = start_step
    started, tokens = time.perf_counter(), 0
    for epoch in range(step // per_epoch, settings.epochs):
        model.train()
        epoch_batches = batches(train_examples, settings.batch_size, pad_id=pad_id, seed=settings.seed + epoch)
        for index, batch in enumerate(epoch_batches):
            if epoch * per_epoch + index < step:
                continue  # done before the checkpoint this run resumed from
            if should_stop():
                result.stopped = True
                _checkpoint(model, optimizer, step, result, checkpoint_dir)
                result.steps = step
                return result
            batch = {k: v.to(where) for k, v in batch.items()}
            loss = model(**batch).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            tokens += int(batch["attention_mask"].sum())
            result.losses.append((step, float(loss.detach())))
            val_loss = None
            if index == len(epoch_batches) - 1 and val_examples:
                val_loss = evaluate(model, val_examples, settings.batch_size, pad_id=pad_id)
                result.val_losses.append((step, val_loss))
                model.train()
            elapsed = time.perf_counter() - started
            done_here = step - start_step
            on_progress(Progress(step=step, total_steps=total, epoch=epoch + 1, loss=result.losses[-1][1],
                                 val_loss=val_loss, tokens_per_s=tokens / elapsed if elapsed else 0.0,
                                 eta_s=elapsed / done_here * (total - step) if done_here else None))
            if checkpoint_dir is not None and step % settings.checkpoint_every == 0:
                _checkpoint(model, optimizer, step, result, checkpoint_dir)
    result.steps = step
    _checkpoint(model, optimizer, step, result, checkpoint_dir)
    return result


def evaluate(model: Any, examples: Sequence[Encoded], batch_size: int, *, pad_id: int) -> float:
    """Mean loss per answer token over ``examples``."""
    import torch

    model.eval()
    where = next(model.parameters()).device
    total, count = 0.0, 0
    with torch.no_grad():
        for batch in batches(examples, batch_size, pad_id=pad_id, seed=None):
            batch = {k: v.to(where) for k, v in batch.items()}
            n = int((batch["labels"][:, 1:] != -100).sum())
            if n:
                total += float(model(**batch).loss) * n
                count += n
    return total / count if count else float("nan")


def latest_checkpoint(folder: Path) -> Path | None:
    """The checkpoint in ``folder``, or the one a swap that was cut short left beside it."""
    for candidate in (folder, folder.with_name(folder.name + ".old")):
        if (candidate / CHECKPOINT_STATE).exists():
            return candidate
    return None


def _checkpoint(model: Any, optimizer: Any, step: int, result: TrainResult, folder: Path | None) -> None:
    """Adapter, optimizer and step, written to a temporary folder and then swapped in: a kill in
    the middle leaves the previous checkpoint whole."""
    import shutil

    import torch

    if folder is None:
        return
    staging = folder.with_name(folder.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    model.save_pretrained(staging)
    torch.save(optimizer.state_dict(), staging / CHECKPOINT_OPTIMIZER)
    (staging / CHECKPOINT_STATE).write_text(json.dumps({"step": step, **{
        k: v for k, v in asdict(result).items() if k in ("losses", "val_losses")}}))
    old = folder.with_name(folder.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    staging.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def memory_estimate(*, total_params: int, trainable_params: int, batch_size: int, max_length: int, hidden: int,
                    layers: int) -> int:
    """Rough bytes a job needs (float32): the weights, the trainable weights' gradients and two
    AdamW moments, and the activations kept for the backward pass (about 20 values per hidden
    unit, token and layer)."""
    weights = total_params * 4
    optimizer = trainable_params * 4 * 3
    activations = batch_size * max_length * hidden * layers * 4 * 20
    return weights + optimizer + activations
