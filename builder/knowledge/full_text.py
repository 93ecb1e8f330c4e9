"""Full-text candidates of a knowledge search: PostgreSQL ``tsvector`` matches through the GIN
index, ranked with ``ts_rank_cd`` against all the query's words.

A query of common words would otherwise rank most of the table: each step here ranks a bounded
set of matches, from the most precise (all the words) to the widest (any of the rarer words), and
stops once it has enough. Which words are common comes from PostgreSQL's statistics of the
tsvector column (re-read every few minutes).
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from django.db import connection

#: Full-text matches ranked per step: bounds a common word's cost.
TEXT_CANDIDATES = 500
#: A word in more than this share of all chunks is common: it ranks, but does not widen the match.
COMMON_WORD_SHARE = 0.05
#: The second step matches chunks with two of this many of the query's rarest words.
TEXT_PAIR_WORDS = 6
COMMON_WORDS_TTL = 300.0


def text_candidates(where: str, params: list[Any], lexemes: tuple[str, ...], limit: int) -> list[tuple[int, float]]:
    """Chunks with all the query's words first; while they are fewer than ``limit``, chunks with
    at least two of its rarest words, and last chunks with any of its rarer words. Each step ranks
    a bounded set of matches against all the words (``ts_rank_cd``), so a query of common words
    costs no more than one of rare words."""
    words = rarest_first(lexemes)
    steps = [tsquery(words, " & ")]
    if len(words) > 2:
        rarest = words[:TEXT_PAIR_WORDS]
        steps.append(" | ".join(f"({tsquery(pair, ' & ')})" for pair in itertools.combinations(rarest, 2)))
    steps.append(tsquery(rare_lexemes(words), " | "))
    found: dict[int, float] = {}
    for matching in dict.fromkeys(steps):  # the same step once
        for chunk_id, score in _ranked_matches(where, params, lexemes, matching, limit):
            found.setdefault(chunk_id, score)
        if len(found) >= limit:
            break
    return sorted(found.items(), key=lambda item: (-item[1], item[0]))[:limit]


def _ranked_matches(where: str, params: list[Any], lexemes: tuple[str, ...], matching: str,
                    limit: int) -> list[tuple[int, float]]:
    """The best ``limit`` of at most ``TEXT_CANDIDATES`` chunks that match ``matching``."""
    sql = (
        f"SELECT m.id, ts_rank_cd(m.search_vector, to_tsquery('simple', %s), 32) AS score FROM ("
        f"SELECT c.id, c.search_vector FROM knowledge_chunk c WHERE {where} "
        f"AND c.search_vector @@ to_tsquery('simple', %s) LIMIT {TEXT_CANDIDATES}) AS m "
        f"ORDER BY score DESC, m.id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [tsquery(lexemes, " | "), *params, matching, limit])
        return [(row[0], float(row[1])) for row in cursor.fetchall()]


def rarest_first(lexemes: tuple[str, ...]) -> tuple[str, ...]:
    """The query's words by their share of all chunks (PostgreSQL's statistics of the tsvector
    column; a word it does not list is rarer than every word it does), rarest first."""
    common = _common_lexemes()
    return tuple(sorted(lexemes, key=lambda lexeme: common.get(lexeme, 0.0)))


def rare_lexemes(lexemes: tuple[str, ...]) -> tuple[str, ...]:
    """The words that are not common (in more than ``COMMON_WORD_SHARE`` of all chunks), or all
    of them when every word is common."""
    common = _common_lexemes()
    return tuple(lexeme for lexeme in lexemes if common.get(lexeme, 0.0) < COMMON_WORD_SHARE) or lexemes


def tsquery(lexemes: tuple[str, ...], operator: str) -> str:
    """The lexemes, quoted, joined by ``operator`` (``&`` or ``|``), for ``to_tsquery('simple', …)``."""
    return operator.join("'" + lexeme.replace("'", "''").replace("\\", "\\\\") + "'" for lexeme in lexemes)


_common_cache: tuple[float, dict[str, float]] = (0.0, {})


def _common_lexemes() -> dict[str, float]:
    """The most common words of all chunks with their share (PostgreSQL's statistics)."""
    global _common_cache
    read_at, common = _common_cache
    if time.monotonic() - read_at < COMMON_WORDS_TTL:
        return common
    with connection.cursor() as cursor:
        cursor.execute("SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                       "WHERE tablename = 'knowledge_chunk' AND attname = 'search_vector'")
        row = cursor.fetchone()
    common = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
    _common_cache = (time.monotonic(), common)
    return common
