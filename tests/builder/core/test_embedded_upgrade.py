"""A data folder made by the previous release (``pgserver`` 0.1.4: PostgreSQL 16, pgvector 0.6)
opens with everything in it — rows, vectors, indexes — and its pgvector is brought up to the
shipped one (halfvec, iterative index scans); a new folder starts on PostgreSQL 18."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]

OLD_RELEASE = """
import sys
from pathlib import Path
import pgserver, psycopg
server = pgserver.get_server(Path(sys.argv[1]), cleanup_mode="stop")
with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
    conn.execute('CREATE DATABASE "llmops"')
with psycopg.connect(server.get_uri("llmops"), autocommit=True) as conn:
    conn.execute("CREATE EXTENSION vector")
    conn.execute("CREATE TABLE chunk (id int PRIMARY KEY, kb int, text text, embedding vector(3))")
    conn.execute("INSERT INTO chunk SELECT i, i % 2, 'chunk ' || i, ARRAY[i, i % 7, 1]::vector(3) "
                 "FROM generate_series(1, 500) i")
    conn.execute("CREATE INDEX chunk_hnsw ON chunk USING hnsw (embedding vector_cosine_ops)")
    print(conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()[0])
server.cleanup()
"""

NEW_RELEASE = """
import json, sys
from pathlib import Path
import psycopg
from builder.embedded_postgres import ensure_running
db = ensure_running(Path(sys.argv[1]), "llmops")
with psycopg.connect(db.url("llmops"), autocommit=True) as conn:
    conn.execute("SET hnsw.iterative_scan = relaxed_order")
    conn.execute("SET enable_seqscan = off")
    nearest = conn.execute("SELECT id FROM chunk WHERE kb = 1 ORDER BY embedding <=> '[9, 2, 1]' LIMIT 3").fetchall()
    plan = " ".join(r[0] for r in conn.execute(
        "EXPLAIN SELECT id FROM chunk ORDER BY embedding <=> '[9, 2, 1]' LIMIT 3").fetchall())
    print(json.dumps({
        "server": conn.execute("SHOW server_version").fetchone()[0],
        "vector": conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()[0],
        "rows": conn.execute("SELECT count(*), sum(id), count(embedding) FROM chunk").fetchone(),
        "nearest": [r[0] for r in nearest],
        "hnsw": "chunk_hnsw" in plan,
        "halfvec": conn.execute("SELECT '[1, 2, 3]'::halfvec(3)::text").fetchone()[0],
    }))
"""


def run(script: str, pgdata: Path) -> str:
    done = subprocess.run([sys.executable, "-c", script, str(pgdata)], capture_output=True, text=True, cwd=ROOT,
                          timeout=180)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_a_data_folder_of_the_previous_release_opens_with_its_data_and_a_current_pgvector(tmp_path):
    pgdata = tmp_path / "postgres"
    assert run(OLD_RELEASE, pgdata) == "0.6.2"
    assert (pgdata / "PG_VERSION").read_text().strip() == "16"

    opened = json.loads(run(NEW_RELEASE, pgdata))
    assert opened["server"].startswith("16.")  # opened as it is, not rewritten
    assert opened["vector"].startswith("0.8")
    assert opened["rows"] == [500, 125250, 500]
    assert opened["hnsw"] and opened["halfvec"] == "[1,2,3]"
    assert len(opened["nearest"]) == 3 and all(i % 2 == 1 for i in opened["nearest"])

    again = json.loads(run(NEW_RELEASE, pgdata))  # a second start changes nothing
    assert again == opened


def test_a_new_data_folder_starts_on_postgresql_18(tmp_path):
    script = """
import sys
from pathlib import Path
import psycopg
from builder.embedded_postgres import ensure_running
db = ensure_running(Path(sys.argv[1]), "llmops")
with psycopg.connect(db.url("llmops")) as conn:
    print(conn.execute("SHOW server_version").fetchone()[0])
"""
    assert run(script, tmp_path / "postgres").startswith("18.")
