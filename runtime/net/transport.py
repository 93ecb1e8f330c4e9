"""An ``httpx`` transport whose every connection goes through the :class:`AddressGuard`.

Use :func:`safe_transport` wherever an ``httpx.AsyncClient`` is built on the server side
(including the one handed to the OpenAI SDK) so that no request can leave without the
check. :class:`~runtime.net.client.SafeHttpClient` is built on it.
"""

from __future__ import annotations

import ssl

import httpcore
import httpx

from runtime.net.addresses import AddressPolicy
from runtime.net.errors import NetError, NetErrorCode
from runtime.net.guard import AddressGuard, GuardedNetworkBackend
from runtime.net.http11 import default_ssl_context
from runtime.net.resolver import Resolver

ALLOWED_SCHEMES = frozenset({"http", "https"})


class SafeTransport(httpx.AsyncBaseTransport):
    """Refuses non-HTTP(S) schemes and connects only to vetted addresses; no proxies, no UDS."""

    def __init__(
        self,
        guard: AddressGuard,
        *,
        verify: ssl.SSLContext | bool = True,
        limits: httpx.Limits | None = None,
    ):
        limits = limits or httpx.Limits(
            max_connections=50, max_keepalive_connections=10, keepalive_expiry=5.0
        )
        self.guard = guard
        self.limits = limits
        # ``verify=True``: the process's verifying context (SSL_CERT_FILE / SSL_CERT_DIR, else
        # certifi), shared with the lean client so both trust the same authorities.
        ssl_context = (
            verify
            if isinstance(verify, ssl.SSLContext)
            else default_ssl_context()
            if verify
            else httpx.create_ssl_context(verify=False)
        )
        self.ssl_context = ssl_context  # for clients that connect through ``guard`` themselves
        self._inner = httpx.AsyncHTTPTransport(verify=ssl_context, trust_env=False, limits=limits)
        # httpx has no public hook for the network backend, so the pool it built is swapped for
        # an identical one that connects through the guard. tests/runtime/net cover this seam.
        self._inner._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=GuardedNetworkBackend(guard),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.scheme not in ALLOWED_SCHEMES:
            raise NetError(NetErrorCode.BAD_URL, f"scheme {request.url.scheme!r} is not allowed")
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def safe_transport(
    policy: AddressPolicy | None = None,
    resolver: Resolver | None = None,
    *,
    verify: ssl.SSLContext | bool = True,
    limits: httpx.Limits | None = None,
) -> SafeTransport:
    """A :class:`SafeTransport` for ``policy`` (default: public addresses only)."""
    return SafeTransport(AddressGuard(policy, resolver), verify=verify, limits=limits)
