"""Adapter files beyond training: checking an adapter archive made elsewhere (what it may hold, no
pickle, no paths out of its folder, bounded size), reading its ``peft`` configuration, loading it
onto a base model to prove it fits, merging it into the base's weights, and zipping a folder as a
stream of bytes (never the whole archive in memory).

An archive holds ``adapter_config.json`` and ``adapter_model.safetensors`` — what
``save_pretrained`` writes — at its top or inside one folder. ``README.md``, the platform's own
manifest and tokenizer files are skipped (the tuned model uses its base's tokenizer); pickled
weights (``.bin``, ``.pt`` …) are refused, as is anything else.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import stat
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from runtime.finetune.methods import Method
from runtime.providers.local_models import ADAPTER_MANIFEST

ADAPTER_CONFIG = "adapter_config.json"
ADAPTER_WEIGHTS = "adapter_model.safetensors"

#: ``peft_type`` of each method's configuration.
PEFT_TYPES: dict[str, Method] = {
    "LORA": Method.LORA, "IA3": Method.IA3, "PREFIX_TUNING": Method.PREFIX, "PROMPT_TUNING": Method.PROMPT,
    "P_TUNING": Method.P_TUNING, "ADAPTION_PROMPT": Method.ADAPTER,
}

#: Methods whose weights merge into the base model's: LoRA's update matrices and IA3's scaling
#: vectors change existing weights; the others add inputs the model never had (virtual tokens,
#: prefixes, gated prompts), which no weight of the base can hold.
MERGEABLE = frozenset({Method.LORA, Method.IA3})
NOT_MERGEABLE_WHY = ("{label} adds trained virtual tokens or prompts in front of the model's input or attention; "
                     "no weight of the base model can hold them, so only LoRA and IA3 adapters merge.")

#: Skipped in an archive: the model card, this platform's manifest (a new one is written) and
#: tokenizer files (the base model's tokenizer is used).
SKIPPED = frozenset({"README.md", ADAPTER_MANIFEST, "tokenizer.json", "tokenizer_config.json",
                     "special_tokens_map.json", "tokenizer.model", "vocab.json", "merges.txt", "added_tokens.json",
                     "chat_template.jinja"})
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt")
#: LoRA initialisations that rewrite the base model's weights when the adapter is built (PiSSA,
#: OLoRA, CorDA) or need a quantised base or data (LoftQ, EVA, LoRA-GA): an adapter saved with one
#: of them does not fit a plain base until converted to a plain LoRA.
PLAIN_LORA_INITS = (True, False, "gaussian")


class AdapterInvalid(ValueError):
    """An adapter that cannot be used; ``field`` is the form field to change, ``entry`` the archive
    entry at fault (if one)."""

    def __init__(self, message: str, *, field: str = "file", entry: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.entry = entry


def archive_entries(zf: zipfile.ZipFile, *, max_bytes: int) -> dict[str, zipfile.ZipInfo]:
    """The entries to extract (``adapter_config.json`` and ``adapter_model.safetensors``) by their
    name in the adapter folder; refuses anything unsafe or unexpected."""
    files: list[tuple[tuple[str, ...], zipfile.ZipInfo]] = []
    for info in zf.infolist():
        name = info.filename
        parts = PurePosixPath(name).parts
        if not parts or parts[0] == "__MACOSX" or parts[-1] == ".DS_Store":
            continue  # what macOS's Archive Utility adds
        if stat.S_ISLNK(info.external_attr >> 16):
            raise AdapterInvalid(f"The archive holds a symbolic link ({name}); send the files themselves.", entry=name)
        if "\\" in name or name.startswith("/") or re.match(r"[A-Za-z]:", name) or ".." in parts:
            raise AdapterInvalid(f"The archive entry {name!r} points outside its folder.", entry=name)
        if info.flag_bits & 0x1:
            raise AdapterInvalid(f"The archive entry {name!r} is encrypted.", entry=name)
        if not info.is_dir():
            files.append((parts, info))
    tops = {parts[0] for parts, _ in files if len(parts) > 1}
    if len(tops) == 1 and all(len(parts) == 2 for parts, _ in files):
        files = [(parts[1:], info) for parts, info in files]  # a zipped folder: its files count
    kept: dict[str, zipfile.ZipInfo] = {}
    for parts, info in files:
        if len(parts) > 1:
            raise AdapterInvalid(f"The archive holds {info.filename!r} in a sub-folder; the adapter's files belong "
                                 "at its top (or in one folder).", entry=info.filename)
        name = parts[0]
        if name.lower().endswith(PICKLE_SUFFIXES):
            raise AdapterInvalid(f"{name} is a pickle file, which can run code when loaded: upload safetensors "
                                 "(save the adapter with save_pretrained(..., safe_serialization=True)).", entry=name)
        if name in SKIPPED:
            continue
        if name not in (ADAPTER_CONFIG, ADAPTER_WEIGHTS):
            what = f"the weights are {ADAPTER_WEIGHTS}" if name.endswith(".safetensors") else \
                f"an adapter is {ADAPTER_CONFIG} and {ADAPTER_WEIGHTS}"
            raise AdapterInvalid(f"Unexpected file {name!r} in the archive: {what}.", entry=name)
        if name in kept:
            raise AdapterInvalid(f"The archive holds {name} twice.", entry=name)
        kept[name] = info
    for needed in (ADAPTER_CONFIG, ADAPTER_WEIGHTS):
        if needed not in kept:
            raise AdapterInvalid(f"The archive has no {needed}.", entry=needed)
    size = sum(info.file_size for info in kept.values())
    if size > max_bytes:
        raise AdapterInvalid(f"The adapter's files take {size / 2**20:.1f} MiB; at most {max_bytes / 2**20:.0f} MiB "
                             "are accepted.")
    return kept


def extract(zf: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], folder: Path) -> None:
    """Write ``entries`` into ``folder`` under their names (never more bytes than they declare)."""
    for name, info in entries.items():
        try:
            with zf.open(info) as source, open(folder / name, "wb") as target:
                shutil.copyfileobj(source, target, 1 << 20)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError) as exc:
            raise AdapterInvalid(f"{name} cannot be read from the archive: {exc}", entry=name) from None


def read_config(folder: Path) -> tuple[Method, dict[str, Any]]:
    """The method and the configuration of the adapter in ``folder``: one of the six methods, for
    a causal language model."""
    try:
        config = json.loads((folder / ADAPTER_CONFIG).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise AdapterInvalid(f"{ADAPTER_CONFIG} is not JSON: {exc}", entry=ADAPTER_CONFIG) from None
    if not isinstance(config, dict):
        raise AdapterInvalid(f"{ADAPTER_CONFIG} is not a peft configuration (an object).", entry=ADAPTER_CONFIG)
    peft_type = config.get("peft_type")
    method = PEFT_TYPES.get(peft_type) if isinstance(peft_type, str) else None
    if method is None:
        raise AdapterInvalid(f"The adapter's peft_type is {peft_type!r}; the platform serves "
                             f"{', '.join(PEFT_TYPES)}.", entry=ADAPTER_CONFIG)
    if config.get("task_type") != "CAUSAL_LM":
        raise AdapterInvalid(f"The adapter's task_type is {config.get('task_type')!r}; only CAUSAL_LM adapters "
                             "(text generation) are served.", entry=ADAPTER_CONFIG)
    if method is Method.LORA and config.get("init_lora_weights", True) not in PLAIN_LORA_INITS:
        raise AdapterInvalid(f"The adapter was saved with init_lora_weights={config['init_lora_weights']!r}, which "
                             "changes the base model's weights: convert it to a plain LoRA first (peft's "
                             "path_initial_model_for_weight_conversion).", entry=ADAPTER_CONFIG)
    return method, config


def method_settings_of(method: Method, config: dict[str, Any]) -> dict[str, Any]:
    """The platform's method settings (:class:`~runtime.finetune.methods.MethodSettings` names)
    found in a peft configuration, to show beside a job."""
    names = {Method.LORA: {"r": "r", "lora_alpha": "alpha", "lora_dropout": "dropout",
                           "target_modules": "target_modules"},
             Method.PREFIX: {"num_virtual_tokens": "virtual_tokens"},
             Method.PROMPT: {"num_virtual_tokens": "virtual_tokens"},
             Method.P_TUNING: {"num_virtual_tokens": "virtual_tokens", "encoder_hidden_size": "encoder_hidden_size"},
             Method.ADAPTER: {"adapter_len": "adapter_len", "adapter_layers": "adapter_layers"}}.get(method, {})
    found = {ours: config[theirs] for theirs, ours in names.items() if theirs in config}
    if isinstance(found.get("target_modules"), list):
        found["target_modules"] = sorted(str(m) for m in found["target_modules"])
    return {k: v for k, v in found.items() if isinstance(v, (int, float, str, list)) and not isinstance(v, bool)}


@dataclass(frozen=True)
class Fitted:
    adapter_params: int
    total_params: int


def check_fits(base_folder: Path, adapter_folder: Path, *, base_name: str) -> Fitted:
    """Load the adapter onto the base model (safetensors only, nothing fetched) and run one short
    forward pass: every weight of the file must land on a weight of the adapted model, with its
    shape, and the model must compute."""
    import torch
    from safetensors import safe_open

    try:
        with safe_open(str(adapter_folder / ADAPTER_WEIGHTS), "pt") as weights:
            shapes = {key: tuple(weights.get_slice(key).get_shape()) for key in weights.keys()}
    except Exception as exc:  # noqa: BLE001 - safetensors raises its own and OS errors
        raise AdapterInvalid(f"{ADAPTER_WEIGHTS} is not a safetensors file: {exc}", entry=ADAPTER_WEIGHTS) from None
    try:
        model = load_adapted(base_folder, adapter_folder)
        from peft.utils import get_peft_model_state_dict

        expected = {key: tuple(value.shape) for key, value in get_peft_model_state_dict(model).items()}
        missing, unexpected = sorted(set(expected) - set(shapes)), sorted(set(shapes) - set(expected))
        if missing or unexpected:
            raise ValueError(f"the adapter's weights do not match the model's: missing {_few(missing)}, "
                             f"unexpected {_few(unexpected)}")
        wrong = [f"{key} is {shapes[key]}, the model's {expected[key]}" for key in expected if
                 expected[key] != shapes[key]]
        if wrong:
            raise ValueError(f"shapes differ: {_few(wrong)}")
        vocab = int(model.get_input_embeddings().num_embeddings)
        ids = torch.tensor([[i % vocab for i in range(1, 5)]])
        with torch.no_grad():
            model(input_ids=ids, attention_mask=torch.ones_like(ids))
    except AdapterInvalid:
        raise
    except Exception as exc:  # noqa: BLE001 - peft and torch raise many kinds for a model that does not fit
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        raise AdapterInvalid(f"The adapter does not fit base model {base_name}: {first[:500]}",
                             field="base_model") from None
    adapter_params = sum(_numel(shape) for shape in shapes.values())
    return Fitted(adapter_params=adapter_params, total_params=sum(p.numel() for p in model.parameters()))


def _few(items: Sequence[str]) -> str:
    return (", ".join(items[:3]) + (f" and {len(items) - 3} more" if len(items) > 3 else "")) if items else "none"


def _numel(shape: tuple[int, ...]) -> int:
    count = 1
    for dim in shape:
        count *= int(dim)
    return count


def load_adapted(base_folder: Path, adapter_folder: Path) -> Any:
    """The base model (a Hugging Face folder) with the adapter applied, for inference."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(base_folder, local_files_only=True)
    model = PeftModel.from_pretrained(base, str(adapter_folder), is_trainable=False)
    model.eval()
    return model


