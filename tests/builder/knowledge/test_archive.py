"""Export a knowledge base as one archive and import it elsewhere without embedding again."""

import io
import zipfile

import pytest

from builder.knowledge import embedders
from builder.knowledge.models import Chunk, KnowledgeBase
from builder.knowledge.search import knowledge_search
from builder.knowledge.services import knowledge_base_create
from tests.builder.knowledge.conftest import ingest
from tests.builder.knowledge.samples import SAMPLES

pytestmark = pytest.mark.django_db

QUERY = "When are penguin parking permits renewed?"


def export(member, kb_id) -> bytes:
    response = member.client.get(f"/api/workspaces/{member.workspace.pk}/knowledge-bases/{kb_id}/export/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def import_archive(member, data: bytes, into: int | None = None):
    base = f"/api/workspaces/{member.workspace.pk}/knowledge-bases/"
    url = f"{base}{into}/import/" if into else f"{base}import/"
    archive = io.BytesIO(data)
    archive.name = "handbook.kb.zip"
    return member.client.post(url, {"archive": archive}, format="multipart")


def results(kb):
    return {mode: [(h.document_name, h.position, round(h.score, 5)) for h in
                   knowledge_search(knowledge_base=kb, query=QUERY, mode=mode, top_k=5)]
            for mode in ("vector", "full_text", "hybrid")}


def test_export_then_import_gives_the_same_search_results_without_embedding(owner, outsider, knowledge_base,
                                                                            monkeypatch):
    ingest(knowledge_base, {"guide.md": SAMPLES["md"][1], "handbook.pdf": SAMPLES["pdf"][1]})
    data = export(owner, knowledge_base.pk)
    embedded = []
    real = embedders.embedder_for
    monkeypatch.setattr(embedders, "embedder_for", lambda kb: (lambda texts: embedded.append(texts) or real(kb)(texts)))

    response = import_archive(outsider, data)

    assert response.status_code == 201, response.json()
    assert embedded == [], "import must not embed anything"
    imported = KnowledgeBase.objects.get(pk=response.json()["id"])
    assert imported.workspace == outsider.workspace and response.json()["indexed_count"] == 2
    assert Chunk.objects.filter(knowledge_base=imported).count() == Chunk.objects.filter(
        knowledge_base=knowledge_base).count()
    assert results(imported) == results(knowledge_base)


def test_the_archive_holds_settings_files_chunks_and_embeddings(owner, knowledge_base):
    ingest(knowledge_base, {"guide.md": SAMPLES["md"][1]})

    with zipfile.ZipFile(io.BytesIO(export(owner, knowledge_base.pk))) as zf:
        names = set(zf.namelist())

    assert {"manifest.json", "chunks.jsonl", "embeddings.npy", "files/d1.md"} <= names


def test_importing_twice_keeps_both_under_distinct_names(owner, knowledge_base):
    ingest(knowledge_base, {"guide.md": SAMPLES["md"][1]})
    data = export(owner, knowledge_base.pk)

    assert import_archive(owner, data).json()["name"] == "Handbook (imported)"
    assert import_archive(owner, data).json()["name"] == "Handbook (imported 2)"


def test_an_archive_from_another_embedding_model_is_refused(owner, knowledge_base):
    ingest(knowledge_base, {"guide.md": SAMPLES["md"][1]})
    data = export(owner, knowledge_base.pk)
    other = knowledge_base_create(workspace=owner.workspace, name="Remote", embedding_provider="openai_compatible",
                                  embedding_model="text-embedding-3-small", embedding_dimensions=1536,
                                  embedding_base_url="http://93.184.216.34:9/v1")

    response = import_archive(owner, data, into=other.pk)

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "embedding_model_mismatch"
    assert "all-minilm-l6-v2" in error["message"] and "text-embedding-3-small" in error["message"]
    assert not other.documents.exists()


def test_a_file_that_is_no_archive_is_refused(owner):
    response = import_archive(owner, b"not a zip")

    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_archive"


@pytest.mark.slow
def test_exporting_a_large_knowledge_base_streams_its_vectors(knowledge_base):
    """8,000 chunks (12 MB of vectors) go out with less memory than their vectors take, and come back
    the same."""
    import tracemalloc

    import numpy as np

    from builder.knowledge import storage
    from builder.knowledge.archive import knowledge_base_export
    from tests.builder.knowledge.test_search_at_scale import load

    rows, dims = 8_000, knowledge_base.embedding_dimensions
    vectors = np.random.default_rng(5).normal(size=(rows, dims)).astype(np.float32)
    load(knowledge_base, vectors, [f"chunk {position}" for position in range(rows)])
    storage.file_store(key=knowledge_base.documents.get().storage_key, chunks=[b"archive"])  # the original file

    tracemalloc.start()
    try:
        archive = knowledge_base_export(knowledge_base=knowledge_base)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    # less than the vectors themselves: they were never all in memory (8 MB here; 61 MB when they were)
    assert peak < vectors.nbytes, f"{peak / 2**20:.1f} MB for {vectors.nbytes / 2**20:.0f} MB of vectors"
    with archive, zipfile.ZipFile(archive) as zf, zf.open("embeddings.npy") as npy:
        assert np.array_equal(np.load(io.BytesIO(npy.read())), vectors)
