"""Retrieval: renders a query and asks the run's :class:`~runtime.ports.Retriever` for chunks."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from runtime.context import RunState
from runtime.errors import NodeError
from runtime.nodes.base import Node, NodeConfig, OutputField, RequiredText
from runtime.ports import RetrievalMode


class RetrievalConfig(NodeConfig):
    query: RequiredText = Field(title="Query", description="Template of the search query, e.g. {{ inputs.question }}.")
    knowledge_base: RequiredText = Field(
        title="Knowledge base", description="Name or id of the knowledge base."
    )
    top_k: int = Field(4, ge=1, le=100, title="Top K", description="How many chunks to return at most.")
    score_threshold: float | None = Field(
        None, ge=0, title="Min score", description="Drop chunks scoring lower."
    )
    mode: RetrievalMode = Field("hybrid", title="Mode", description="lexical, vector or hybrid search.")


class RetrievalNode(Node[RetrievalConfig]):
    type = "retrieval"
    title = "Knowledge retrieval"
    description = "Finds the most relevant chunks of a knowledge base for a query."
    category = "knowledge"
    icon = "database"
    config_model = RetrievalConfig
    outputs = (
        OutputField("chunks", "array", "Chunks best first: {text, score, source}."),
        OutputField("context", "string", "The chunk texts joined, ready for a prompt."),
    )

    def setup(self) -> None:
        self._query = self.template(self.config.query, "query")

    async def run(self, run: RunState) -> dict[str, Any]:
        retriever = run.context.retriever
        if retriever is None:
            raise NodeError("no retriever is configured for this run", code="no_retriever")
        cfg = self.config
        query = self._query.render(run.variables)
        run.record_inputs(self.id, {"query": query, "knowledge_base": cfg.knowledge_base, "top_k": cfg.top_k,
                                    "score_threshold": cfg.score_threshold, "mode": cfg.mode})
        chunks = await retriever.retrieve(
            query,
            knowledge_base=cfg.knowledge_base,
            top_k=cfg.top_k,
            score_threshold=cfg.score_threshold,
            mode=cfg.mode,
        )
        return {
            "chunks": [c.to_dict() for c in chunks],
            "context": "\n\n".join(c.text for c in chunks),
        }
