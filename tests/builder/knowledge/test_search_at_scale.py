"""Search on knowledge bases large enough to take the HNSW index path: results match exact search
within the recall bound, and the workspace and knowledge-base filters hold on that path — the
nearest vectors and the best text matches of every query belong to other knowledge bases, so a
dropped filter would show them."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pgvector.psycopg import register_vector

from builder.knowledge.indexes import index_name, rebuild
from builder.knowledge.models import Chunk, Document, KnowledgeBase
from builder.knowledge.search import (
    INDEX_TUPLE_COST,
    MAX_SCAN_TUPLES_CAP,
    knowledge_search,
    max_scan_tuples_for,
    search_paths,
)
from builder.knowledge.services import knowledge_base_create

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

DIMS, TOP_K, SIZE, NEIGHBOUR = 384, 10, 21_000, 2_000
QUERIES = 20


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


class Corpus:
    """Clustered vectors with topic words; ``queries`` lie near cluster centres."""

    def __init__(self, rng: np.random.Generator, size: int, clusters: int = 40):
        self.centers = rng.normal(size=(clusters, DIMS))
        assign = rng.integers(0, clusters, size=size)
        self.vectors = unit(self.centers[assign] + 0.8 * rng.normal(size=(size, DIMS)))
        self.texts = [f"topic{cluster} chunk {i} about the handbook" for i, cluster in enumerate(assign)]
        picks = rng.integers(0, clusters, size=QUERIES)
        self.queries = unit(self.centers[picks] + 0.8 * rng.normal(size=(QUERIES, DIMS)))
        self.query_texts = [f"topic{cluster} handbook" for cluster in picks]

    def exact(self, query: np.ndarray) -> set[int]:
        return set(np.argsort(-(self.vectors @ query))[:TOP_K].tolist())


def load(knowledge_base: KnowledgeBase, vectors: np.ndarray, texts: list[str]) -> int:
    """COPY the chunks in (what the benchmark does); the first chunk's id."""
    document = Document.objects.create(workspace_id=knowledge_base.workspace_id, knowledge_base=knowledge_base,
                                       name="archive.txt", file_type="txt", size_bytes=1, sha256="",
                                       storage_key=f"scale/{knowledge_base.pk}", state="indexed",
                                       chunk_count=len(vectors), chunks_done=len(vectors))
    register_vector(connection.connection)
    columns = "workspace_id, knowledge_base_id, document_id, position, role, text, heading, dims, embedding"
    with connection.connection.cursor() as raw, raw.copy(
            f"COPY knowledge_chunk ({columns}) FROM STDIN WITH (FORMAT BINARY)") as copy:
        copy.set_types(["int8", "int8", "int8", "int4", "varchar", "text", "varchar", "int2", "vector"])
        for position, (vector, text) in enumerate(zip(vectors, texts, strict=True)):
            copy.write_row((knowledge_base.workspace_id, knowledge_base.pk, document.pk, position, "chunk", text, "",
                            DIMS, vector))
    return Chunk.objects.filter(knowledge_base=knowledge_base).order_by("id").values_list("id", flat=True)[0]


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker):
    """A 21,000-chunk knowledge base, a 2,000-chunk one beside it, and lures: a third knowledge
    base in the same workspace and one in another workspace holding the queries themselves (the
    nearest possible vectors, the same words, thrice). Loaded once for the module, then removed."""
    from builder.accounts.models import Workspace

    rng = np.random.default_rng(7)
    big, small = Corpus(rng, SIZE), Corpus(rng, NEIGHBOUR)
    with django_db_blocker.unblock():
        mine = Workspace.objects.create(name="Scale", slug="scale-search")
        theirs = Workspace.objects.create(name="Elsewhere", slug="scale-elsewhere")
        kbs = {name: knowledge_base_create(workspace=workspace, name=name)
               for name, workspace in (("big", mine), ("small", mine), ("beside", mine), ("foreign", theirs))}
        firsts = {"big": load(kbs["big"], big.vectors, big.texts),
                  "small": load(kbs["small"], small.vectors, small.texts)}
        lures = np.concatenate([big.queries, small.queries])
        lure_texts = [f"{text} {text} {text}" for text in big.query_texts + small.query_texts]
        load(kbs["beside"], lures, lure_texts)
        load(kbs["foreign"], lures, lure_texts)
        rebuild(DIMS)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE knowledge_chunk")
        yield kbs, firsts, big, small
        Workspace.objects.filter(pk__in=[mine.pk, theirs.pk]).delete()


