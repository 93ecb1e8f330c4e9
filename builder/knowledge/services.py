"""Writes of the knowledge domain: knowledge bases, uploads, retry, delete, re-index, preview."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Protocol

from django.db import IntegrityError, transaction
from pydantic import ValidationError

from builder.core.addresses import configured_url_check
from builder.core.errors import Conflict, InvalidInput
from builder.jobs.models import Job
from builder.jobs.services import job_create
from builder.knowledge import conf, storage
from builder.knowledge.chunking import ChunkingSettings, PlannedChunk, plan_chunks
from builder.knowledge.embedders import LOCAL_MODELS, local_model_name
from builder.knowledge.errors import (
    EmptyFile,
    FileContentMismatch,
    TooManyFiles,
    UnsupportedFileType,
    UploadTooLarge,
)
from builder.knowledge.models import (
    SUPPORTED_DIMENSIONS,
    Chunk,
    Document,
    DocumentState,
    EmbeddingProvider,
    KnowledgeBase,
)
from builder.knowledge.parsing import EXTENSIONS, FILE_TYPES, parse_document
from builder.knowledge.search_settings import SearchSettings

INGEST_JOB = "knowledge.ingest"


class UploadedFileLike(Protocol):
    name: str
    size: int

    def read(self, size: int = -1) -> bytes: ...
    def seek(self, offset: int) -> Any: ...
    def chunks(self, chunk_size: int | None = None) -> Any: ...


def validated(model, data: dict | None, field: str) -> dict:
    try:
        return model.model_validate(data or {}).model_dump()
    except ValidationError as error:
        details = {field: [f"{'.'.join(map(str, e['loc'])) or field}: {e['msg']}" for e in error.errors()]}
        raise InvalidInput(f"The {field.replace('_', ' ')} settings are invalid.", details=details) from None


def knowledge_base_create(
    *,
    workspace,
    name: str,
    description: str = "",
    embedding_provider: str = EmbeddingProvider.LOCAL,
    embedding_model: str = "",
    embedding_dimensions: int | None = None,
    embedding_base_url: str = "",
    chunking: dict | None = None,
    search_defaults: dict | None = None,
    created_by=None,
) -> KnowledgeBase:
    """Create a knowledge base. Its embedding model (and so its vector size) never changes later.
    An embedding base URL the address policy would block is refused (``url_not_allowed``)."""
    if embedding_provider == EmbeddingProvider.LOCAL:
        embedding_model = local_model_name(embedding_model or next(iter(LOCAL_MODELS)))
        embedding_dimensions = LOCAL_MODELS[embedding_model]
    elif not embedding_model or not embedding_dimensions:
        raise InvalidInput("An OpenAI-compatible embedding model needs its name and its dimension.")
    if embedding_dimensions not in SUPPORTED_DIMENSIONS:
        raise InvalidInput(
            f"Embedding dimension {embedding_dimensions} is not supported.",
            code="unsupported_dimension",
            details={"supported": list(SUPPORTED_DIMENSIONS)},
        )
    if embedding_base_url:
        configured_url_check(embedding_base_url, field="embedding_base_url")
    try:
        with transaction.atomic():
            return KnowledgeBase.objects.create(
                workspace=workspace,
                name=name,
                description=description,
                embedding_provider=embedding_provider,
                embedding_model=embedding_model,
                embedding_dimensions=embedding_dimensions,
                embedding_base_url=embedding_base_url,
                chunking=validated(ChunkingSettings, chunking, "chunking"),
                search_defaults=validated(SearchSettings, search_defaults, "search_defaults"),
                created_by=created_by,
            )
    except IntegrityError:
        raise Conflict(f"A knowledge base named {name!r} already exists.", code="name_taken") from None


def knowledge_base_update(
    *, knowledge_base: KnowledgeBase, created_by=None, **changes: Any
) -> tuple[KnowledgeBase, Job | None]:
    """Rename, describe, move the embedding endpoint (``embedding_base_url``, checked like at
    creation), or change chunking and search defaults (given fields are merged into the current
    ones). Changing chunking re-indexes every document (the returned job does it); the embedding
    model cannot change."""
    job = None
    if changes.get("embedding_base_url"):
        configured_url_check(changes["embedding_base_url"], field="embedding_base_url")
    for field in ("name", "description", "embedding_base_url"):
        if field in changes:
            setattr(knowledge_base, field, changes[field])
    if "search_defaults" in changes:
        knowledge_base.search_defaults = validated(
            SearchSettings, {**knowledge_base.search_defaults, **changes["search_defaults"]}, "search_defaults")
    rechunk = False
    if "chunking" in changes:
        new = validated(ChunkingSettings, {**knowledge_base.chunking, **changes["chunking"]}, "chunking")
        rechunk = new != knowledge_base.chunking
        knowledge_base.chunking = new
    try:
        with transaction.atomic():
            knowledge_base.save()
            if rechunk:
                job = knowledge_base_reindex(knowledge_base=knowledge_base, created_by=created_by)
    except IntegrityError:
        raise Conflict(f"A knowledge base named {changes.get('name')!r} already exists.", code="name_taken") from None
    return knowledge_base, job


@transaction.atomic
def knowledge_base_delete(*, knowledge_base: KnowledgeBase) -> None:
    """Delete a knowledge base with its documents, chunks and original files."""
    keys = list(knowledge_base.documents.values_list("storage_key", flat=True))
    knowledge_base.delete()
    transaction.on_commit(lambda: [storage.file_delete(key) for key in keys])


@transaction.atomic
def knowledge_base_reindex(*, knowledge_base: KnowledgeBase, created_by=None) -> Job | None:
    """Queue every document again (after a change of chunking settings)."""
    documents = list(Document.objects.select_for_update().filter(knowledge_base=knowledge_base))
    for document in documents:
        _requeue(document)
    if not documents:
        return None
    return _ingest_job(knowledge_base, [d.pk for d in documents], created_by)


def display_name(client_name: str) -> str:
    """The base name of what the client called the file, for display only (never a path)."""
    name = PurePosixPath(str(client_name).replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[-255:] or "document"


_MAGIC_CHECK_BYTES = 4096


def _file_type_of(upload: UploadedFileLike) -> str:
    name = display_name(upload.name)
    suffix = PurePosixPath(name).suffix.lower()
    file_type = FILE_TYPES.get(suffix)
    if file_type is None:
        raise UnsupportedFileType(
            f"{name}: files of this type are not supported. Upload txt, md, html, pdf, docx, csv or jsonl.",
            details={"file": name, "supported": sorted(set(FILE_TYPES))},
        )
    if not upload.size:
        raise EmptyFile(f"{name} is empty.", details={"file": name})
    if upload.size > conf.max_file_bytes():
        raise UploadTooLarge(
            f"{name} is {upload.size / 1e6:.1f} MB; files may be at most {conf.max_file_bytes() / 1e6:.1f} MB.",
            details={"file": name, "limit_bytes": conf.max_file_bytes()},
        )
    head = upload.read(_MAGIC_CHECK_BYTES)
    upload.seek(0)
    if file_type == "pdf" and not head.lstrip().startswith(b"%PDF"):
        raise FileContentMismatch(f"{name} is not a PDF file.", details={"file": name})
    if file_type == "docx" and not head.startswith(b"PK\x03\x04"):
        raise FileContentMismatch(f"{name} is not a Word (.docx) file.", details={"file": name})
    if file_type not in ("pdf", "docx") and b"\x00" in head:
        raise FileContentMismatch(f"{name} is a binary file, not {file_type} text.", details={"file": name})
    return file_type


def upload_limits_check(*, file_count: int, total_bytes: int | None) -> None:
    """413 before anything is read when the upload as a whole is over the limits."""
    if file_count > conf.max_files_per_upload():
        raise TooManyFiles(
            f"{file_count} files in one upload; at most {conf.max_files_per_upload()} are accepted at once.",
            details={"limit_files": conf.max_files_per_upload()},
        )
    if total_bytes is not None and total_bytes > conf.max_upload_bytes():
        raise UploadTooLarge(
            f"The upload is {total_bytes / 1e6:.1f} MB; at most {conf.max_upload_bytes() / 1e6:.1f} MB are "
            "accepted at once.",
            details={"limit_bytes": conf.max_upload_bytes()},
        )


def documents_upload(
    *, knowledge_base: KnowledgeBase, files: Sequence[UploadedFileLike], created_by=None
) -> tuple[list[Document], Job]:
    """Check every file first, then keep the originals under server-made keys, create queued
    documents and start one ingestion job for them."""
    if not files:
        raise InvalidInput("Choose at least one file to upload.", code="no_files")
    upload_limits_check(file_count=len(files), total_bytes=sum(f.size or 0 for f in files))
    typed = [(upload, _file_type_of(upload)) for upload in files]
    stored: list[str] = []
    try:
        with transaction.atomic():
            documents = []
            for upload, file_type in typed:
                key = storage.storage_key_new(knowledge_base_id=knowledge_base.pk, extension=EXTENSIONS[file_type])
                size, sha256 = storage.file_store(key=key, chunks=upload.chunks())
                stored.append(key)
                documents.append(
                    Document.objects.create(
                        workspace_id=knowledge_base.workspace_id,
                        knowledge_base=knowledge_base,
                        name=display_name(upload.name),
                        file_type=file_type,
                        size_bytes=size,
                        sha256=sha256,
                        storage_key=key,
                        created_by=created_by,
                    )
                )
            job = _ingest_job(knowledge_base, [d.pk for d in documents], created_by)
    except BaseException:
        for key in stored:
            storage.file_delete(key)
        raise
    return documents, job


@transaction.atomic
def document_retry(*, document: Document, created_by=None) -> Job:
    """Parse, chunk and embed one document again (after a failure, or to refresh it)."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    _requeue(document)
    return _ingest_job(document.knowledge_base, [document.pk], created_by)


