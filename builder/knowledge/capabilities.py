"""What the database offers knowledge search, detected once per process: the server and pgvector
versions, and from them the search paths in use.

* pgvector ≥ 0.7 has ``halfvec``: the HNSW indexes store half-precision vectors (half the size,
  faster builds; candidates are re-ranked with the full vectors).
* pgvector ≥ 0.8 has iterative index scans: a knowledge base that is a small share of the index
  keeps scanning until its own top-k is found, instead of losing hits to the filter.
* Older pgvector (0.5+): full-precision indexes, and a candidate list scaled by the knowledge base's
  share of all chunks.

Full-text search uses PostgreSQL's ``tsvector`` with a GIN index on every server. The indexes
themselves are made by migrations and :mod:`builder.knowledge.indexes`; which kind exists is read
from the catalog, so search always asks in the form the index can answer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.db import connection

#: Kinds of the HNSW indexes on knowledge chunks.
HALFVEC, VECTOR = "halfvec", "vector"


@dataclass(frozen=True)
class SearchCapabilities:
    server: str
    pgvector: str
    halfvec: bool
    iterative_scan: bool
    index_kind: str  # HALFVEC or VECTOR: what the chunk indexes store

    @property
    def paths(self) -> dict[str, str]:
        """The search path of each mode on this database, in words (health check, settings page)."""
        index = ("HNSW over half-precision vectors, re-ranked at full precision" if self.index_kind == HALFVEC
                 else "HNSW over full-precision vectors")
        share = ("iterative index scans for knowledge bases that are a small share of all chunks"
                 if self.iterative_scan else "a candidate list scaled to the knowledge base's share of all chunks")
        share += "; an exact scan when the index comes back short"
        return {
            "vector": f"{index}, with {share}",
            "full_text": "GIN tsvector index: chunks with all the words first, then the rarer words, bounded",
            "hybrid": "reciprocal-rank fusion of the vector and full-text lists",
        }

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "paths": self.paths}


_detected: dict[str, SearchCapabilities] = {}


def search_capabilities() -> SearchCapabilities:
    """The capabilities of the default database (detected on first use, then cached)."""
    key = f"{connection.settings_dict.get('HOST')}/{connection.settings_dict.get('NAME')}"
    found = _detected.get(key)
    if found is None:
        found = _detected[key] = detect()
    return found


def forget() -> None:
    """Detect again on next use (after an extension update or an index rebuild)."""
    _detected.clear()


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".")[:3] if part.isdigit())


def detect() -> SearchCapabilities:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('server_version'), "
            "(SELECT extversion FROM pg_extension WHERE extname = 'vector'), "
            "(SELECT indexdef FROM pg_indexes WHERE indexname = 'knowledge_chunk_hnsw_384')"
        )
        server, pgvector, indexdef = cursor.fetchone()
    version = version_tuple(pgvector or "0")
    halfvec = version >= (0, 7)
    return SearchCapabilities(
        server=server,
        pgvector=pgvector or "",
        halfvec=halfvec,
        iterative_scan=version >= (0, 8),
        index_kind=HALFVEC if indexdef and "halfvec" in indexdef else VECTOR,
    )
