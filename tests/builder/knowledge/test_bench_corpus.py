"""The knowledge benchmark's corpora are what docs/benchmarks.md says they are: the default one is
shaped like MiniLM vectors of text (a little harder), the isotropic one is a far harder stress case,
and both are the same on every run."""

from __future__ import annotations

import numpy as np

from builder.knowledge.bench import Corpus, neighbour_profile


def test_the_minilm_corpus_has_the_neighbour_profile_the_docs_give() -> None:
    profile = neighbour_profile(Corpus(6000).vectors())
    # MiniLM on 6,000 docstring paragraphs (bench --profile): LID 19.3, cosine to the 1st / 10th /
    # 100th neighbour 0.68 / 0.51 / 0.37, random pairs 0.10
    assert 15 <= profile["lid"] <= 25
    assert 0.6 <= profile["1st"] <= 0.75
    assert 0.5 <= profile["10th"] <= 0.65
    assert 0.3 <= profile["100th"] <= 0.4
    assert 0.03 <= profile["random"] <= 0.09


def test_the_isotropic_corpus_is_the_harder_stress_case() -> None:
    minilm = neighbour_profile(Corpus(6000).vectors())
    isotropic = neighbour_profile(Corpus(6000, kind="isotropic").vectors())
    assert isotropic["lid"] > 2.5 * minilm["lid"]
    assert isotropic["1st"] - isotropic["10th"] < minilm["1st"] - minilm["10th"]  # nearer ties


def test_a_corpus_is_the_same_on_every_run_and_its_queries_follow_it() -> None:
    first, second = Corpus(2000), Corpus(2000)
    assert np.array_equal(first.vectors(), second.vectors())
    assert [text for text, _ in first.queries(5)] == [text for text, _ in second.queries(5)]
    vectors = first.vectors()
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    for _, query in first.queries(20):
        assert float(np.max(vectors @ query)) > 0.5  # a query lands among its cluster's chunks