def merge(base_folder: Path, adapter_folder: Path, target: Path) -> None:
    """The base model with the adapter merged into its weights, saved (safetensors) with the base's
    tokenizer as a model folder at ``target``: written beside it and renamed into place, so
    ``target`` is whole or absent."""
    from transformers import AutoTokenizer

    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        model = load_adapted(base_folder, adapter_folder).merge_and_unload()
        model.save_pretrained(staging, safe_serialization=True)
        AutoTokenizer.from_pretrained(base_folder, local_files_only=True).save_pretrained(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


class _Sink(io.RawIOBase):
    """Where a zip is written, taken away piece by piece (not seekable: the zip uses data descriptors)."""

    def __init__(self) -> None:
        self._pieces: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._pieces.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._pieces)
        self._pieces.clear()
        return data


def zip_stream(files: Sequence[tuple[Path | bytes, str]], *, chunk_size: int = 1 << 20) -> Iterator[bytes]:
    """A zip of ``files`` ((path or content, name in the archive) pairs), as it is written: about
    ``chunk_size`` bytes at a time. Weights (safetensors) are stored, other files deflated."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w") as archive:
        for source, name in files:
            if isinstance(source, bytes):
                archive.writestr(name, source, compress_type=zipfile.ZIP_DEFLATED)
                if piece := sink.take():
                    yield piece
                continue
            info = zipfile.ZipInfo.from_file(source, name)
            info.compress_type = zipfile.ZIP_STORED if name.endswith(".safetensors") else zipfile.ZIP_DEFLATED
            with open(source, "rb") as reader, archive.open(info, "w") as target:
                while block := reader.read(chunk_size):
                    target.write(block)
                    if piece := sink.take():
                        yield piece
            if piece := sink.take():
                yield piece
    if piece := sink.take():
        yield piece
