"""Knowledge benchmark: ingestion throughput with the local embedder, and search latency at scale.

    .venv/bin/python -m builder.knowledge.bench                      # 100k chunks
    .venv/bin/python -m builder.knowledge.bench --sizes 100000,1000000 --queries 300

1. Ingestion: synthetic handbook-like documents go through the real path (upload, parse, chunk,
   embed with all-MiniLM-L6-v2, store) in this process; chunks per second end to end.
2. Search: N synthetic chunks (clustered 384-d vectors, texts whose topic words follow their
   cluster) are COPY'd into a knowledge base; then hybrid / vector / full-text top-10 through the
   same ``knowledge_search`` the API uses, next to numpy exact search over the same vectors in
   this run, and recall@10 of the HNSW vector search against the exact answer.

It runs on its own database (``llmops_bench`` on the embedded server, or ``DATABASE_URL``) and
keeps the synthetic data between runs, so a second run skips the generation. Figures are
printed, not asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import sys
import time

import numpy as np

DIMS = 384
TOP_K = 10
BATCH = 50_000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000", help="comma-separated chunk counts (e.g. 100000,1000000)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--ingest-documents", type=int, default=12)
    parser.add_argument("--skip-ingestion", action="store_true")
    parser.add_argument("--corpus", choices=Corpus.KINDS, default="minilm",
                        help="minilm: shaped like MiniLM vectors of text (default); isotropic: the harder stress case")
    parser.add_argument("--profile", action="store_true",
                        help="only compare the corpora's neighbour profile with MiniLM vectors of real text")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "builder.settings.dev")
    os.environ.setdefault("LLMOPS_DB_NAME", "llmops_bench")
    import django

    django.setup()
    from django.core.management import call_command

    if args.profile:
        neighbour_profiles()
        return
    call_command("migrate", verbosity=0)
    machine_print()
    workspace = _workspace()
    if not args.skip_ingestion:
        ingestion_bench(workspace, args.ingest_documents)
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        search_bench(workspace, size, args.queries, args.corpus)


def machine_print() -> None:
    import psutil
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        vector = cursor.fetchone()[0]
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print("== Machine")
    print(f"  CPU        {cpu}, {os.cpu_count()} logical cores")
    print(f"  Memory     {psutil.virtual_memory().total / 2**30:.1f} GiB")
    print(f"  Python     {platform.python_version()} on {platform.platform()}")
    print(f"  PostgreSQL {pg}, pgvector {vector}; numpy {np.__version__}")
    print()


def _workspace():
    from builder.accounts.models import Workspace

    workspace, _ = Workspace.objects.get_or_create(slug="knowledge-bench", defaults={"name": "Knowledge bench"})
    return workspace


# --- synthetic text -----------------------------------------------------------------------------

_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "si", "de", "pa", "gu", "fe", "zo", "bi", "re", "ho"]


def vocabulary(size: int, seed: int = 1) -> list[str]:
    rng = np.random.default_rng(seed)
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES, size=rng.integers(2, 5))))
    return sorted(words)


def sentence_text(rng: np.random.Generator, words: list[str], topic: list[str], length: int) -> str:
    background = [words[min(int(i), len(words) - 1)] for i in rng.zipf(1.3, size=length)]
    picked = list(rng.choice(topic, size=max(3, length // 4)))
    mixed = background + picked
    rng.shuffle(mixed)
    return " ".join(mixed)


# --- ingestion -----------------------------------------------------------------------------------


def ingestion_bench(workspace, documents: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from builder.jobs.services import job_execute
    from builder.knowledge.models import Chunk, KnowledgeBase
    from builder.knowledge.services import documents_upload, knowledge_base_create
    from runtime.providers.embeddings import default_embedder

    KnowledgeBase.objects.filter(workspace=workspace, name="bench-ingestion").delete()
    kb = knowledge_base_create(workspace=workspace, name="bench-ingestion")
    paragraphs = iter(docstring_paragraphs(documents * 12 * 12, packages=("django",)))
    files = []
    for n in range(documents):
        sections = [f"## Section {s}\n\n" + "\n\n".join(next(paragraphs, "") for _ in range(12)) for s in range(12)]
        files.append(SimpleUploadedFile(f"doc-{n}.md", (f"# Document {n}\n\n" + "\n\n".join(sections)).encode()))
    embedder = default_embedder()
    embedder.embed(["warm-up"])  # the model load is not ingestion
    existing = Chunk.objects.count()  # every insert also goes into the HNSW index over these

    started = time.perf_counter()
    _, job = documents_upload(knowledge_base=kb, files=files)
    job_execute(job_id=job.pk)
    elapsed = time.perf_counter() - started
    chunks = Chunk.objects.filter(knowledge_base=kb).count()
    texts = list(Chunk.objects.filter(knowledge_base=kb).values_list("text", flat=True)[:512])
    embed_started = time.perf_counter()
    embedder.embed(texts)
    embed_rate = len(texts) / (time.perf_counter() - embed_started)
    tokens = statistics.mean(len(embedder.tokens(text)) for text in texts)
    size = sum(f.size for f in files)
    print("== Ingestion (upload -> parse -> chunk -> embed all-MiniLM-L6-v2 on CPU -> store)")
    print(f"  {documents} markdown documents of English text (Django's docstrings), {size / 1e6:.1f} MB, {chunks} "
          f"chunks of <= {kb.chunking['max_length']} chars ({tokens:.0f} tokens on average) in {elapsed:.1f} s; "
          f"the model computes in {'bfloat16' if embedder.bfloat16 else 'float32'}")
    print(f"  stored beside {existing:,} chunks already indexed (each insert also goes into their HNSW graph)")
    print(f"  end to end   {chunks / elapsed:8.1f} chunks/s")
    print(f"  embedding    {embed_rate:8.1f} chunks/s (the model alone, same texts)")
    print()


# --- search at scale ------------------------------------------------------------------------------


def _unit(array: np.ndarray) -> np.ndarray:
    return array / np.linalg.norm(array, axis=-1, keepdims=True)


class Corpus:
    """Clustered unit vectors and texts whose topic words follow the cluster, made from a seed.

    ``minilm`` (the default) is shaped like all-MiniLM-L6-v2 vectors of real text: clusters grouped
    into topics, each cluster spread along its own 32 directions (falling off in scale) plus a
    little noise in every direction. ``--profile`` compares it with MiniLM vectors of 6,000
    docstring paragraphs: local intrinsic dimension 18.6 (MiniLM's 19.3), cosine to the 1st / 10th
    / 100th neighbour 0.65 / 0.57 / 0.36 (0.68 / 0.51 / 0.37): nearer ties than the real vectors,
    so if anything harder. ``isotropic`` is the earlier corpus — equal noise in all 384 directions
    around unrelated centres (local intrinsic dimension 62, neighbours nearly tied) — a stress case
    far harder than text embeddings.
    """

    KINDS = ("minilm", "isotropic")
    RANK, SPREAD, NOISE, DECAY, TOPIC, SHARED = 32, 1.0, 0.8, 0.75, 1.5, 0.4

    def __init__(self, size: int, seed: int = 11, kind: str = "minilm"):
        if kind not in self.KINDS:
            raise ValueError(f"corpus kind {kind!r}: one of {', '.join(self.KINDS)}")
        self.size, self.seed, self.kind = size, seed, kind
        rng = np.random.default_rng(seed)
        self.clusters = max(64, size // 1000)
        if kind == "isotropic":
            self.centers = rng.normal(size=(self.clusters, DIMS)).astype(np.float32)
        else:
            topics = _unit(rng.normal(size=(max(8, self.clusters // 32), DIMS)))
            shared = _unit(rng.normal(size=DIMS))
            of_topic = rng.integers(0, len(topics), size=self.clusters)
            self.centers = _unit(self.SHARED * shared + self.TOPIC * topics[of_topic]
                                 + _unit(rng.normal(size=(self.clusters, DIMS)))).astype(np.float32)
            self.bases = _unit(rng.normal(size=(self.clusters, self.RANK, DIMS))).astype(np.float32)
            scales = np.arange(1, self.RANK + 1) ** -self.DECAY
            self.scales = (self.SPREAD * scales / np.sqrt((scales**2).sum())).astype(np.float32)
        self.assign = rng.integers(0, self.clusters, size=size)
        self.words = vocabulary(20_000)
        self.topics = [list(rng.choice(self.words, size=25)) for _ in range(self.clusters)]

    def _points(self, rng: np.random.Generator, clusters: np.ndarray) -> np.ndarray:
        """Unit vectors drawn around the centres of ``clusters`` (one per entry)."""
        if self.kind == "isotropic":
            return _unit(self.centers[clusters] + 0.9 * rng.normal(size=(len(clusters), DIMS)))
        points = self.centers[clusters] + self.NOISE / np.sqrt(DIMS) * rng.normal(size=(len(clusters), DIMS))
        spread = rng.normal(size=(len(clusters), self.RANK)) * self.scales
        order = np.argsort(clusters, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(clusters[order]) != 0])
        for rows in np.split(order, starts[1:]):
            points[rows] += spread[rows] @ self.bases[clusters[rows[0]]]
        return _unit(points)

    def vectors(self) -> np.ndarray:
        rng = np.random.default_rng(self.seed + 1)
        out = np.empty((self.size, DIMS), dtype=np.float32)
        for start in range(0, self.size, BATCH):
            stop = min(start + BATCH, self.size)
            out[start:stop] = self._points(rng, self.assign[start:stop])
        return out

    def texts(self, start: int, stop: int) -> list[str]:
        rng = np.random.default_rng(self.seed + 2 + start)
        return [sentence_text(rng, self.words, self.topics[self.assign[i]], 36) for i in range(start, stop)]

    def queries(self, count: int) -> list[tuple[str, np.ndarray]]:
        rng = np.random.default_rng(self.seed + 3)
        clusters = rng.integers(0, self.clusters, size=count)
        vectors = self._points(rng, clusters).astype(np.float32)
        found = []
        for cluster, vector in zip(clusters, vectors, strict=True):
            text = " ".join(rng.choice(self.topics[cluster], size=3)) + " " + self.words[int(rng.integers(0, 2000))]
            found.append((text, vector))
        return found


def docstring_paragraphs(count: int = 6000, packages=("django", "rest_framework", "celery", "kombu", "channels",
                         "transformers", "peft", "jinja2", "openai", "numpy")) -> list[str]:
    """Real English text at hand on every install: first paragraphs (over 80 characters) of the
    docstrings of installed packages, ``count`` of them picked with a fixed seed."""
    import ast
    import importlib.util
    from pathlib import Path

    texts: set[str] = set()
    for package in packages:
        try:
            spec = importlib.util.find_spec(package)
        except ValueError:  # imported already, under a module object without a spec (kombu's)
            spec = None
        folders = ((spec.submodule_search_locations if spec else None)
                   or getattr(sys.modules.get(package), "__path__", []))
        for folder in list(folders):
            for path in sorted(Path(folder).rglob("*.py")):
                try:
                    tree = ast.parse(path.read_text(encoding="utf-8"))
                except (SyntaxError, UnicodeDecodeError, ValueError):
                    continue
                for node in ast.walk(tree):
                    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                        doc = ast.get_docstring(node)
                        if doc and len(doc) > 80:
                            texts.add(" ".join(doc.split("\n\n")[0].split())[:600])
    ordered = sorted(texts)
    np.random.default_rng(0).shuffle(ordered)
    return ordered[:count]


def neighbour_profile(vectors: np.ndarray, samples: int = 300, k: int = 20) -> dict[str, float]:
    """How hard ``vectors`` are for an approximate index: the median local intrinsic dimension
    (maximum-likelihood estimate over the ``k`` nearest neighbours; higher is harder), the mean
    cosine to the 1st, 10th and 100th neighbour (close together means near ties) and of random pairs."""
    picked = np.random.default_rng(1).choice(len(vectors), samples, replace=False)
    similarity = vectors[picked] @ vectors.T
    similarity[np.arange(samples), picked] = -2  # not its own neighbour
    nearest = -np.sort(-similarity, axis=1)[:, :100]
    distance = np.sqrt(np.maximum(2 - 2 * nearest, 1e-12))
    lid = -1 / np.mean(np.log(distance[:, :k] / distance[:, k - 1 : k]), axis=1)
    return {"lid": float(np.median(lid)), "1st": float(nearest[:, 0].mean()), "10th": float(nearest[:, 9].mean()),
            "100th": float(nearest[:, 99].mean()), "random": float(similarity[similarity > -2].mean())}


def neighbour_profiles(count: int = 6000) -> None:
    from runtime.providers.embeddings import default_embedder

    texts = docstring_paragraphs(count)
    started = time.perf_counter()
    real = np.asarray(default_embedder().embed(texts), dtype=np.float32)
    print(f"== Neighbour profile (all-MiniLM-L6-v2 embedded {len(texts):,} docstring paragraphs in "
          f"{time.perf_counter() - started:.0f} s)")
    print("                        LID    cos 1st   10th   100th   random pairs")
    rows = [("MiniLM, real text", real)] + [(f"{kind} corpus", Corpus(len(texts), kind=kind).vectors())
                                            for kind in Corpus.KINDS]
    for name, vectors in rows:
        p = neighbour_profile(vectors)
        print(f"  {name:20s} {p['lid']:5.1f}   {p['1st']:6.3f}  {p['10th']:6.3f}  {p['100th']:6.3f}   "
              f"{p['random']:6.3f}")


def _load(workspace, name: str, corpus: Corpus, vectors: np.ndarray):
    """The knowledge base ``name`` holding ``corpus`` (made once, with COPY, index dropped);
    returns it and the seconds the COPY took (None when it was there already)."""
    from django.db import connection, transaction
    from pgvector.psycopg import register_vector

    from builder.knowledge.indexes import index_name
    from builder.knowledge.models import Chunk, Document, KnowledgeBase
    from builder.knowledge.services import knowledge_base_create

    kb = KnowledgeBase.objects.filter(workspace=workspace, name=name).first()
    if kb is not None and Chunk.objects.filter(knowledge_base=kb).count() == corpus.size:
        return kb, None
    if kb is not None:
        kb.delete()
    kb = knowledge_base_create(workspace=workspace, name=name)
    per_document = 1000
    documents = Document.objects.bulk_create([
        Document(workspace=workspace, knowledge_base=kb, name=f"synthetic-{d}.txt", file_type="txt", size_bytes=0,
                 sha256="", storage_key=f"bench/{kb.pk}/{d}", state="indexed",
                 chunk_count=min(per_document, corpus.size - d * per_document),
                 chunks_done=min(per_document, corpus.size - d * per_document))
        for d in range((corpus.size + per_document - 1) // per_document)
    ])
    started = time.perf_counter()
    with transaction.atomic():
        connection.ensure_connection()
        register_vector(connection.connection)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {index_name(DIMS)}")
        columns = "workspace_id, knowledge_base_id, document_id, position, role, text, heading, dims, embedding"
        with connection.connection.cursor() as raw, raw.copy(
                f"COPY knowledge_chunk ({columns}) FROM STDIN WITH (FORMAT BINARY)") as copy:
            copy.set_types(["int8", "int8", "int8", "int4", "varchar", "text", "varchar", "int2", "vector"])
            for start in range(0, corpus.size, BATCH):
                stop = min(start + BATCH, corpus.size)
                for i, text in zip(range(start, stop), corpus.texts(start, stop), strict=True):
                    copy.write_row((workspace.pk, kb.pk, documents[i // per_document].pk, i % per_document,
                                    "chunk", text, "", DIMS, vectors[i]))
    return kb, time.perf_counter() - started


def _ensure_index() -> float | None:
    """Build the chunk index when a load dropped it (memory sized to the rows); its seconds."""
    from django.db import connection

    from builder.knowledge.indexes import index_name, rebuild

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [index_name(DIMS)])
        if cursor.fetchone():
            return None
    took = rebuild(DIMS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE knowledge_chunk")
        cursor.execute("ANALYZE knowledge_document")
    return took


def _sizes() -> str:
    from django.db import connection

    from builder.knowledge.indexes import index_name

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_relation_size(%s::regclass)), "
                       "pg_size_pretty(pg_relation_size('knowledge_chunk_search_vector'::regclass)), "
                       "pg_size_pretty(pg_total_relation_size('knowledge_chunk'::regclass)), "
                       "(SELECT indexdef FROM pg_indexes WHERE indexname = %s)",
                       [index_name(DIMS), index_name(DIMS)])
        hnsw, gin, table, definition = cursor.fetchone()
    kind = "halfvec" if "halfvec" in definition else "vector"
    return f"HNSW ({kind}) {hnsw}, GIN {gin}, table with indexes {table}"


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:7.2f} ms   p99 {p99 * 1000:7.2f} ms"


def _measure(kb, corpus: Corpus, vectors: np.ndarray, queries, *, modes=("hybrid", "vector", "full_text"),
             force_index: bool = False):
    """Timings per mode and recall@10 of the vector list against numpy over ``vectors``."""
    from django.test import override_settings

    from builder.knowledge import search
    from builder.knowledge.conf import exact_search_below
    from builder.knowledge.models import Chunk

    first_id = Chunk.objects.filter(knowledge_base=kb).order_by("id").values_list("id", flat=True).first()
    # force_index: what the index path would give this knowledge base (the product scans it exactly)
    with override_settings(KNOWLEDGE_EXACT_SEARCH_BELOW=0 if force_index else exact_search_below()):
        # one unmeasured pass first: a running server has its index in memory, and without it the
        # first mode of each query would pay for reading the query's part of the index
        cold = []
        for text, vector in queries:
            started = time.perf_counter()
            search.knowledge_search(knowledge_base=kb, query=text, mode="hybrid", top_k=TOP_K,
                                    query_vector=list(vector))
            cold.append(time.perf_counter() - started)
        timings: dict[str, list[float]] = {mode: [] for mode in (*modes, "numpy")}
        timings["first pass"] = cold
        recalls = []
        for text, vector in queries:
            started = time.perf_counter()
            scores = vectors @ vector
            exact = np.argpartition(-scores, TOP_K)[:TOP_K]
            timings["numpy"].append(time.perf_counter() - started)
            found = {}
            for mode in modes:
                started = time.perf_counter()
                found[mode] = search.knowledge_search(knowledge_base=kb, query=text, mode=mode, top_k=TOP_K,
                                                      query_vector=list(vector))
                timings[mode].append(time.perf_counter() - started)
            approx = {hit.chunk_id - first_id for hit in found["vector"]}
            recalls.append(len(approx & set(exact.tolist())) / TOP_K)
    return timings, statistics.mean(recalls)


@contextlib.contextmanager
def _ef_search(ef: int):
    """Every knowledge base searched with candidate list ``ef`` (the sweep; not a product setting)."""
    from builder.knowledge import search

    saved = search.HNSW_EF_SEARCH, search.HNSW_EF_SEARCH_LARGE
    search.HNSW_EF_SEARCH = search.HNSW_EF_SEARCH_LARGE = ef
    try:
        yield
    finally:
        search.HNSW_EF_SEARCH, search.HNSW_EF_SEARCH_LARGE = saved


def _drop_other_corpora(workspace, kind: str) -> None:
    """Another corpus's knowledge bases leave the shared index, so that it holds what is measured
    (the index is dropped with them and built again over what stays)."""
    from django.db import connection

    from builder.knowledge.indexes import index_name
    from builder.knowledge.models import KnowledgeBase

    others = KnowledgeBase.objects.filter(workspace=workspace, name__startswith="bench-").exclude(
        name__startswith=f"bench-{kind}-").exclude(name="bench-ingestion")
    if others.exists():
        print(f"  dropping the knowledge bases of another corpus: {', '.join(others.values_list('name', flat=True))}")
        others.delete()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {index_name(DIMS)}")


def search_bench(workspace, size: int, query_count: int, kind: str = "minilm") -> None:
    from builder.knowledge.capabilities import search_capabilities
    from builder.knowledge.conf import exact_search_below
    from builder.knowledge.search import SearchFilters, _scope, ef_search_for, knowledge_search
    from runtime.providers.embeddings import default_embedder

    _drop_other_corpora(workspace, kind)
    corpus, small = Corpus(size, kind=kind), Corpus(max(size // 100, 100), seed=29, kind=kind)
    vectors, small_vectors = corpus.vectors(), small.vectors()
    kb, copied = _load(workspace, f"bench-{kind}-{size}", corpus, vectors)
    small_kb, _ = _load(workspace, f"bench-{kind}-{size}-share", small, small_vectors)
    built = _ensure_index()
    capabilities = search_capabilities()
    scope = _scope(kb, SearchFilters(), "x")
    ef = ef_search_for(scope.indexed_chunks, scope.all_chunks, iterative=capabilities.iterative_scan)

    print(f"== Search, {size:,} chunks ({DIMS}-d, {corpus.kind} corpus, {corpus.clusters} clusters), top-{TOP_K}, "
          f"{query_count} queries, hnsw m=16 ef_construction=64 ef_search={ef}")
    print(f"  PostgreSQL {capabilities.server}, pgvector {capabilities.pgvector}: index {capabilities.index_kind}, "
          f"iterative scans {'on' if capabilities.iterative_scan else 'unavailable'}")
    print(f"  the index holds {scope.all_chunks:,} chunks of all knowledge bases; this one is "
          f"{size / max(scope.all_chunks, 1):.0%} of them")
    if copied is not None:
        print(f"  load: COPY {copied:.1f} s (with tsvector)")
    if built is not None:
        print(f"  HNSW build {built:.1f} s over every chunk, maintenance_work_mem sized to the rows")
    print(f"  sizes: {_sizes()}")
    timings, recall = _measure(kb, corpus, vectors, corpus.queries(query_count))
    print(f"  hybrid (RRF)      {_ms(timings['hybrid'])}   <- what the API and retrieval node run")
    print(f"  vector (HNSW)     {_ms(timings['vector'])}")
    print(f"  full-text (GIN)   {_ms(timings['full_text'])}")
    print(f"  numpy exact       {_ms(timings['numpy'])}   (same vectors, in memory)")
    print(f"  recall@{TOP_K} vector vs exact: {recall:.3f}")
    print(f"  hybrid, first pass over the queries (index pages not yet in the server's cache) "
          f"{_ms(timings['first pass'])}")

    print(f"  ef_search sweep (vector, {min(query_count, 100)} queries):")
    for sweep_ef in (100, 200, 400, 800):
        with _ef_search(sweep_ef):
            timings, recall = _measure(kb, corpus, vectors, corpus.queries(min(query_count, 100)), modes=("vector",))
        print(f"    ef_search {sweep_ef:4d}   {_ms(timings['vector'])}   recall@{TOP_K} {recall:.3f}")

    # The API's path: embed the query's text with the bundled model, then search. The synthetic
    # chunks are not MiniLM vectors of their texts, so the search takes the corpus's own query
    # vector (MiniLM's would land away from every chunk); the work timed is the API's.
    embed = default_embedder().embed
    embed(["warm-up"])  # the model load is not a search
    embedded, embedding = [], []
    for text, vector in corpus.queries(min(query_count, 50)):
        started = time.perf_counter()
        embed([text])
        embedding.append(time.perf_counter() - started)
        knowledge_search(knowledge_base=kb, query=text, mode="hybrid", top_k=TOP_K, query_vector=list(vector))
        embedded.append(time.perf_counter() - started)
    print(f"  hybrid with the query embedded (the API's path)   {_ms(embedded)}; the embedding alone "
          f"p50 {statistics.median(embedding) * 1000:.1f} ms")

    share_queries = small.queries(min(query_count, 100))
    timings, recall = _measure(small_kb, small, small_vectors, share_queries, modes=("vector",))
    print(f"  a knowledge base of {small.size:,} chunks ({small.size / max(scope.all_chunks, 1):.1%} of the index):")
    print(f"    vector, exact scan (the product's path under {exact_search_below():,} chunks)  "
          f"{_ms(timings['vector'])}   recall@{TOP_K} {recall:.3f}")
    timings, recall = _measure(small_kb, small, small_vectors, share_queries, modes=("vector",), force_index=True)
    print(f"    vector, through the shared index (iterative scan)        "
          f"{_ms(timings['vector'])}   recall@{TOP_K} {recall:.3f}")
    print("  (search timings include the SQL round trips, hydration and highlighting; the query vector is"
          " given, except on the line that says so)")
    print()


if __name__ == "__main__":
    main()
