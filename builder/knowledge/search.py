"""Search in one knowledge base: vector (pgvector cosine), full-text (PostgreSQL tsvector) and
hybrid (reciprocal-rank fusion of the two), with top_k, a score threshold and metadata filters.

Every query is filtered by workspace *and* knowledge base, and only sees documents that are fully
indexed. Scores are in 0..1 for every mode: cosine similarity for vector, ``ts_rank_cd``
normalised as rank/(rank+1) for full-text, and the RRF sum divided by its maximum for hybrid.

Paths (see :mod:`builder.knowledge.capabilities` for what the database decides): small or
document-filtered searches scan exactly; larger ones walk the HNSW index of their vector size —
iteratively where pgvector can, so a knowledge base that is a small share of all chunks still gets
its own top-k — and re-rank half-precision candidates at full precision. An index scan that comes
back short (its bound on how far it walks, or an older pgvector's filtered candidate list) is
followed by an exact scan, so every path returns the knowledge base's own top-k. Full-text search
ranks a bounded set of chunks with all the query's words, then with its rarer words.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import connection
from pgvector import Vector

from builder.knowledge.capabilities import HALFVEC, search_capabilities
from builder.knowledge.conf import exact_search_below
from builder.knowledge.full_text import text_candidates, tsquery
from builder.knowledge.indexes import distance_expression
from builder.knowledge.models import TEXT_SEARCH_CONFIG, KnowledgeBase
from builder.knowledge.search_settings import SearchMode

logger = logging.getLogger(__name__)

RRF_K = 60
#: Candidate list size of the HNSW scan (pgvector's hnsw.ef_search): higher is slower and more exact.
#: Large knowledge bases get the larger one (recall@10 measured by builder/knowledge/bench.py).
#: One index serves every knowledge base and the scan filters afterwards: with iterative scans
#: (pgvector 0.8) the scan goes on until the knowledge base's own rows are found; without them a
#: knowledge base that is a small share of all chunks gets a proportionally longer list (up to 1000).
HNSW_EF_SEARCH = 100
HNSW_EF_SEARCH_LARGE = 400
HNSW_EF_SEARCH_MAX = 1000
LARGE_KNOWLEDGE_BASE = 300_000
#: The furthest an iterative index scan may go for a knowledge base that is a small share of it.
MAX_SCAN_TUPLES_CAP = 1_000_000
#: Rows of an exact scan that cost as much as one tuple of an iterative index scan (measured on the
#: knowledge benchmark's data: queries far from a 100k-chunk knowledge base, 9 % of a 1.1M index,
#: walked 20,000 tuples in ~0.8 s; the exact scan of its 100k rows took 83 ms).
INDEX_TUPLE_COST = 50
_MARK_START, _MARK_END = "\u27e6", "\u27e7"
_MARKED = re.compile(f"{_MARK_START}(.*?){_MARK_END}", re.S)


@dataclass(frozen=True)
class SearchFilters:
    """Metadata filters; each one given narrows the search."""

    document_ids: list[int] | None = None
    file_types: list[str] | None = None
    heading: str | None = None  # case-insensitive "contains"
    page_from: int | None = None
    page_to: int | None = None
    metadata: dict[str, Any] | None = None  # document metadata must contain these keys/values


@dataclass
class SearchHit:
    chunk_id: int
    document_id: int
    document_name: str
    text: str  # what retrieval returns (the parent's text in parent-child mode)
    matched_text: str  # the chunk that matched
    score: float
    page: int | None
    heading: str
    position: int
    ranks: dict[str, int] = field(default_factory=dict)
    highlights: list[str] = field(default_factory=list)

    def source(self, knowledge_base: KnowledgeBase) -> dict[str, Any]:
        return {
            "knowledge_base_id": knowledge_base.pk,
            "knowledge_base": knowledge_base.name,
            "document_id": self.document_id,
            "document": self.document_name,
            "title": self.document_name,  # what the runtime's Chunk.source names a citation by
            "chunk_id": self.chunk_id,
            "page": self.page,
            "heading": self.heading,
            "position": self.position,
        }


def knowledge_search(
    *,
    knowledge_base: KnowledgeBase,
    query: str,
    mode: SearchMode,
    top_k: int,
    score_threshold: float | None = None,
    filters: SearchFilters | None = None,
    query_vector: list[float] | None = None,
) -> list[SearchHit]:
    """The best ``top_k`` chunks for ``query``, best first. ``query_vector`` skips embedding the
    query (benchmarks, and callers that embed once for several modes)."""
    filters = filters or SearchFilters()
    query = query.strip()
    if not query:
        return []
    scope = _scope(knowledge_base, filters, query)
    pool = max(top_k * 4, 40) if mode == "hybrid" else top_k * 2
    scored: dict[int, float] = {}
    ranks: dict[int, dict[str, int]] = {}
    if mode in ("vector", "hybrid"):
        if query_vector is None:
            from builder.knowledge.embedders import embedder_for

            query_vector = embedder_for(knowledge_base)([query])[0]
        for rank, (chunk_id, score) in enumerate(_vector_candidates(knowledge_base, scope, query_vector, pool), 1):
            ranks.setdefault(chunk_id, {})["vector"] = rank
            if mode == "vector":
                scored[chunk_id] = score
    if mode in ("full_text", "hybrid") and scope.lexemes:
        for rank, (chunk_id, score) in enumerate(text_candidates(scope.where, scope.params, scope.lexemes, pool), 1):
            ranks.setdefault(chunk_id, {})["full_text"] = rank
            if mode == "full_text":
                scored[chunk_id] = score
    if mode == "hybrid":
        best = 2 / (RRF_K + 1)
        scored = {cid: sum(1 / (RRF_K + r) for r in rs.values()) / best for cid, rs in ranks.items()}
    ordered = sorted(scored.items(), key=lambda item: (-item[1], item[0]))
    if score_threshold is not None:
        ordered = [(cid, s) for cid, s in ordered if s >= score_threshold]
    parent_child = knowledge_base.chunking.get("mode") == "parent_child"
    return _hydrate(knowledge_base, ordered[: top_k * 4 if parent_child else top_k], ranks, scope.any_word_query, top_k)


def search_paths(knowledge_base: KnowledgeBase) -> dict[str, Any]:
    """How searches of ``knowledge_base`` run now, in words: its size decides exact or index."""
    capabilities = search_capabilities()
    paths = capabilities.paths
    scope = _scope(knowledge_base, SearchFilters(), "x")
    chunks = scope.indexed_chunks
    if scope.exact:
        paths["vector"] = (f"exact scan of its {chunks:,} chunks (the index takes over from "
                           f"{exact_search_below():,}; any document, heading or page filter scans exactly too)")
    return {"chunks": chunks, "server": capabilities.server, "pgvector": capabilities.pgvector,
            "halfvec": capabilities.halfvec, "iterative_scan": capabilities.iterative_scan,
            "index_kind": capabilities.index_kind, "paths": paths}


@dataclass(frozen=True)
class _Scope:
    """What every candidate query of one search shares: the chunk filter and the text query."""

    where: str
    params: list[Any]
    indexed_chunks: int  # of the knowledge base's fully indexed documents
    exact: bool  # searched by an exact scan: small, or narrowed by a filter the index cannot apply
    lexemes: tuple[str, ...]  # the query's words, as the text search configuration reduces them
    all_chunks: int = 0  # of every knowledge base (planner estimate)

    @property
    def any_word_query(self) -> str:
        """Any of the query's words (ranking and highlighting)."""
        return tsquery(self.lexemes, " | ")


