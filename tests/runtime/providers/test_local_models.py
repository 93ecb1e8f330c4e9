"""Model cache location and the convert-once, rename-into-place rule."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from runtime.providers import local_models
from runtime.providers.local_models import LocalModelSpec, ensure_converted, model_cache_dir, smollm2_spec


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LLMOPS_MODEL_CACHE", str(tmp_path / "models"))
    assert model_cache_dir() == tmp_path / "models"

    monkeypatch.delenv("LLMOPS_MODEL_CACHE")
    assert model_cache_dir() == Path.home() / ".cache" / "llmops" / "models"


def test_smollm2_is_found_in_its_package() -> None:
    spec = smollm2_spec()

    assert spec.name == "smollm2-135m-instruct"
    assert (Path(spec.path) / str(spec.gguf_file)).is_file()


def test_two_converters_at_once_leave_one_complete_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "m.gguf").write_bytes(b"x" * 10)
    spec = LocalModelSpec(name="m", path=str(tmp_path / "src"), gguf_file="m.gguf")
    both_converting = threading.Barrier(2)

    def fake_convert(_: LocalModelSpec, out_dir: Path) -> None:
        both_converting.wait(timeout=5)  # make the race certain
        (out_dir / "model.safetensors").write_text(threading.current_thread().name)

    monkeypatch.setattr(local_models, "_convert_gguf", fake_convert)
    results: list[Path] = []
    threads = [
        threading.Thread(target=lambda: results.append(ensure_converted(spec, tmp_path / "cache")[0]))
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(results) == 2 and results[0] == results[1]
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [results[0].name]  # no staging left
    assert (results[0] / "model.safetensors").is_file()


def test_a_converted_model_is_not_converted_again(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "m.gguf").write_bytes(b"x")
    spec = LocalModelSpec(name="m", path=str(tmp_path), gguf_file="m.gguf")
    calls: list[Path] = []
    monkeypatch.setattr(local_models, "_convert_gguf", lambda _, out: calls.append(out))

    first, _ = ensure_converted(spec, tmp_path / "cache")
    second, seconds = ensure_converted(spec, tmp_path / "cache")

    assert first == second and len(calls) == 1 and seconds == 0.0
