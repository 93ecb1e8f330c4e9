"""The one error type of the outbound HTTP client, with stable codes.

Messages never contain header values, secrets or URL credentials: they reach traces and
users verbatim.
"""

from __future__ import annotations

import ssl
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
    #: The TLS handshake failed: the certificate is not trusted, is for another host name, or
    #: the two sides share no protocol. No byte of the request was sent.
    TLS_ERROR = "tls_error"
    #: The request was (at least partly) written, then the connection failed before a complete
    #: response head arrived. The server may have received and acted on it; it was not resent.
    CONNECTION_LOST_AFTER_SEND = "connection_lost_after_send"


#: Codes for which another attempt, later, may succeed (``http_error`` depends on the status).
TRANSIENT_CODES = frozenset(
    {
        NetErrorCode.TIMEOUT,
        NetErrorCode.CONNECT_ERROR,
        NetErrorCode.DNS_ERROR,
        NetErrorCode.PROTOCOL_ERROR,
        NetErrorCode.CONNECTION_LOST_AFTER_SEND,
    }
)


class NetError(Exception):
    """An outbound request was refused or failed.

    ``code`` is a :class:`NetErrorCode` value; ``status`` is set for ``http_error``.
    """

    def __init__(self, code: NetErrorCode, message: str, *, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    @property
    def retryable(self) -> bool:
        """Whether another attempt may succeed: a transient failure, or HTTP 429 or 5xx.

        It says nothing about whether retrying is *safe*: after ``connection_lost_after_send``
        the server may already have acted on the request, and only the caller knows whether
        doing it twice is acceptable.
        """
        if self.code in TRANSIENT_CODES:
            return True
        return self.status is not None and (self.status == 429 or self.status >= 500)

    def __repr__(self) -> str:
        return f"NetError(code={self.code.value!r}, message={self.message!r})"


def tls_error(host: str, exc: ssl.SSLError) -> NetError:
    """The ``tls_error`` for a failed handshake with ``host``, naming why (the reason OpenSSL
    gives: an untrusted issuer, a host name mismatch, an expired certificate, ...)."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        detail = str(exc.verify_message or exc.reason or "rejected").rstrip(".")
        return NetError(NetErrorCode.TLS_ERROR, f"TLS certificate verification failed for {host}: {detail}")
    reason = exc.reason or type(exc).__name__
    return NetError(NetErrorCode.TLS_ERROR, f"TLS handshake with {host} failed: {reason}")