@transaction.atomic
def document_delete(*, document: Document) -> None:
    """Delete a document, its chunks and its original file. A running ingestion drops its work."""
    key = document.storage_key
    Document.objects.select_for_update().filter(pk=document.pk).delete()
    transaction.on_commit(lambda: storage.file_delete(key))


@dataclass(frozen=True)
class ChunkPreview:
    chunks: list[PlannedChunk]
    settings: ChunkingSettings


def document_preview(*, document: Document, chunking: dict | None = None, limit: int = 200) -> ChunkPreview:
    """The chunks a document gives with ``chunking`` (default: its knowledge base's), before indexing."""
    settings = ChunkingSettings.model_validate(
        validated(ChunkingSettings, chunking, "chunking") if chunking else document.knowledge_base.chunking
    )
    sections = parse_document(storage.file_read(document.storage_key), document.file_type)
    return ChunkPreview(plan_chunks(sections, settings)[:limit], settings)


def _requeue(document: Document) -> None:
    Chunk.objects.filter(document=document).delete()
    document.revision += 1
    document.state = DocumentState.QUEUED
    document.error_code = document.error_message = ""
    document.chunk_count = document.chunks_done = 0
    document.indexed_at = None
    document.save()


def _ingest_job(knowledge_base: KnowledgeBase, document_ids: list[int], created_by) -> Job:
    return job_create(
        workspace=knowledge_base.workspace,
        kind=INGEST_JOB,
        input={"knowledge_base_id": knowledge_base.pk, "document_ids": document_ids},
        created_by=created_by,
    )
