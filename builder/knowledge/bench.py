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
import os
import platform
import statistics
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
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "builder.settings.dev")
    os.environ.setdefault("LLMOPS_DB_NAME", "llmops_bench")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    machine_print()
    workspace = _workspace()
    if not args.skip_ingestion:
        ingestion_bench(workspace, args.ingest_documents)
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        search_bench(workspace, size, args.queries)


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
    rng = np.random.default_rng(3)
    words = vocabulary(5000)
    files = []
    for n in range(documents):
        topic = list(rng.choice(words, size=30))
        sections = [f"## Section {s}\n\n" + "\n\n".join(
            sentence_text(rng, words, topic, 40) + "." for _ in range(6)) for s in range(12)]
        files.append(SimpleUploadedFile(f"doc-{n}.md", (f"# Document {n}\n\n" + "\n\n".join(sections)).encode()))
    default_embedder().embed(["warm-up"])  # the model load is not ingestion

    started = time.perf_counter()
    _, job = documents_upload(knowledge_base=kb, files=files)
    job_execute(job_id=job.pk)
    elapsed = time.perf_counter() - started
    chunks = Chunk.objects.filter(knowledge_base=kb).count()
    texts = list(Chunk.objects.filter(knowledge_base=kb).values_list("text", flat=True)[:512])
    embed_started = time.perf_counter()
    default_embedder().embed(texts)
    embed_rate = len(texts) / (time.perf_counter() - embed_started)
    size = sum(f.size for f in files)
    print("== Ingestion (upload -> parse -> chunk -> embed all-MiniLM-L6-v2 on CPU -> store)")
    print(f"  {documents} markdown documents, {size / 1e6:.1f} MB, {chunks} chunks of <= "
          f"{kb.chunking['max_length']} chars in {elapsed:.1f} s")
    print(f"  end to end   {chunks / elapsed:8.1f} chunks/s")
    print(f"  embedding    {embed_rate:8.1f} chunks/s (the model alone, same texts)")
    print()


# --- search at scale ------------------------------------------------------------------------------


