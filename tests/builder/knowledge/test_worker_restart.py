"""A real worker killed with SIGKILL in the middle of an ingestion; a new worker finishes it with
exactly the chunks the documents give: none lost, none stored twice."""

import signal
import time

import httpx
import pytest

from builder.accounts.services import access_token_create
from builder.jobs.models import Job
from builder.knowledge.chunking import ChunkingSettings, plan_chunks
from builder.knowledge.models import Chunk, Document, DocumentState
from builder.knowledge.parsing import parse_document
from builder.knowledge.services import knowledge_base_create
from tests.support.members import make_member
from tests.support.processes import Backends, celery_worker, web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

CHUNKING = {"max_length": 120, "overlap": 20}


def document_text(n: int) -> bytes:
    lines = [f"Document {n}, paragraph {i}: the quarterly report of team {i % 17} mentions item {i * 7919 % 1000}."
             for i in range(300)]
    return "\n\n".join(lines).encode()


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_a_worker_killed_mid_ingestion_is_resumed_with_the_exact_chunk_count(storage_root):
    member = make_member()
    _, token = access_token_create(user=member.user, name="restart")
    kb = knowledge_base_create(workspace=member.workspace, name="Reports", chunking=CHUNKING)
    texts = {f"report-{n}.txt": document_text(n) for n in range(3)}
    expected = sum(len(plan_chunks(parse_document(t, "txt"), ChunkingSettings(**CHUNKING))) for t in texts.values())
    env = {"LLMOPS_KNOWLEDGE_STORAGE_ROOT": str(storage_root), "LLMOPS_KNOWLEDGE_EMBEDDING_BATCH": "8"}
    backends = Backends()

    with web_server(backends, **env) as base:
        with celery_worker(backends, **env) as worker:
            response = httpx.post(
                f"{base}/api/workspaces/{member.workspace.pk}/knowledge-bases/{kb.pk}/documents/",
                files=[("files", (name, data, "text/plain")) for name, data in texts.items()],
                headers={"Authorization": f"Bearer {token}"}, timeout=30,
            )
            assert response.status_code == 202, response.text
            wait_for(lambda: Chunk.objects.filter(knowledge_base=kb).count() > 40, 120, "the first batches")
            worker.send_signal(signal.SIGKILL)
            worker.wait()

        stored_at_kill = Chunk.objects.filter(knowledge_base=kb).count()
        assert 0 < stored_at_kill < expected, "the worker was not killed in the middle of the ingestion"
        assert Document.objects.filter(knowledge_base=kb).exclude(state=DocumentState.INDEXED).exists()

        with celery_worker(backends, **env):
            wait_for(lambda: not Document.objects.filter(knowledge_base=kb).exclude(
                state=DocumentState.INDEXED).exists(), 180, "every document indexed after the restart")

    chunks = Chunk.objects.filter(knowledge_base=kb)
    assert chunks.count() == expected
    for document in Document.objects.filter(knowledge_base=kb):
        positions = sorted(chunks.filter(document=document).values_list("position", flat=True))
        assert positions == list(range(len(positions)))
        assert document.chunks_done == document.chunk_count == len(positions)
    job = Job.objects.get(kind="knowledge.ingest")
    assert job.status == "succeeded" and job.attempts == 2
