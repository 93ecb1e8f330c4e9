"""Local MiniLM embeddings through the local provider."""

from __future__ import annotations

import math

import pytest

from runtime.providers.base import UnknownModel
from runtime.providers.local import LocalProvider

pytestmark = pytest.mark.slow


def dot(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


async def test_vectors_have_384_normalised_dimensions() -> None:
    vectors = await LocalProvider().embed("all-minilm-l6-v2", ["hello world", "a second text"])

    assert len(vectors) == 2
    assert all(len(v) == 384 for v in vectors)
    assert all(math.isclose(math.sqrt(dot(v, v)), 1.0, abs_tol=1e-4) for v in vectors)


async def test_similar_sentences_score_higher_than_unrelated_ones() -> None:
    cat, kitten, tax = await LocalProvider().embed(
        "all-MiniLM-L6-v2",
        [
            "The cat sleeps on the sofa.",
            "A kitten is napping on the couch.",
            "Quarterly tax filings are due in April.",
        ],
    )

    assert dot(cat, kitten) > dot(cat, tax) + 0.3


async def test_batches_keep_input_order() -> None:
    texts = [f"sentence number {i}" for i in range(40)]
    provider = LocalProvider()

    batched = await provider.embed("all-minilm-l6-v2", texts)
    single = await provider.embed("all-minilm-l6-v2", [texts[33]])

    assert dot(batched[33], single[0]) == pytest.approx(1.0, abs=1e-4)


async def test_no_texts_no_vectors() -> None:
    assert await LocalProvider().embed("all-minilm-l6-v2", []) == []


async def test_unknown_embedding_model_is_reported() -> None:
    with pytest.raises(UnknownModel):
        await LocalProvider().embed("text-embedding-3-small", ["x"])


_PARAGRAPHS = [
    "Return a new QuerySet instance that will select objects with a FOR UPDATE lock; rows stay locked "
    "until the end of the transaction, and other transactions that try to lock them wait.",
    "The knowledge base keeps the original files beside their chunks, so that changing how documents are "
    "cut re-indexes them without asking for the uploads again.",
    "A kitten is napping on the couch.",
    "Quarterly tax filings are due in April, and late filings pay interest from the first day after.",
]


def test_bfloat16_vectors_are_the_float32_ones_within_tolerance() -> None:
    """Knowledge bases indexed in float32 stay searchable by queries embedded in bfloat16."""
    from runtime.providers.embeddings import SentenceEmbedder, minilm_dir

    exact = SentenceEmbedder(minilm_dir(), precision="float32").embed(_PARAGRAPHS)
    fast = SentenceEmbedder(minilm_dir(), precision="bfloat16").embed(_PARAGRAPHS)

    assert all(dot(a, b) > 0.9995 for a, b in zip(exact, fast, strict=True))
    assert min(dot(a, b) for a, b in zip(exact, fast, strict=True)) < 1 - 1e-9  # it did compute in bfloat16


def test_auto_precision_is_bfloat16_only_where_the_cpu_has_it() -> None:
    from runtime.providers.embeddings import SentenceEmbedder, minilm_dir, native_bfloat16

    assert SentenceEmbedder(minilm_dir()).bfloat16 is native_bfloat16()
    assert SentenceEmbedder(minilm_dir(), precision="float32").bfloat16 is False
