"""Ports: what the runtime needs from the outside world, as Protocols.

The builder plugs in adapters (pgvector retriever, DB price table); tests and the CLI use the
in-memory ones (:mod:`runtime.memory_retriever`). Model providers and tools have their own
ports in :mod:`runtime.providers.base` and :mod:`runtime.tools.base`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from runtime.providers.base import Usage

RetrievalMode = Literal["lexical", "vector", "hybrid"]


@dataclass(frozen=True, slots=True)
class Chunk:
    """One retrieved piece of a knowledge base."""

    text: str
    score: float
    source: dict[str, Any] = field(default_factory=dict)  # document id, title, url, position...

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "score": self.score, "source": dict(self.source)}


@runtime_checkable
class Retriever(Protocol):
    """Finds the chunks of ``knowledge_base`` most relevant to ``query``, best first."""

    async def retrieve(
        self,
        query: str,
        *,
        knowledge_base: str,
        top_k: int,
        score_threshold: float | None = None,
        mode: RetrievalMode = "hybrid",
    ) -> list[Chunk]: ...


@runtime_checkable
class PriceLookup(Protocol):
    """Cost in USD of one model call, or ``None`` when the model has no known price."""

    def cost(self, provider: str, model: str, usage: Usage) -> float | None: ...
