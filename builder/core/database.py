"""Start-up checks of the configured PostgreSQL."""

from __future__ import annotations

from django.db import connection as default_connection

from builder.core.errors import DatabaseMisconfigured

MISSING_VECTOR = (
    "The PostgreSQL server the platform is configured to use ({where}) has no 'vector' extension "
    "available. Install pgvector on that server (https://github.com/pgvector/pgvector), or unset "
    "DATABASE_URL to use the embedded PostgreSQL + pgvector."
)


def vector_extension_available(connection=default_connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
        return cursor.fetchone() is not None


def ensure_vector_extension_available(connection=default_connection) -> None:
    """Fail at start-up, with a message that says what to do, when pgvector is missing."""
    if not vector_extension_available(connection):
        settings = connection.settings_dict
        where = f"{settings.get('HOST') or 'local socket'}/{settings.get('NAME')}"
        raise DatabaseMisconfigured(MISSING_VECTOR.format(where=where))
