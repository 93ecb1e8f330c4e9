"""Limits and places of the knowledge domain. Each can be set in Django settings or the environment."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings


def _setting(name: str, env: str, default: int) -> int:
    value = getattr(settings, name, None)
    if value is not None:
        return int(value)
    return int(os.environ.get(env) or default)


def storage_root() -> Path:
    """Where original files are kept: the ``KNOWLEDGE_STORAGE_ROOT`` setting, else
    ``LLMOPS_KNOWLEDGE_STORAGE_ROOT``, else ``DATA_DIR/files/knowledge``."""
    root = (getattr(settings, "KNOWLEDGE_STORAGE_ROOT", None) or os.environ.get("LLMOPS_KNOWLEDGE_STORAGE_ROOT")
            or Path(settings.DATA_DIR) / "files" / "knowledge")
    return Path(root).resolve()


def max_file_bytes() -> int:
    return _setting("KNOWLEDGE_MAX_FILE_BYTES", "LLMOPS_KNOWLEDGE_MAX_FILE_BYTES", 20 * 1024 * 1024)


def max_files_per_upload() -> int:
    return _setting("KNOWLEDGE_MAX_FILES_PER_UPLOAD", "LLMOPS_KNOWLEDGE_MAX_FILES", 20)


def max_upload_bytes() -> int:
    return _setting("KNOWLEDGE_MAX_UPLOAD_BYTES", "LLMOPS_KNOWLEDGE_MAX_UPLOAD_BYTES", 100 * 1024 * 1024)


def max_archive_bytes() -> int:
    return _setting("KNOWLEDGE_MAX_ARCHIVE_BYTES", "LLMOPS_KNOWLEDGE_MAX_ARCHIVE_BYTES", 500 * 1024 * 1024)


def embedding_batch_size() -> int:
    return _setting("KNOWLEDGE_EMBEDDING_BATCH", "LLMOPS_KNOWLEDGE_EMBEDDING_BATCH", 64)
