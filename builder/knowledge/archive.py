"""Moving a knowledge base between instances or workspaces as one zip archive: settings, original
files, chunks and their embeddings, so nothing is embedded again on import.

Layout: ``manifest.json`` (settings, embedding model, documents), ``chunks.jsonl`` (one chunk a
line), ``embeddings.npy`` (float32, one row per searchable chunk, in ``chunks.jsonl`` order) and
``files/<n><ext>``. Only indexed documents travel. Members are read by their known names; nothing
in an archive becomes a path on this server.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import tempfile
import zipfile
from typing import IO, Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from builder.core.text import storable
from builder.knowledge import conf, storage
from builder.knowledge.embedders import local_model_name
from builder.knowledge.errors import EmbeddingModelMismatch, InvalidArchive, UploadTooLarge
from builder.knowledge.models import Chunk, Document, DocumentState, EmbeddingProvider, KnowledgeBase
from builder.knowledge.parsing import EXTENSIONS
from builder.knowledge.services import knowledge_base_create

FORMAT, VERSION = "llmops-knowledge-base", 1


def archive_filename(knowledge_base: KnowledgeBase) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", knowledge_base.name).strip("-") or "knowledge-base"
    return f"{slug}.kb.zip"


def _embedding_of(kb: KnowledgeBase) -> dict[str, Any]:
    return {"provider": kb.embedding_provider, "model": kb.embedding_model,
            "dimensions": kb.embedding_dimensions, "base_url": kb.embedding_base_url}


def knowledge_base_export(*, knowledge_base: KnowledgeBase) -> IO[bytes]:
    """The archive of a knowledge base, as an open temporary file (deleted when closed). Chunks and
    vectors go through temporary files too, so memory stays flat whatever the knowledge base's size."""
    documents = list(knowledge_base.documents.filter(state=DocumentState.INDEXED).order_by("pk"))
    dims = knowledge_base.embedding_dimensions
    out = tempfile.TemporaryFile()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf, \
            tempfile.NamedTemporaryFile("w+b", suffix=".jsonl") as chunk_lines, \
            tempfile.TemporaryFile() as vector_rows:
        entries, vectors = [], 0
        for number, document in enumerate(documents, start=1):
            ref = f"d{number}"
            member = f"files/{ref}{EXTENSIONS[document.file_type]}"
            zf.write(storage.storage_path(document.storage_key), member)
            entries.append({"ref": ref, "name": document.name, "file_type": document.file_type,
                            "size_bytes": document.size_bytes, "sha256": document.sha256,
                            "metadata": document.metadata, "chunk_count": document.chunk_count,
                            "file": member})
            for chunk in Chunk.objects.filter(document=document).order_by("position").iterator(2000):
                row = {"document": ref, "position": chunk.position, "role": chunk.role,
                       "parent_position": chunk.parent_position, "text": chunk.text,
                       "page": chunk.page, "heading": chunk.heading}
                chunk_lines.write((json.dumps(row, ensure_ascii=False) + "\n").encode())
                if chunk.embedding is not None:
                    vector_rows.write(np.asarray(chunk.embedding, dtype="<f4").tobytes())
                    vectors += 1
        chunk_lines.flush()
        zf.write(chunk_lines.name, "chunks.jsonl")
        with zf.open("embeddings.npy", "w", force_zip64=True) as npy:  # an .npy file, written as it streams
            np.lib.format.write_array_header_1_0(npy, {"descr": "<f4", "fortran_order": False,
                                                       "shape": (vectors, dims)})
            vector_rows.seek(0)
            shutil.copyfileobj(vector_rows, npy, 2**20)
        manifest = {
            "format": FORMAT, "version": VERSION, "exported_at": timezone.now().isoformat(),
            "knowledge_base": {"name": knowledge_base.name, "description": knowledge_base.description,
                               "chunking": knowledge_base.chunking, "search_defaults": knowledge_base.search_defaults,
                               "embedding": _embedding_of(knowledge_base)},
            "documents": entries,
        }
        zf.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    out.seek(0)
    return out


