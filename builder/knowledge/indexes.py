"""The HNSW indexes of knowledge chunks: one partial index per supported vector size (pgvector
indexes need a fixed size), half precision where pgvector has ``halfvec``.

Building an HNSW index is fast while its graph fits in ``maintenance_work_mem`` and slow once it
does not (measured at 100k 384-d vectors: 343 s at PostgreSQL's default 64 MB, 91 s at 2 GB), so
every build here sizes that memory to the rows it indexes, within a share of the machine's RAM.

    .venv/bin/python manage.py knowledge_reindex     # after a bulk load, or to change the kind
"""

from __future__ import annotations

import logging
import os
import time

from django.db import connection

from builder.knowledge.capabilities import HALFVEC, VECTOR, forget, version_tuple

logger = logging.getLogger(__name__)

DIMENSIONS = (384, 512, 768, 1024, 1536)
HNSW_M, HNSW_EF_CONSTRUCTION = 16, 64
#: At most this share of the machine's memory goes to one index build.
BUILD_MEMORY_SHARE = 0.25
MIN_BUILD_MEMORY = 64 * 2**20


def index_name(dims: int) -> str:
    return f"knowledge_chunk_hnsw_{dims}"


def distance_expression(dims: int, kind: str, column: str = "embedding") -> str:
    """The indexed expression: the column cast to a fixed size (the index answers ``<=>`` on it)."""
    return f"({column}::{kind}({int(dims)}))"


def index_sql(dims: int, kind: str) -> str:
    ops = "halfvec_cosine_ops" if kind == HALFVEC else "vector_cosine_ops"
    return (f"CREATE INDEX {index_name(dims)} ON knowledge_chunk USING hnsw ({distance_expression(dims, kind)} {ops}) "
            f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION}) WHERE dims = {int(dims)}")


def build_memory_bytes(rows: int, dims: int, kind: str) -> int:
    """``maintenance_work_mem`` for a build of ``rows`` vectors: the graph in memory (vector, its
    neighbour lists on every layer, bookkeeping) with a quarter to spare, within the RAM share."""
    width = 2 if kind == HALFVEC else 4
    per_row = dims * width + 2 * HNSW_M * 10 + 160
    wanted = int(rows * per_row * 1.25)
    return max(MIN_BUILD_MEMORY, min(wanted, int(_total_memory() * BUILD_MEMORY_SHARE)))


def _total_memory() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return 4 * 2**30


def best_kind() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        row = cursor.fetchone()
    return HALFVEC if row and version_tuple(row[0]) >= (0, 7) else VECTOR


def rebuild(dims: int, kind: str | None = None) -> float:
    """Drop and build the index of ``dims``-sized vectors (of ``kind``: the best the database has
    when None), with memory sized to the rows; returns the seconds the build took."""
    kind = kind or best_kind()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM knowledge_chunk WHERE dims = %s", [dims])
        rows = cursor.fetchone()[0]
        memory_kb = build_memory_bytes(rows, dims, kind) // 1024
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{memory_kb}kB'" if connection.in_atomic_block
                       else f"SET maintenance_work_mem = '{memory_kb}kB'")
        cursor.execute(f"DROP INDEX IF EXISTS {index_name(dims)}")
        started = time.perf_counter()
        cursor.execute(index_sql(dims, kind))
        took = time.perf_counter() - started
        if not connection.in_atomic_block:
            cursor.execute("RESET maintenance_work_mem")
    forget()
    logger.log(logging.INFO if rows else logging.DEBUG, "knowledge index %s (%s) built over %d rows in %.1f s "
               "with %d MB", index_name(dims), kind, rows, took, memory_kb // 1024)
    return took
