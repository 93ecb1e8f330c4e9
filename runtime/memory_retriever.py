"""An in-memory :class:`~runtime.ports.Retriever` with BM25 scoring, for tests and the CLI.

Vector and hybrid modes fall back to lexical scoring here: the real vector search lives in
the builder's pgvector adapter.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from runtime.ports import Chunk, RetrievalMode

_WORD = re.compile(r"\w+", re.UNICODE)


def tokenize(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


@dataclass
class _Doc:
    text: str
    source: dict[str, Any]
    terms: Counter[str] = field(default_factory=Counter)
    length: int = 0


class InMemoryRetriever:
    """Knowledge bases held in memory; ``add(kb, text, **source)`` then retrieve by BM25."""

    def __init__(self, *, k1: float = 1.5, b: float = 0.75):
        self._k1 = k1
        self._b = b
        self._kbs: dict[str, list[_Doc]] = {}

    def add(self, knowledge_base: str, text: str, **source: Any) -> None:
        terms = tokenize(text)
        self._kbs.setdefault(knowledge_base, []).append(_Doc(text, source, Counter(terms), len(terms)))

    def add_many(self, knowledge_base: str, texts: list[str]) -> None:
        for i, text in enumerate(texts):
            self.add(knowledge_base, text, position=i)

    async def retrieve(
        self,
        query: str,
        *,
        knowledge_base: str,
        top_k: int,
        score_threshold: float | None = None,
        mode: RetrievalMode = "hybrid",
    ) -> list[Chunk]:
        docs = self._kbs.get(knowledge_base, [])
        if not docs:
            return []
        n = len(docs)
        avg_len = sum(d.length for d in docs) / n or 1.0
        query_terms = set(tokenize(query))
        scored: list[Chunk] = []
        for doc in docs:
            score = 0.0
            for term in query_terms:
                tf = doc.terms.get(term, 0)
                if not tf:
                    continue
                df = sum(1 for d in docs if term in d.terms)
                idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
                score += (
                    idf
                    * tf
                    * (self._k1 + 1)
                    / (tf + self._k1 * (1 - self._b + self._b * doc.length / avg_len))
                )
            if score > 0 and (score_threshold is None or score >= score_threshold):
                scored.append(Chunk(doc.text, round(score, 6), dict(doc.source)))
        scored.sort(key=lambda c: c.score, reverse=True)
        return scored[:top_k]