def _scope(knowledge_base: KnowledgeBase, filters: SearchFilters, query: str) -> _Scope:
    """One round trip for the documents in scope (only fully indexed ones, and those the document
    filters keep) and the query's lexemes, so that candidate queries read the chunk table alone."""
    doc_where, doc_params = ["workspace_id = %s", "knowledge_base_id = %s"], [
        knowledge_base.workspace_id, knowledge_base.pk]
    keep = ["state = 'indexed'"]
    if filters.document_ids:
        keep.append("id = ANY(%s)")
        doc_params.append([int(i) for i in filters.document_ids])
    if filters.file_types:
        keep.append("file_type = ANY(%s)")
        doc_params.append(list(filters.file_types))
    if filters.metadata:
        keep.append("metadata @> %s::jsonb")
        doc_params.append(json.dumps(filters.metadata))
    document_filtered = len(keep) > 1
    kept = " AND ".join(keep)
    listed = kept if document_filtered else f"NOT ({kept})"  # an allowlist, or the few to leave out
    sql = (
        f"SELECT coalesce(sum(chunk_count) FILTER (WHERE state = 'indexed'), 0), "
        f"coalesce(array_agg(id) FILTER (WHERE {listed}), '{{}}'), "
        f"(SELECT tsvector_to_array(to_tsvector(%s::regconfig, %s))), "
        f"(SELECT reltuples::bigint FROM pg_class WHERE oid = 'knowledge_chunk'::regclass) "
        f"FROM knowledge_document WHERE {' AND '.join(doc_where)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*doc_params[2:], TEXT_SEARCH_CONFIG, query, *doc_params[:2]])
        indexed, listed_ids, lexemes, all_chunks = cursor.fetchone()
    clauses = ["c.workspace_id = %s", "c.knowledge_base_id = %s", "c.role <> 'parent'"]
    params: list[Any] = [knowledge_base.workspace_id, knowledge_base.pk]
    if document_filtered:
        clauses.append("c.document_id = ANY(%s)")
        params.append(list(listed_ids))
    elif listed_ids:
        clauses.append("NOT (c.document_id = ANY(%s))")
        params.append(list(listed_ids))
    if filters.heading:
        clauses.append("c.heading ILIKE %s")
        params.append("%" + filters.heading.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    if filters.page_from is not None:
        clauses.append("c.page >= %s")
        params.append(filters.page_from)
    if filters.page_to is not None:
        clauses.append("c.page <= %s")
        params.append(filters.page_to)
    exact = document_filtered or len(clauses) > 3 or indexed < exact_search_below()
    return _Scope(" AND ".join(clauses), params, indexed, exact, tuple(lexemes or ()),
                  max(int(all_chunks or 0), indexed))


def ef_search_for(indexed_chunks: int, all_chunks: int, *, iterative: bool = False) -> int:
    """pgvector's candidate list size for a knowledge base of ``indexed_chunks`` in an index of
    ``all_chunks``. With iterative scans the scan itself goes on until the knowledge base's own
    rows are found; without them the list grows with the share the filter drops."""
    base = HNSW_EF_SEARCH_LARGE if indexed_chunks >= LARGE_KNOWLEDGE_BASE else HNSW_EF_SEARCH
    if iterative:
        return base
    share = indexed_chunks / max(all_chunks, indexed_chunks, 1)
    return int(min(HNSW_EF_SEARCH_MAX, base / max(share, 1e-6)))


def max_scan_tuples_for(indexed_chunks: int, wanted: int) -> int:
    """How far an iterative scan may go before an exact scan of the knowledge base would have been
    cheaper: one index tuple of such a scan costs about as much as ``INDEX_TUPLE_COST`` rows of an
    exact scan, so at most ``indexed_chunks / INDEX_TUPLE_COST`` tuples (never fewer than four times
    the rows wanted). A scan cut short there ends in an exact scan, so the worst case costs about
    two exact scans instead of a long walk through other knowledge bases' rows."""
    return int(min(MAX_SCAN_TUPLES_CAP, max(4 * wanted, indexed_chunks // INDEX_TUPLE_COST)))


def _ensure_session(settings: tuple[tuple[str, str], ...]) -> None:
    """pgvector's session settings for this scan, sent only when they change."""
    backend = connection.connection.info.backend_pid if connection.connection else None
    if backend is not None and getattr(connection, "_knowledge_search_settings", None) == (backend, settings):
        return
    with connection.cursor() as cursor:
        cursor.execute("; ".join(f"SET {name} = {value}" for name, value in settings))
    connection._knowledge_search_settings = (connection.connection.info.backend_pid, settings)


def _vector_candidates(knowledge_base, scope: _Scope, query_vector, limit) -> list[tuple[int, float]]:
    dims = int(knowledge_base.embedding_dimensions)
    full = f"(c.embedding::vector({dims}) <=> %s::vector({dims}))"
    vector = Vector(query_vector).to_text()
    connection.ensure_connection()
    if scope.exact:
        # "+ 0" hides the expression from the planner: small or filtered searches are exact scans
        sql = (f"SELECT c.id, 1 - {full} FROM knowledge_chunk c WHERE {scope.where} AND c.dims = {dims} "
               f"ORDER BY {full} + 0, c.id LIMIT %s")
        params = [vector, *scope.params, vector, limit]
    else:
        capabilities = search_capabilities()
        kind = capabilities.index_kind
        candidates = limit * 2 if kind == HALFVEC else limit  # re-ranked at full precision
        indexed = f"({distance_expression(dims, kind, 'c.embedding')} <=> %s::{kind}({dims}))"
        ef = max(candidates, ef_search_for(scope.indexed_chunks, scope.all_chunks,
                                           iterative=capabilities.iterative_scan))
        settings: tuple[tuple[str, str], ...] = (("hnsw.ef_search", str(ef)),)
        if capabilities.iterative_scan:
            scan = max_scan_tuples_for(scope.indexed_chunks, candidates)
            settings += (("hnsw.iterative_scan", "relaxed_order"), ("hnsw.max_scan_tuples", str(scan)))
        _ensure_session(settings)
        sql = (f"SELECT id, 1 - distance FROM (SELECT c.id, {full} AS distance FROM knowledge_chunk c "
               f"WHERE {scope.where} AND c.dims = {dims} ORDER BY {indexed} LIMIT %s) AS candidates "
               f"ORDER BY distance, id")
        params = [vector, *scope.params, vector, candidates]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not scope.exact and len(rows) < candidates:
        # the index scan stopped before it met enough of this knowledge base's rows (its bound, or
        # a candidate list the filter emptied on an older pgvector): the exact scan finds them all
        logger.debug("knowledge base %s: index scan found %d of %d candidates, scanning exactly",
                     knowledge_base.pk, len(rows), candidates)
        return _vector_candidates(knowledge_base, replace(scope, exact=True), query_vector, limit)
    return [(row[0], float(row[1])) for row in rows[:limit]]


_HIGHLIGHT = f"HighlightAll=TRUE, StartSel={_MARK_START}, StopSel={_MARK_END}"


def _hydrate(knowledge_base, ordered, ranks, highlight_query, top_k) -> list[SearchHit]:
    """Texts, documents and matched words of the best chunks; in parent-child mode each parent is
    returned once, for its best child."""
    if not ordered:
        return []
    headline = ("ts_headline(%s::regconfig, coalesce(p.text, c.text), to_tsquery('simple', %s), %s)"
                if highlight_query else "''")
    sql = (
        f"SELECT c.id, c.document_id, d.name, c.text, c.page, c.heading, c.position, p.text, {headline} "
        "FROM knowledge_chunk c JOIN knowledge_document d ON d.id = c.document_id "
        "LEFT JOIN knowledge_chunk p ON p.document_id = c.document_id AND p.position = c.parent_position "
        "WHERE c.id = ANY(%s) AND c.knowledge_base_id = %s AND c.workspace_id = %s"
    )
    params = ([TEXT_SEARCH_CONFIG, highlight_query, _HIGHLIGHT] if highlight_query else []) + [
        [cid for cid, _ in ordered], knowledge_base.pk, knowledge_base.workspace_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = {row[0]: row for row in cursor.fetchall()}
    hits: list[SearchHit] = []
    seen_parents: set[tuple[int, str]] = set()
    for chunk_id, score in ordered:
        row = rows.get(chunk_id)
        if row is None:
            continue
        _, document_id, name, text, page, heading, position, parent_text, marked = row
        if parent_text is not None:
            if (document_id, parent_text) in seen_parents:
                continue
            seen_parents.add((document_id, parent_text))
        words = sorted({m.strip() for m in _MARKED.findall(marked or "") if m.strip()}, key=str.lower)
        hits.append(SearchHit(chunk_id, document_id, name, parent_text or text, text, round(score, 6), page,
                              heading, position, ranks.get(chunk_id, {}), words))
        if len(hits) == top_k:
            break
    return hits
