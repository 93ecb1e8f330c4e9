"""PostgreSQL advisory locks: who owns a piece of background work. A lock is held by a database
session, so the database itself releases it when the process holding it dies — which is how a
worker that starts knows which work is orphaned."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def advisory_lock(namespace: int, key: int) -> Iterator[bool]:
    """Try to take the lock (``namespace``, ``key``) on this thread's connection; yields whether
    it was taken, and releases it on the way out."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [namespace, key])
        mine = bool(cursor.fetchone()[0])
    try:
        yield mine
    finally:
        if mine:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [namespace, key])