def vector_plan(queries) -> str:
    """EXPLAIN of the vector candidate query that a search just ran."""
    sql = next(q["sql"] for q in queries if "ORDER BY distance" in q["sql"] or "+ 0" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def search(kb, text, vector, mode="vector"):
    return knowledge_search(knowledge_base=kb, query=text, mode=mode, top_k=TOP_K, query_vector=list(vector))


def test_a_large_knowledge_base_is_searched_through_the_index_and_matches_exact_search(archive):
    kbs, firsts, big, _ = archive
    recalls = []
    for text, vector in zip(big.query_texts, big.queries, strict=True):
        with CaptureQueriesContext(connection) as queries:
            hits = search(kbs["big"], text, vector)
        assert index_name(DIMS) in vector_plan(queries.captured_queries)
        recalls.append(len({hit.chunk_id - firsts["big"] for hit in hits} & big.exact(vector)) / TOP_K)

    assert np.mean(recalls) >= 0.95, recalls
    paths = search_paths(kbs["big"])
    assert paths["chunks"] == SIZE and "HNSW" in paths["paths"]["vector"]


@pytest.mark.parametrize("mode", ["vector", "full_text", "hybrid"])
def test_workspace_and_knowledge_base_filters_hold_on_the_index_path(archive, mode):
    kbs, _, big, _ = archive
    mine = set(Chunk.objects.filter(knowledge_base=kbs["big"]).values_list("id", flat=True))
    for text, vector in zip(big.query_texts, big.queries, strict=True):
        hits = search(kbs["big"], text, vector, mode)
        assert len(hits) == TOP_K
        assert {hit.chunk_id for hit in hits} <= mine


def test_a_small_share_of_the_index_keeps_its_recall_on_the_index_path(archive, settings):
    """Above the exact-scan threshold a knowledge base that is a small share of the index gets the
    index path's query (iterative scan; the planner may still read its rows through the
    knowledge-base index when that is cheaper): either way its own top-k comes back."""
    settings.KNOWLEDGE_EXACT_SEARCH_BELOW = 0  # the 2,000-chunk knowledge base takes the index path too
    kbs, firsts, _, small = archive
    recalls = []
    for text, vector in zip(small.query_texts, small.queries, strict=True):
        with CaptureQueriesContext(connection) as queries:
            hits = search(kbs["small"], text, vector)
        assert "ORDER BY distance" in " ".join(q["sql"] for q in queries.captured_queries)
        assert all(hit.chunk_id - firsts["small"] < NEIGHBOUR for hit in hits)
        recalls.append(len({hit.chunk_id - firsts["small"] for hit in hits} & small.exact(vector)) / TOP_K)

    assert np.mean(recalls) >= 0.95, recalls


def test_a_small_knowledge_base_is_searched_exactly(archive):
    kbs, firsts, _, small = archive
    for text, vector in zip(small.query_texts, small.queries, strict=True):
        with CaptureQueriesContext(connection) as queries:
            hits = search(kbs["small"], text, vector)
        assert index_name(DIMS) not in vector_plan(queries.captured_queries)
        assert {hit.chunk_id - firsts["small"] for hit in hits} == small.exact(vector)
    assert "exact scan of its 2,000 chunks" in search_paths(kbs["small"])["paths"]["vector"]


def test_a_query_among_another_knowledge_base_s_chunks_still_gets_its_own_top_k(archive, settings):
    """The big knowledge base's queries lie among its chunks, far from the small one's: searched in
    the small one through the index path, they still get its own exact top-k (the scan walks past
    the other base's rows, bounded, and ends in an exact scan if it comes back short)."""
    settings.KNOWLEDGE_EXACT_SEARCH_BELOW = 0  # the 2,000-chunk knowledge base takes the index path
    kbs, firsts, big, small = archive
    for text, vector in zip(big.query_texts, big.queries, strict=True):
        hits = search(kbs["small"], text, vector)
        assert {hit.chunk_id - firsts["small"] for hit in hits} == small.exact(vector)


def test_an_iterative_scan_walks_no_further_than_an_exact_scan_would_cost():
    # one index tuple costs about INDEX_TUPLE_COST exact-scan rows: a 100k-chunk base may walk
    # 2,000 tuples, a 1M-chunk one 20,000 (pgvector's default), never fewer than 4x the rows wanted
    assert max_scan_tuples_for(100_000, wanted=40) == 100_000 // INDEX_TUPLE_COST == 2_000
    assert max_scan_tuples_for(1_000_000, wanted=40) == 20_000
    assert max_scan_tuples_for(3_000, wanted=40) == 160
    assert max_scan_tuples_for(10**9, wanted=40) == MAX_SCAN_TUPLES_CAP
