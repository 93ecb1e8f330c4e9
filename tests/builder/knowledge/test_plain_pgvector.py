"""Any PostgreSQL with pgvector still works: on the previous release's server (PostgreSQL 16 with
pgvector 0.6 — no halfvec, no iterative scans) the platform migrates, says which search paths it
uses, and a knowledge base large enough for the index finds its own nearest chunks, not those of
the knowledge base beside it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]

ON_OLD_PGVECTOR = """
import json, os, sys
from pathlib import Path
import numpy as np
import pgserver
server = pgserver.get_server(Path(sys.argv[1]), cleanup_mode="stop")
import psycopg
with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
    conn.execute('CREATE DATABASE "plain"')
os.environ["DATABASE_URL"] = server.get_uri("plain")
os.environ["DJANGO_SETTINGS_MODULE"] = "builder.settings.dev"
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from builder.health.checks import check_database
call_command("migrate", verbosity=0)

from builder.accounts.models import Workspace
from builder.knowledge.indexes import rebuild
from builder.knowledge.search import knowledge_search, search_paths
from builder.knowledge.services import knowledge_base_create
from tests.builder.knowledge.test_search_at_scale import Corpus, load

rng = np.random.default_rng(3)
corpus = Corpus(rng, 21_000)
workspace = Workspace.objects.create(name="Plain", slug="plain")
kb = knowledge_base_create(workspace=workspace, name="archive")
beside = knowledge_base_create(workspace=workspace, name="beside")
first = load(kb, corpus.vectors, corpus.texts)
load(beside, corpus.queries, corpus.query_texts)  # the nearest possible vectors, in another knowledge base
rebuild(384)
with connection.cursor() as cursor:
    cursor.execute("ANALYZE knowledge_chunk")
recall, foreign = [], 0
for text, vector in zip(corpus.query_texts, corpus.queries):
    hits = knowledge_search(knowledge_base=kb, query=text, mode="hybrid", top_k=10, query_vector=list(vector))
    vector_hits = knowledge_search(knowledge_base=kb, query=text, mode="vector", top_k=10, query_vector=list(vector))
    foreign += sum(1 for hit in hits + vector_hits if not 0 <= hit.chunk_id - first < 21_000)
    recall.append(len({hit.chunk_id - first for hit in vector_hits} & corpus.exact(vector)) / 10)
with connection.cursor() as cursor:
    cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'knowledge_chunk_hnsw_384'")
    indexdef = cursor.fetchone()[0]
print(json.dumps({"paths": search_paths(kb), "health": check_database(), "indexdef": indexdef,
                  "recall": float(np.mean(recall)), "foreign": foreign}))
"""


def test_a_plain_pgvector_server_gets_the_fallback_search_paths(tmp_path):
    done = subprocess.run([sys.executable, "-c", ON_OLD_PGVECTOR, str(tmp_path / "postgres")], capture_output=True,
                          text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])

    paths = found["paths"]
    assert paths["pgvector"] == "0.6.2" and not paths["halfvec"] and not paths["iterative_scan"]
    assert paths["index_kind"] == "vector" and "halfvec" not in found["indexdef"]
    assert "full-precision" in paths["paths"]["vector"] and "share of all chunks" in paths["paths"]["vector"]
    assert found["health"]["search"]["iterative_scan"] is False
    assert found["foreign"] == 0
    assert found["recall"] >= 0.95
