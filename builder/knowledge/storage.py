"""Original files of documents, under one storage root. Keys are generated here: nothing a client
sends (file names included) ever becomes part of a path."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from pathlib import Path

from builder.knowledge.conf import storage_root


def storage_key_new(*, knowledge_base_id: int, extension: str) -> str:
    """A fresh key like ``kb-12/3f2a….pdf``; ``extension`` comes from the server's allowlist."""
    return f"kb-{int(knowledge_base_id)}/{uuid.uuid4().hex}{extension}"


def storage_path(key: str) -> Path:
    root = storage_root()
    path = (root / key).resolve()
    if root not in path.parents:
        raise ValueError(f"storage key {key!r} leaves the storage root")
    return path


def file_store(*, key: str, chunks: Iterable[bytes]) -> tuple[int, str]:
    """Write the file; returns its size and SHA-256."""
    path = storage_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with open(path, "wb") as out:
        for chunk in chunks:
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def file_read(key: str) -> bytes:
    return storage_path(key).read_bytes()


def file_delete(key: str) -> None:
    storage_path(key).unlink(missing_ok=True)