def _read_manifest(zf: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(zf.read("manifest.json"))
    except (KeyError, ValueError) as error:
        raise InvalidArchive("This is not a knowledge base archive (manifest.json is missing or broken).") from error
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise InvalidArchive(f"Unsupported archive format {manifest.get('format')!r} "
                             f"version {manifest.get('version')!r}.")
    return manifest


def knowledge_base_import(
    *, workspace, source: IO[bytes], into: KnowledgeBase | None = None, name: str | None = None, created_by=None
) -> KnowledgeBase:
    """Create a knowledge base from an archive (or add its documents to ``into``) without
    embedding anything again. An archive made with another embedding model is refused."""
    size = getattr(source, "size", None)
    if size and size > conf.max_archive_bytes():
        raise UploadTooLarge(f"The archive is {size / 1e6:.1f} MB; at most {conf.max_archive_bytes() / 1e6:.0f} MB "
                             "are accepted.")
    try:
        zf = zipfile.ZipFile(source)
    except zipfile.BadZipFile as error:
        raise InvalidArchive("The file is not a zip archive.") from error
    with zf:
        manifest = _read_manifest(zf)
        embedding = manifest["knowledge_base"]["embedding"]
        chunks, matrix = _read_chunks(zf, int(embedding["dimensions"]))
        stored: list[str] = []
        try:
            with transaction.atomic():
                kb = into or _new_knowledge_base(workspace, manifest["knowledge_base"], name, created_by)
                if _embedding_of(kb)["model"] != embedding["model"] or \
                        kb.embedding_dimensions != int(embedding["dimensions"]) or \
                        kb.embedding_provider != embedding["provider"]:
                    raise EmbeddingModelMismatch(
                        f"The archive was embedded with {embedding['model']} ({embedding['dimensions']} dimensions); "
                        f"the knowledge base {kb.name!r} uses {kb.embedding_model} ({kb.embedding_dimensions} "
                        "dimensions). Import it as a new knowledge base instead.",
                        details={"archive": embedding, "knowledge_base": _embedding_of(kb)},
                    )
                _import_documents(zf, kb, manifest["documents"], chunks, matrix, stored, created_by)
        except BaseException:
            for key in stored:
                storage.file_delete(key)
            raise
    return kb


def _new_knowledge_base(workspace, settings: dict[str, Any], name: str | None, created_by) -> KnowledgeBase:
    embedding = settings["embedding"]
    if embedding["provider"] == EmbeddingProvider.LOCAL:
        local_model_name(embedding["model"])  # refuses models this instance cannot run for queries
    base = name or settings["name"]
    candidate, n = base, 1
    while KnowledgeBase.objects.filter(workspace=workspace, name=candidate).exists():
        n += 1
        candidate = f"{base} (imported{' ' + str(n - 1) if n > 2 else ''})"
    return knowledge_base_create(
        workspace=workspace, name=candidate, description=settings.get("description", ""),
        embedding_provider=embedding["provider"], embedding_model=embedding["model"],
        embedding_dimensions=int(embedding["dimensions"]), embedding_base_url=embedding.get("base_url", ""),
        chunking=settings.get("chunking"), search_defaults=settings.get("search_defaults"), created_by=created_by,
    )


def _read_chunks(zf: zipfile.ZipFile, dims: int) -> tuple[list[dict[str, Any]], np.ndarray]:
    try:
        chunks = [storable(json.loads(line)) for line in zf.read("chunks.jsonl").splitlines() if line.strip()]
        matrix = np.load(io.BytesIO(zf.read("embeddings.npy")), allow_pickle=False)
    except (KeyError, ValueError) as error:
        raise InvalidArchive(f"The archive's chunks or embeddings cannot be read ({error}).") from error
    searchable = sum(1 for c in chunks if c.get("role") != "parent")
    if matrix.ndim != 2 or matrix.shape != (searchable, dims):
        raise InvalidArchive(f"The archive holds {matrix.shape} embeddings for {searchable} chunks of {dims} "
                             "dimensions.")
    return chunks, matrix.astype(np.float32, copy=False)


def _import_documents(zf, kb, entries, chunks, matrix, stored, created_by) -> None:
    by_ref: dict[str, Document] = {}
    for entry in entries:
        file_type = entry["file_type"]
        if file_type not in EXTENSIONS:
            raise InvalidArchive(f"Unknown file type {file_type!r} in the archive.")
        key = storage.storage_key_new(knowledge_base_id=kb.pk, extension=EXTENSIONS[file_type])
        try:
            data = zf.read(f"files/{entry['ref']}{EXTENSIONS[file_type]}")
        except KeyError as error:
            raise InvalidArchive(f"The archive lacks the file of {entry['name']!r}.") from error
        size, sha256 = storage.file_store(key=key, chunks=[data])
        stored.append(key)
        by_ref[entry["ref"]] = Document.objects.create(
            workspace_id=kb.workspace_id, knowledge_base=kb, name=str(entry["name"])[:255], file_type=file_type,
            size_bytes=size, sha256=sha256, storage_key=key, state=DocumentState.INDEXED,
            chunk_count=int(entry["chunk_count"]), chunks_done=int(entry["chunk_count"]),
            metadata=entry.get("metadata") or {}, indexed_at=timezone.now(), created_by=created_by,
        )
    rows, vector_index = [], 0
    for chunk in chunks:
        document = by_ref.get(chunk["document"])
        if document is None:
            raise InvalidArchive("A chunk of the archive belongs to no document of it.")
        searchable = chunk.get("role") != "parent"
        rows.append(Chunk(
            workspace_id=kb.workspace_id, knowledge_base=kb, document=document, position=int(chunk["position"]),
            role=chunk.get("role", "chunk"), parent_position=chunk.get("parent_position"), text=chunk["text"],
            page=chunk.get("page"), heading=(chunk.get("heading") or "")[:500],
            dims=kb.embedding_dimensions if searchable else None,
            embedding=matrix[vector_index] if searchable else None,
        ))
        vector_index += searchable
    Chunk.objects.bulk_create(rows, batch_size=1000)
