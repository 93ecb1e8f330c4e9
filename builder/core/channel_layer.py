"""The embedded default channel layer: PostgreSQL LISTEN/NOTIFY (channels_postgres), which carries
events between processes (a Celery worker and the web server) with no extra server.

It reads the connection of Django's ``default`` database when first used rather than when settings
load, so it always talks to the database Django really uses (e.g. the test database)."""

from __future__ import annotations

from typing import Any

from channels_postgres.core import PostgresChannelLayer


class DatabaseChannelLayer(PostgresChannelLayer):
    def __init__(self, **kwargs: Any) -> None:
        from django.db import connections

        for key, value in connections["default"].settings_dict.items():
            kwargs.setdefault(key, value)
        super().__init__(**kwargs)
