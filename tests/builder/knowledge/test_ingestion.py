"""Ingestion as the worker runs it: states, chunk counts, progress, failures, resume, retry."""

import pytest

from builder.jobs.models import Job, JobStatus
from builder.jobs.services import job_execute, jobs_resume_interrupted
from builder.knowledge.models import Chunk, DocumentState
from builder.knowledge.services import document_delete, document_retry, knowledge_base_update
from tests.builder.knowledge.conftest import ingest
from tests.builder.knowledge.samples import FACT, SAMPLES

pytestmark = pytest.mark.django_db


def test_a_document_ends_indexed_with_its_chunks_and_vectors(knowledge_base):
    (document,) = ingest(knowledge_base, {"guide.md": SAMPLES["md"][1]})

    chunks = Chunk.objects.filter(document=document)
    assert document.state == DocumentState.INDEXED
    assert document.chunk_count == document.chunks_done == chunks.count() > 0
    assert all(c.embedding is not None and len(c.embedding) == 384 for c in chunks)


def test_a_corrupt_pdf_fails_with_its_reason_and_others_still_index(knowledge_base):
    broken, fine = ingest(knowledge_base, {"broken.pdf": b"%PDF-1.4 garbage", "notes.txt": SAMPLES["txt"][1]})

    assert broken.state == DocumentState.FAILED
    assert broken.error_code == "corrupt_file" and "PDF could not be read" in broken.error_message
    assert fine.state == DocumentState.INDEXED


def test_the_job_reports_documents_and_chunks_done(knowledge_base):
    ingest(knowledge_base, {"a.txt": SAMPLES["txt"][1], "b.md": SAMPLES["md"][1]})

    job = Job.objects.get(kind="knowledge.ingest")
    assert job.status == JobStatus.SUCCEEDED and job.progress == 1.0
    assert job.result["indexed"] == 2
    assert job.message.startswith("2/2 documents")


def test_running_the_same_job_again_changes_nothing(knowledge_base):
    (document,) = ingest(knowledge_base, {"guide.md": SAMPLES["md"][1]})
    before = list(Chunk.objects.filter(document=document).values_list("id", flat=True))
    job = Job.objects.get(kind="knowledge.ingest")
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)

    job_execute(job_id=job.pk)

    assert list(Chunk.objects.filter(document=document).values_list("id", flat=True)) == before


def test_an_interrupted_document_resumes_without_duplicates(knowledge_base, monkeypatch):
    knowledge_base_update(knowledge_base=knowledge_base, chunking={"max_length": 60, "overlap": 0})
    text = (FACT + "\n\n") * 30
    (document,) = ingest(knowledge_base, {"long.txt": text.encode()})
    expected = Chunk.objects.filter(document=document).count()
    # what a killed worker leaves: half the chunks stored, the document still embedding
    keep = expected // 2
    Chunk.objects.filter(document=document, position__gte=keep).delete()
    document.__class__.objects.filter(pk=document.pk).update(state=DocumentState.EMBEDDING)
    job = Job.objects.get(kind="knowledge.ingest")
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)

    monkeypatch.setattr("builder.jobs.tasks.job_execute_task.delay", lambda job_id: None)
    assert jobs_resume_interrupted() == [job.pk]  # re-enqueued; the broker would deliver it
    job_execute(job_id=job.pk)

    document.refresh_from_db()
    assert document.state == DocumentState.INDEXED
    assert Chunk.objects.filter(document=document).count() == expected
    assert sorted(Chunk.objects.filter(document=document).values_list("position", flat=True)) == list(range(expected))


def test_retry_rebuilds_a_document(knowledge_base):
    (document,) = ingest(knowledge_base, {"notes.txt": SAMPLES["txt"][1]})
    count = Chunk.objects.filter(document=document).count()

    job = document_retry(document=document)
    document.refresh_from_db()
    assert document.state == DocumentState.QUEUED and not Chunk.objects.filter(document=document).exists()
    job_execute(job_id=job.pk)

    document.refresh_from_db()
    assert document.state == DocumentState.INDEXED and Chunk.objects.filter(document=document).count() == count


def test_changing_chunking_reindexes_every_document(knowledge_base):
    (document,) = ingest(knowledge_base, {"guide.md": (("Some words here. " * 40) + "\n").encode()})
    before = document.chunk_count

    _, job = knowledge_base_update(knowledge_base=knowledge_base, chunking={"max_length": 100, "overlap": 10})
    job_execute(job_id=job.pk)

    document.refresh_from_db()
    assert document.state == DocumentState.INDEXED and document.chunk_count > before


def test_deleting_a_document_removes_its_chunks_and_file(knowledge_base, storage_root,
                                                        django_capture_on_commit_callbacks):
    (document,) = ingest(knowledge_base, {"notes.txt": SAMPLES["txt"][1]})

    with django_capture_on_commit_callbacks(execute=True):
        document_delete(document=document)

    assert not Chunk.objects.filter(document_id=document.pk).exists()
    assert not any(path.is_file() for path in storage_root.rglob("*"))
