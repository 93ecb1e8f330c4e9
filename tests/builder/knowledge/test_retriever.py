"""The retrieval node of the runtime, running on real knowledge bases through the pgvector adapter."""

import asyncio

import pytest

from builder.knowledge.retriever import KnowledgeBaseRetriever
from builder.knowledge.services import knowledge_base_create
from runtime.context import ExecutionContext
from runtime.ports import Retriever
from tests.builder.knowledge.conftest import ingest
from tests.builder.knowledge.samples import SAMPLES
from tests.runtime.nodes.linear_graph import linear_graph
from tests.support.members import make_member

# the adapter reads the database from a worker thread: the test's rows must be committed
pytestmark = pytest.mark.django_db(transaction=True)


def retrieval_graph(knowledge_base: str, mode: str = "hybrid"):
    return linear_graph(
        {"id": "kb", "type": "retrieval", "config": {"query": "{{ inputs.question }}", "knowledge_base": knowledge_base,
                                                      "top_k": 2, "mode": mode}},
        inputs={"question": "string"},
        outputs={"chunks": "kb.chunks", "context": "kb.context"},
    )


def run(graph, workspace_id: int, question: str):
    context = ExecutionContext(retriever=KnowledgeBaseRetriever(workspace_id=workspace_id))
    return asyncio.run(graph.run({"question": question}, context=context))


def test_the_adapter_is_a_runtime_retriever():
    assert isinstance(KnowledgeBaseRetriever(workspace_id=1), Retriever)


@pytest.mark.parametrize("mode", ["lexical", "vector", "hybrid"])
def test_the_retrieval_node_returns_cited_chunks(mode, tmp_path, settings):
    settings.KNOWLEDGE_STORAGE_ROOT = tmp_path
    member = make_member()
    kb = knowledge_base_create(workspace=member.workspace, name="Handbook")
    (document,) = ingest(kb, {"guide.md": SAMPLES["md"][1]})

    result = run(retrieval_graph("Handbook", mode), member.workspace.pk, "When are parking permits renewed?")

    assert result.error is None, result.error
    best = result.outputs["chunks"][0]
    assert "Penguin parking permits" in best["text"]
    assert best["source"]["document"] == "guide.md" and best["source"]["document_id"] == document.pk
    assert best["source"]["title"] == "guide.md"  # the citation name templates use, as in the CLI
    assert best["source"]["heading"] == "Facilities › Parking" and best["score"] > 0
    assert "Penguin parking permits" in result.outputs["context"]


def test_a_retrieval_node_cannot_reach_another_workspaces_knowledge_base(tmp_path, settings):
    settings.KNOWLEDGE_STORAGE_ROOT = tmp_path
    member, outsider = make_member(), make_member()
    kb = knowledge_base_create(workspace=member.workspace, name="Handbook")
    ingest(kb, {"guide.md": SAMPLES["md"][1]})

    for reference in ("Handbook", str(kb.pk)):
        result = run(retrieval_graph(reference), outsider.workspace.pk, "parking permits")
        assert result.error["code"] == "knowledge_base_not_found", result.error