class Corpus:
    """Clustered unit vectors and texts whose topic words follow the cluster, made from a seed."""

    def __init__(self, size: int, seed: int = 11):
        self.size = size
        rng = np.random.default_rng(seed)
        self.clusters = max(64, size // 1000)
        self.centers = rng.normal(size=(self.clusters, DIMS)).astype(np.float32)
        self.assign = rng.integers(0, self.clusters, size=size)
        self.words = vocabulary(20_000)
        self.topics = [list(rng.choice(self.words, size=25)) for _ in range(self.clusters)]
        self.seed = seed

    def vectors(self) -> np.ndarray:
        rng = np.random.default_rng(self.seed + 1)
        out = np.empty((self.size, DIMS), dtype=np.float32)
        for start in range(0, self.size, BATCH):
            stop = min(start + BATCH, self.size)
            block = self.centers[self.assign[start:stop]] + 0.9 * rng.normal(size=(stop - start, DIMS))
            out[start:stop] = block / np.linalg.norm(block, axis=1, keepdims=True)
        return out

    def texts(self, start: int, stop: int) -> list[str]:
        rng = np.random.default_rng(self.seed + 2 + start)
        return [sentence_text(rng, self.words, self.topics[self.assign[i]], 36) for i in range(start, stop)]

    def queries(self, count: int) -> list[tuple[str, np.ndarray]]:
        rng = np.random.default_rng(self.seed + 3)
        found = []
        for cluster in rng.integers(0, self.clusters, size=count):
            vector = self.centers[cluster] + 0.9 * rng.normal(size=DIMS)
            text = " ".join(rng.choice(self.topics[cluster], size=3)) + " " + self.words[int(rng.integers(0, 2000))]
            found.append((text, (vector / np.linalg.norm(vector)).astype(np.float32)))
        return found


def _load(workspace, corpus: Corpus, vectors: np.ndarray):
    """The knowledge base of ``corpus`` (made once, with COPY; the HNSW index is built after)."""
    from django.db import connection, transaction
    from pgvector.psycopg import register_vector

    from builder.knowledge.models import Chunk, Document, KnowledgeBase
    from builder.knowledge.services import knowledge_base_create

    name = f"bench-{corpus.size}"
    kb = KnowledgeBase.objects.filter(workspace=workspace, name=name).first()
    if kb is not None and Chunk.objects.filter(knowledge_base=kb).count() == corpus.size:
        return kb, None
    if kb is not None:
        kb.delete()
    kb = knowledge_base_create(workspace=workspace, name=name)
    per_document = 1000
    documents = Document.objects.bulk_create([
        Document(workspace=workspace, knowledge_base=kb, name=f"synthetic-{d}.txt", file_type="txt", size_bytes=0,
                 sha256="", storage_key=f"bench/{kb.pk}/{d}", state="indexed", chunk_count=per_document,
                 chunks_done=per_document)
        for d in range((corpus.size + per_document - 1) // per_document)
    ])
    started = time.perf_counter()
    with transaction.atomic():
        connection.ensure_connection()
        register_vector(connection.connection)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS knowledge_chunk_hnsw_{DIMS}")
        columns = "workspace_id, knowledge_base_id, document_id, position, role, text, heading, dims, embedding"
        with connection.connection.cursor() as raw, raw.copy(
                f"COPY knowledge_chunk ({columns}) FROM STDIN WITH (FORMAT BINARY)") as copy:
            copy.set_types(["int8", "int8", "int8", "int4", "varchar", "text", "varchar", "int2", "vector"])
            for start in range(0, corpus.size, BATCH):
                stop = min(start + BATCH, corpus.size)
                for i, text in zip(range(start, stop), corpus.texts(start, stop), strict=True):
                    copy.write_row((workspace.pk, kb.pk, documents[i // per_document].pk, i % per_document,
                                    "chunk", text, "", DIMS, vectors[i]))
    copied = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '2GB'")
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS knowledge_chunk_hnsw_{DIMS} ON knowledge_chunk USING hnsw "
            f"((embedding::vector({DIMS})) vector_cosine_ops) WITH (m = 16, ef_construction = 64) "
            f"WHERE dims = {DIMS}")
        cursor.execute("ANALYZE knowledge_chunk")
        cursor.execute("ANALYZE knowledge_document")
    return kb, (copied, time.perf_counter() - started)


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:7.2f} ms   p99 {p99 * 1000:7.2f} ms"


def search_bench(workspace, size: int, query_count: int) -> None:
    from builder.knowledge.models import Chunk
    from builder.knowledge.search import SearchFilters, _scope, ef_search_for, knowledge_search

    corpus = Corpus(size)
    vectors = corpus.vectors()
    kb, load_times = _load(workspace, corpus, vectors)
    scope = _scope(kb, SearchFilters(), "x")
    ef_search = ef_search_for(scope.indexed_chunks, scope.all_chunks)
    first_id = Chunk.objects.filter(knowledge_base=kb).order_by("id").values_list("id", flat=True).first()
    queries = corpus.queries(query_count)
    for text, vector in queries[:10]:  # warm caches; not measured
        knowledge_search(knowledge_base=kb, query=text, mode="hybrid", top_k=TOP_K, query_vector=list(vector))

    timings: dict[str, list[float]] = {"hybrid": [], "vector": [], "full_text": [], "numpy": []}
    recalls = []
    for text, vector in queries:
        started = time.perf_counter()
        scores = vectors @ vector
        exact = np.argpartition(-scores, TOP_K)[:TOP_K]
        timings["numpy"].append(time.perf_counter() - started)
        found = {}
        for mode in ("hybrid", "vector", "full_text"):
            started = time.perf_counter()
            found[mode] = knowledge_search(knowledge_base=kb, query=text, mode=mode, top_k=TOP_K,
                                           query_vector=list(vector))
            timings[mode].append(time.perf_counter() - started)
        approx = {hit.chunk_id - first_id for hit in found["vector"]}
        recalls.append(len(approx & set(exact.tolist())) / TOP_K)

    print(f"== Search, {size:,} chunks ({DIMS}-d, {corpus.clusters} clusters), top-{TOP_K}, "
          f"{len(queries)} queries, hnsw m=16 ef_construction=64 ef_search={ef_search}")
    print(f"  the index holds {scope.all_chunks:,} chunks of all knowledge bases; this one is "
          f"{size / max(scope.all_chunks, 1):.0%} of them")
    if load_times:
        print(f"  load: COPY {load_times[0]:.1f} s (with tsvector), HNSW build {load_times[1]:.1f} s")
    print(f"  hybrid (RRF)      {_ms(timings['hybrid'])}   <- what the API and retrieval node run")
    print(f"  vector (HNSW)     {_ms(timings['vector'])}")
    print(f"  full-text (GIN)   {_ms(timings['full_text'])}")
    print(f"  numpy exact       {_ms(timings['numpy'])}   (same vectors, in memory)")
    print(f"  recall@{TOP_K} HNSW vs exact: {statistics.mean(recalls):.3f}")
    print("  (search timings include the SQL round trips, hydration and highlighting; the query is"
          " embedded beforehand)")
    print()


if __name__ == "__main__":
    main()
