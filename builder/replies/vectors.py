"""A question's vector: the local MiniLM model (384 dimensions, normalised), the one knowledge
bases embed with by default — so a reply's vector and a new question's are comparable."""

from __future__ import annotations

from builder.knowledge.errors import EmbeddingModelUnavailable
from runtime.providers.embeddings import default_embedder
from runtime.providers.local_models import ModelLoadFailed


def question_vector(question: str) -> list[float]:
    """The vector of ``question`` (blocks: call it off the event loop)."""
    try:
        return default_embedder().embed([question])[0]
    except ModelLoadFailed as exc:
        raise EmbeddingModelUnavailable(f"Questions cannot be matched on this instance: {exc}") from exc
