"""The outbound HTTP client every server-side request of the platform goes through.

:class:`SafeHttpClient` follows redirects itself (each hop re-validated, bounded count,
credentials dropped across origins), caps response size while streaming, enforces one
overall deadline, resolves ``{{ secrets.NAME }}`` references in headers, and turns every
failure into a :class:`~runtime.net.errors.NetError` with a stable code. Address checks
happen in the transport at connect time (see ``guard``).
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self

import httpx

from runtime.net.addresses import AddressPolicy
from runtime.net.errors import NetError, NetErrorCode, tls_error
from runtime.net.guard import AddressGuard
from runtime.net.resolver import Resolver
from runtime.net.secrets import HeaderValue, SecretResolver, redact, resolve_header_value
from runtime.net.transport import SafeTransport
from runtime.net.urls import checked_url

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CREDENTIAL_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})
_UNSET: Any = object()


@dataclass(frozen=True, slots=True)
class NetLimits:
    """Defaults for every request of a client; each can be overridden per request."""

    timeout_s: float = 30.0
    max_response_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5


@dataclass(frozen=True, slots=True)
class NetResponse:
    """A complete, size-capped response. ``url`` is the final URL after redirects."""

    status: int
    headers: httpx.Headers
    body: bytes
    url: str
    redirects: tuple[str, ...] = ()
    elapsed_s: float = 0.0

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-cased (``""`` when absent)."""
        header: str = self.headers.get("content-type", "")
        return header.split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        header: str = self.headers.get("content-type", "")
        for param in header.split(";")[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"')
        return None

    @property
    def text(self) -> str:
        """The body decoded with the declared charset (UTF-8 otherwise), never failing."""
        try:
            return self.body.decode(self.charset or "utf-8", errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON; raises ``ValueError`` when it is not JSON."""
        return jsonlib.loads(self.text)

    def raise_for_status(self) -> NetResponse:
        """Raise ``http_error`` for a 4xx/5xx status, else return ``self``."""
        if self.status >= 400:
            raise NetError(NetErrorCode.HTTP_ERROR, f"server answered HTTP {self.status}", status=self.status)
        return self


@dataclass(slots=True)
class _Hop:
    method: str
    url: httpx.URL
    headers: dict[str, str]
    content: bytes | None
    secret_headers: set[str] = field(default_factory=set)


class SafeHttpClient:
    """Async HTTP client that refuses internal destinations (SSRF) and oversize responses.

    One instance may be shared; it keeps a connection pool per event loop. Use it as an async
    context manager or call :meth:`aclose`. ``policy`` opens specific hosts/networks
    (tests allowlist their own ``127.0.0.1:port`` server); ``resolver`` replaces DNS;
    ``secrets`` resolves ``{{ secrets.NAME }}`` in header values; ``verify`` is the TLS context
    to trust (default: :func:`~runtime.net.http11.default_ssl_context`, which honours
    ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``).
    """

    def __init__(
        self,
        *,
        policy: AddressPolicy | None = None,
        resolver: Resolver | None = None,
        secrets: SecretResolver | None = None,
        limits: NetLimits | None = None,
        user_agent: str = "LLMOpsStudio/0.1",
        verify: ssl.SSLContext | bool = True,
    ):
        self.guard = AddressGuard(policy, resolver)
        self.limits = limits or NetLimits()
        self._secrets = secrets
        self._user_agent = user_agent
        self._verify = verify
        self._client: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def __repr__(self) -> str:
        return f"SafeHttpClient(policy={self.guard.policy!r}, limits={self.limits!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close pooled connections of the current event loop."""
        client, self._client, self._loop = self._client, None, None
        if client is not None:
            await client.aclose()

    async def get(self, url: str, **kwargs: Any) -> NetResponse:
        """Shorthand for ``request("GET", url, ...)``."""
        return await self.request("GET", url, **kwargs)

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, HeaderValue] | None = None,
        content: bytes | str | None = None,
        json: Any = _UNSET,
        timeout_s: float | None = None,
        max_response_bytes: int | None = None,
        max_redirects: int | None = None,
        follow_redirects: bool = True,
        raise_for_status: bool = False,
    ) -> NetResponse:
        """Send one request, following redirects, and return the whole (capped) response.

        Header values may reference secrets (see :data:`~runtime.net.secrets.HeaderValue`).
        With ``follow_redirects=False`` a redirect response is returned as it is.

        Raises :class:`NetError` with code ``bad_url``, ``ssrf_blocked``, ``timeout``,
        ``response_too_large``, ``too_many_redirects``, ``connect_error``, ``tls_error``,
        ``dns_error``, ``secret_missing``, ``protocol_error`` or (with ``raise_for_status``)
        ``http_error``.
        """
        timeout = timeout_s or self.limits.timeout_s
        cap = max_response_bytes or self.limits.max_response_bytes
        redirects_left = self.limits.max_redirects if max_redirects is None else max_redirects
        used_secrets: set[str] = set()
        try:
            hop = self._first_hop(method, url, headers or {}, content, json, used_secrets)
            started = time.monotonic()
            async with asyncio.timeout(timeout):
                response = await self._follow(hop, timeout, cap, redirects_left if follow_redirects else None)
            response = _with_elapsed(response, time.monotonic() - started)
        except TimeoutError:
            raise NetError(NetErrorCode.TIMEOUT, f"request timed out after {timeout:g}s") from None
        except NetError as exc:
            exc.message = redact(exc.message, used_secrets)
            exc.args = (exc.message,)
            raise
        return response.raise_for_status() if raise_for_status else response

    def _first_hop(
        self,
        method: str,
        url: str,
        headers: Mapping[str, HeaderValue],
        content: bytes | str | None,
        json: Any,
        used_secrets: set[str],
    ) -> _Hop:
        final_headers = {"user-agent": self._user_agent}
        secret_headers: set[str] = set()
        for name, value in headers.items():
            key = name.lower()
            final_headers[key], secret = resolve_header_value(value, self._secrets, used_secrets)
            if secret:
                secret_headers.add(key)
        body: bytes | None
        if json is not _UNSET:
            body = jsonlib.dumps(json).encode()
            final_headers.setdefault("content-type", "application/json")
        else:
            body = content.encode() if isinstance(content, str) else content
        return _Hop(method.upper(), checked_url(url), final_headers, body, secret_headers)

    async def _follow(self, hop: _Hop, timeout: float, cap: int, redirects_left: int | None) -> NetResponse:
        """Send ``hop`` and its redirects (``redirects_left=None``: return redirects as they are)."""
        client = self._http()
        visited: list[str] = []
        while True:
            try:
                request = client.build_request(
                    hop.method,
                    hop.url,
                    headers=hop.headers,
                    content=hop.content,
                    timeout=httpx.Timeout(timeout),
                )
                response = await client.send(request, stream=True)
            except httpx.TimeoutException:
                raise NetError(NetErrorCode.TIMEOUT, f"request timed out after {timeout:g}s") from None
            except httpx.ConnectError as exc:
                tls_failure = _ssl_cause(exc)
                if tls_failure is not None:
                    raise tls_error(hop.url.host, tls_failure) from None
                raise NetError(
                    NetErrorCode.CONNECT_ERROR, f"cannot connect to {hop.url.host}: {exc}"
                ) from None
            except httpx.HTTPError as exc:
                raise NetError(NetErrorCode.PROTOCOL_ERROR, f"request failed: {type(exc).__name__}") from None
            try:
                location = response.headers.get("location")
                if response.status_code in REDIRECT_STATUSES and location and redirects_left is not None:
                    if redirects_left <= 0:
                        raise NetError(NetErrorCode.TOO_MANY_REDIRECTS, "too many redirects")
                    redirects_left -= 1
                    visited.append(str(hop.url))
                    hop = _next_hop(hop, response.status_code, location)
                    continue
                body = await _read_capped(response, cap)
            finally:
                await response.aclose()
            return NetResponse(response.status_code, response.headers, body, str(hop.url), tuple(visited))

    def _http(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            # Pooled connections belong to the loop that opened them; a new loop (a new
            # Celery task, a new test) gets a new pool.
            self._client = httpx.AsyncClient(
                transport=SafeTransport(self.guard, verify=self._verify),
                follow_redirects=False,
                trust_env=False,
            )
            self._loop = loop
        return self._client


def _next_hop(hop: _Hop, status: int, location: str) -> _Hop:
    try:
        target = checked_url(hop.url.join(location))
    except NetError as exc:
        raise NetError(exc.code, f"redirect refused: {exc.message}") from None
    method, content, headers = hop.method, hop.content, dict(hop.headers)
    if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
        method, content = "GET", None
        headers.pop("content-type", None)
        headers.pop("content-length", None)
    secret_headers = set(hop.secret_headers)
    if _origin(target) != _origin(hop.url):
        # Credentials are for the origin they were written for, not wherever it redirects.
        for name in CREDENTIAL_HEADERS | secret_headers:
            headers.pop(name, None)
        secret_headers.clear()
    return _Hop(method, target, headers, content, secret_headers)


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


async def _read_capped(response: httpx.Response, cap: int) -> bytes:
    declared = response.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > cap:
        raise NetError(NetErrorCode.RESPONSE_TOO_LARGE, f"response is larger than the {cap} byte limit")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise NetError(
                    NetErrorCode.RESPONSE_TOO_LARGE, f"response is larger than the {cap} byte limit"
                )
            chunks.append(chunk)
    except httpx.TimeoutException:
        raise NetError(NetErrorCode.TIMEOUT, "timed out reading the response") from None
    except httpx.HTTPError as exc:
        raise NetError(
            NetErrorCode.PROTOCOL_ERROR, f"reading the response failed: {type(exc).__name__}"
        ) from None
    return b"".join(chunks)


def _ssl_cause(exc: BaseException) -> ssl.SSLError | None:
    """The TLS failure behind ``exc`` (httpx wraps httpcore's error, which wraps the ``ssl`` one)."""
    seen: BaseException | None = exc
    for _ in range(8):  # a short chain; never loop on a cyclic one
        if seen is None:
            return None
        if isinstance(seen, ssl.SSLError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _with_elapsed(response: NetResponse, elapsed: float) -> NetResponse:
    return NetResponse(
        response.status, response.headers, response.body, response.url, response.redirects, elapsed
    )
