"""One error base for the whole platform. Services raise these; one handler shapes them for clients.

Every error has a stable ``code`` (clients and tests match on it) and a human ``message``.
"""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, details: Any = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.details = details
        if code:
            self.code = code
        if status:
            self.status = status


class NotFound(ApplicationError):
    code = "not_found"
    status = 404


class PermissionDenied(ApplicationError):
    code = "permission_denied"
    status = 403


class Conflict(ApplicationError):
    code = "conflict"
    status = 409


class InvalidInput(ApplicationError):
    code = "invalid"
    status = 400


class UnsupportedMediaType(ApplicationError):
    """A body in a media type the route does not read (a form or text where JSON is expected)."""

    code = "unsupported_media_type"
    status = 415


class DatabaseMisconfigured(Exception):
    """Raised at start-up when the configured PostgreSQL cannot serve the platform."""
