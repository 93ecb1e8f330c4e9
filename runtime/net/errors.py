"""The one error type of the outbound HTTP client, with stable codes.

Messages never contain header values, secrets or URL credentials: they reach traces and
users verbatim.
"""

from __future__ import annotations

from enum import StrEnum


class NetErrorCode(StrEnum):
    """Stable codes of :class:`NetError`; they reach users, traces and API responses."""

    SSRF_BLOCKED = "ssrf_blocked"
    BAD_URL = "bad_url"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    RESPONSE_TOO_LARGE = "response_too_large"
    TIMEOUT = "timeout"
    HTTP_ERROR = "http_error"
    CONNECT_ERROR = "connect_error"
    DNS_ERROR = "dns_error"
    SECRET_MISSING = "secret_missing"
    PROTOCOL_ERROR = "protocol_error"


class NetError(Exception):
    """An outbound request was refused or failed.

    ``code`` is a :class:`NetErrorCode` value; ``status`` is set for ``http_error``.
    """

    def __init__(self, code: NetErrorCode, message: str, *, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def __repr__(self) -> str:
        return f"NetError(code={self.code.value!r}, message={self.message!r})"
