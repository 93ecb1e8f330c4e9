"""The ``knowledge.ingest`` job: parse, chunk and embed documents in batches, with live progress.

Safe to interrupt at any point. Chunks are written batch by batch under their document's row lock
with keys ``(document, position)`` that chunking makes deterministic, so a run that resumes after
a killed worker skips what is stored and adds the rest: no chunk is lost or stored twice. Work of
a document that was re-queued or deleted meanwhile (its ``revision`` moved) is discarded.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from builder.jobs.kinds import Progress, job_kind
from builder.jobs.models import Job
from builder.knowledge import conf, storage
from builder.knowledge.chunking import PlannedChunk, plan_chunks
from builder.knowledge.embedders import embedder_for
from builder.knowledge.errors import DocumentUnreadable
from builder.knowledge.events import document_event_publish
from builder.knowledge.models import Chunk, Document, DocumentState
from builder.knowledge.parsing import parse_document
from builder.knowledge.services import INGEST_JOB

logger = logging.getLogger(__name__)



class Superseded(Exception):
    """The document was re-queued or deleted while this run worked on it."""


class IngestionProgress:
    """Documents and chunks done, and an estimate of the time left, reported to the job."""

    def __init__(self, total_documents: int, report: Progress):
        self.total_documents = max(total_documents, 1)
        self.documents_done = 0
        self.chunks_done = 0
        self.chunks_total = 0
        self.report = report
        self.started = time.monotonic()

    def update(self, document_fraction: float, note: str = "") -> None:
        fraction = min(1.0, (self.documents_done + document_fraction) / self.total_documents)
        elapsed = time.monotonic() - self.started
        eta = f" · about {round(elapsed * (1 - fraction) / fraction)} s left" if 0.02 < fraction < 1 else ""
        self.report(
            fraction,
            f"{self.documents_done}/{self.total_documents} documents · "
            f"{self.chunks_done}/{self.chunks_total} chunks{eta}{note}",
        )


@job_kind(INGEST_JOB, resumable=True)
def ingest(job: Job, progress: Progress) -> dict[str, Any]:
    """Ingest ``job.input['document_ids']``; documents already indexed or failed are left alone."""
    document_ids = [int(i) for i in job.input.get("document_ids", [])]
    tracker = IngestionProgress(len(document_ids), progress)
    for document_id in document_ids:
        document_ingest(document_id=document_id, tracker=tracker)
        tracker.documents_done += 1
        tracker.update(0.0)
    states = dict.fromkeys(DocumentState.values, 0)
    for state in Document.objects.filter(pk__in=document_ids).values_list("state", flat=True):
        states[state] += 1
    return {"documents": len(document_ids), "indexed": states["indexed"], "failed": states["failed"],
            "chunks": tracker.chunks_done}


def document_ingest(*, document_id: int, tracker: IngestionProgress) -> None:
    """Parse, chunk and embed one document, resuming from the chunks already stored."""
    document = Document.objects.select_related("knowledge_base").filter(pk=document_id).first()
    if document is None or document.state in (DocumentState.INDEXED, DocumentState.FAILED):
        return
    revision = document.revision
    try:
        _transition(document, revision, DocumentState.PARSING)
        try:
            sections = parse_document(storage.file_read(document.storage_key), document.file_type)
        except FileNotFoundError:
            raise DocumentUnreadable("The original file is missing from storage.", code="file_missing") from None
        plan = plan_chunks(sections, document.knowledge_base.chunking_settings)
        searchable = sum(1 for p in plan if p.searchable)
        tracker.chunks_total += searchable
        _transition(document, revision, DocumentState.EMBEDDING, chunk_count=searchable)
        _embed_missing(document, revision, plan, tracker)
        with transaction.atomic():
            _locked(document, revision)
            Chunk.objects.filter(document_id=document.pk, position__gte=len(plan)).delete()
            _transition(document, revision, DocumentState.INDEXED, chunks_done=searchable, indexed_at=timezone.now())
    except Superseded:
        logger.info("document %s changed during ingestion; this run's work was dropped", document_id)
    except DocumentUnreadable as error:
        _fail(document, revision, error.code, error.message)
    except Exception as error:
        logger.exception("ingestion of document %s failed", document_id)
        code = getattr(error, "code", "ingestion_failed")
        _fail(document, revision, code if isinstance(code, str) else "ingestion_failed",
              getattr(error, "message", None) or f"Ingestion failed: {error.__class__.__name__}: {error}")


def _embed_missing(document: Document, revision: int, plan: list[PlannedChunk], tracker) -> None:
    stored = set(Chunk.objects.filter(document_id=document.pk).values_list("position", flat=True))
    done = sum(1 for p in plan if p.searchable and p.position in stored)
    tracker.chunks_done += done
    todo = [p for p in plan if p.position not in stored]
    embed = embedder_for(document.knowledge_base)
    kb = document.knowledge_base
    size = conf.embedding_batch_size()
    for start in range(0, len(todo), size):
        batch = todo[start : start + size]
        vectors = iter(embed([p.text for p in batch if p.searchable]))
        rows = [
            Chunk(
                workspace_id=document.workspace_id,
                knowledge_base_id=kb.pk,
                document_id=document.pk,
                position=p.position,
                role=p.role,
                parent_position=p.parent_position,
                text=p.text,
                page=p.page,
                heading=p.heading[:500],
                dims=kb.embedding_dimensions if p.searchable else None,
                embedding=next(vectors) if p.searchable else None,
            )
            for p in batch
        ]
        added = sum(1 for p in batch if p.searchable)
        with transaction.atomic():
            _locked(document, revision)
            Chunk.objects.bulk_create(rows, ignore_conflicts=True)
            done += added
            Document.objects.filter(pk=document.pk).update(chunks_done=done)
        document.chunks_done = done
        tracker.chunks_done += added
        tracker.update(done / max(document.chunk_count, 1))
        document_event_publish(document)


def _locked(document: Document, revision: int) -> None:
    current = Document.objects.select_for_update().filter(pk=document.pk).values_list("revision", flat=True).first()
    if current != revision:
        raise Superseded()


def _transition(document: Document, revision: int, state: str, **fields: Any) -> None:
    with transaction.atomic():
        _locked(document, revision)
        Document.objects.filter(pk=document.pk).update(state=state, updated_at=timezone.now(), **fields)
    document.state = state
    for name, value in fields.items():
        setattr(document, name, value)
    document_event_publish(document)


def _fail(document: Document, revision: int, code: str, message: str) -> None:
    try:
        _transition(document, revision, DocumentState.FAILED, error_code=code[:64], error_message=message)
    except Superseded:
        pass
