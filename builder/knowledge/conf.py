"""Limits and places of the knowledge domain, read from Django settings (which read the
environment: see the README's configuration table)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def storage_root() -> Path:
    """Where original files are kept (``KNOWLEDGE_STORAGE_ROOT``, from
    ``LLMOPS_KNOWLEDGE_STORAGE_ROOT``, default ``DATA_DIR/files/knowledge``)."""
    return Path(settings.KNOWLEDGE_STORAGE_ROOT).resolve()


def max_file_bytes() -> int:
    return int(settings.KNOWLEDGE_MAX_FILE_BYTES)


def max_files_per_upload() -> int:
    return int(settings.KNOWLEDGE_MAX_FILES_PER_UPLOAD)


def max_upload_bytes() -> int:
    return int(settings.KNOWLEDGE_MAX_UPLOAD_BYTES)


def max_archive_bytes() -> int:
    return int(settings.KNOWLEDGE_MAX_ARCHIVE_BYTES)


def embedding_batch_size() -> int:
    return int(settings.KNOWLEDGE_EMBEDDING_BATCH)


def exact_search_below() -> int:
    """Knowledge bases with fewer chunks are searched exactly (``LLMOPS_KNOWLEDGE_EXACT_SEARCH_BELOW``)."""
    return int(settings.KNOWLEDGE_EXACT_SEARCH_BELOW)
