"""Adapter files without the platform: a folder zipped as a stream reads back whole, piece by
piece; an archive's entries are what an adapter is (at its top or in one folder, macOS's extras
skipped) and nothing else; a manifest naming a merged model folder serves that folder, and the
adapter on its base while the folder is not there."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from runtime.finetune.adapters import AdapterInvalid, archive_entries, zip_stream
from runtime.providers.local_models import ADAPTER_MANIFEST, adapter_spec


def archive(names: dict[str, bytes]) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in names.items():
            zf.writestr(name, data)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def test_a_folder_zipped_as_a_stream_reads_back_whole(tmp_path):
    weights = tmp_path / "adapter_model.safetensors"
    weights.write_bytes(bytes(range(256)) * 4096)  # 1 MiB
    config = tmp_path / "adapter_config.json"
    config.write_text('{"peft_type": "LORA"}')
    pieces = list(zip_stream([(weights, "adapter_model.safetensors"), (config, "adapter_config.json")],
                             chunk_size=64 * 1024))
    assert len(pieces) > 10 and max(len(p) for p in pieces) < 200 * 1024  # sent as it is written
    with zipfile.ZipFile(io.BytesIO(b"".join(pieces))) as zf:
        assert zf.testzip() is None
        assert zf.read("adapter_model.safetensors") == weights.read_bytes()
        assert zf.getinfo("adapter_model.safetensors").compress_type == zipfile.ZIP_STORED
        assert zf.read("adapter_config.json") == config.read_bytes()


def test_an_archive_holds_an_adapter_at_its_top_or_in_one_folder():
    flat = archive_entries(archive({"adapter_config.json": b"{}", "adapter_model.safetensors": b"x",
                                    "README.md": b"card"}), max_bytes=100)
    assert set(flat) == {"adapter_config.json", "adapter_model.safetensors"}
    nested = archive_entries(archive({"run-7/adapter_config.json": b"{}", "run-7/adapter_model.safetensors": b"x",
                                      "__MACOSX/run-7/._adapter_config.json": b"", "run-7/.DS_Store": b""}),
                             max_bytes=100)
    assert {name: info.filename for name, info in nested.items()} == {
        "adapter_config.json": "run-7/adapter_config.json",
        "adapter_model.safetensors": "run-7/adapter_model.safetensors"}


@pytest.mark.parametrize(("names", "says"), [
    ({"a/adapter_config.json": b"{}", "b/adapter_model.safetensors": b"x"}, "sub-folder"),
    ({"adapter_config.json": b"{}", "adapter_model.safetensors": b"x", "model.safetensors": b"x"},
     "the weights are adapter_model.safetensors"),
    ({"adapter_config.json": b"{}", "adapter_model.safetensors": b"x", "optimizer.pt": b"x"}, "pickle"),
    ({"adapter_config.json": b"{}", "adapter_model.safetensors": b"x" * 200}, "at most"),
    ({"adapter_config.json": b"{}", "C:/adapter_model.safetensors": b"x"}, "outside"),
])
def test_anything_else_in_an_archive_is_refused(names, says):
    with pytest.raises(AdapterInvalid, match=says):
        archive_entries(archive(names), max_bytes=100)


def test_a_merged_model_folder_is_served_in_place_of_the_adapter(tmp_path):
    adapter, merged, base = tmp_path / "adapter", tmp_path / "merged", tmp_path / "base"
    for folder in (adapter, base):
        folder.mkdir()
    manifest = {"model": "tiny+facts", "base": "tiny", "base_path": str(base), "merged_path": str(merged)}
    (adapter / ADAPTER_MANIFEST).write_text(json.dumps(manifest))
    spec = adapter_spec(adapter)  # the merged folder is not there (yet, or any more)
    assert spec is not None and (spec.path, spec.adapter_path) == (str(base), str(adapter))

    merged.mkdir()
    (merged / "config.json").write_text("{}")
    spec = adapter_spec(adapter)
    assert spec is not None and (spec.name, spec.path, spec.adapter_path) == ("tiny+facts", str(merged), None)


def test_the_adapter_of_a_manifest_without_a_merged_model_is_served_on_its_base(tmp_path: Path):
    (tmp_path / ADAPTER_MANIFEST).write_text(json.dumps({"model": "m+x", "base": "m", "base_path": "/models/m"}))
    spec = adapter_spec(tmp_path)
    assert spec is not None and (spec.path, spec.adapter_path) == ("/models/m", str(tmp_path))
