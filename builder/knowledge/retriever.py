"""The runtime's :class:`~runtime.ports.Retriever` over this platform's knowledge bases (pgvector).

One adapter serves one workspace: a retrieval node names a knowledge base (by name or id) and can
only ever reach that workspace's. Chunks carry their sources (document, chunk, page, score) so
prompt nodes can cite them and traces show them.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async

from builder.core.errors import ApplicationError, NotFound
from builder.knowledge.search import knowledge_search
from builder.knowledge.search_settings import SearchMode
from builder.knowledge.selectors import knowledge_base_find
from runtime.errors import NodeError
from runtime.ports import Chunk, RetrievalMode

#: The runtime's mode names -> this domain's.
MODES: dict[str, SearchMode] = {"lexical": "full_text", "full_text": "full_text", "vector": "vector",
                                "hybrid": "hybrid"}


class KnowledgeBaseRetriever:
    """Retrieval from the knowledge bases of ``workspace_id``."""

    def __init__(self, *, workspace_id: int):
        self.workspace_id = workspace_id

    async def retrieve(
        self,
        query: str,
        *,
        knowledge_base: str,
        top_k: int,
        score_threshold: float | None = None,
        mode: RetrievalMode = "hybrid",
    ) -> list[Chunk]:
        return await sync_to_async(self.retrieve_sync, thread_sensitive=False)(
            query, knowledge_base=knowledge_base, top_k=top_k, score_threshold=score_threshold, mode=mode
        )

    def retrieve_sync(
        self, query: str, *, knowledge_base: str, top_k: int, score_threshold: float | None = None,
        mode: str = "hybrid",
    ) -> list[Chunk]:
        from django.db import close_old_connections

        try:
            kb = knowledge_base_find(workspace=self.workspace_id, reference=knowledge_base)
        except NotFound as error:
            raise NodeError(error.message, code="knowledge_base_not_found") from None
        if mode not in MODES:
            raise NodeError(f"unknown retrieval mode {mode!r}", code="invalid_mode")
        try:
            hits = knowledge_search(knowledge_base=kb, query=query, mode=MODES[mode], top_k=top_k,
                                    score_threshold=score_threshold)
            return [Chunk(hit.text, hit.score, hit.source(kb)) for hit in hits]
        except ApplicationError as error:  # e.g. the embedding endpoint refused (ssrf_blocked)
            raise NodeError(error.message, code=error.code) from None
        finally:
            close_old_connections()
