"""A small HTTP/1.1 keep-alive client on asyncio streams, for hot, simple request/response APIs
(model servers): one request per connection at a time, connections reused LIFO, every new
connection opened through the :class:`~runtime.net.guard.AddressGuard` to a vetted address.

Why not ``httpx``: under hundreds of concurrent calls its pool (httpcore) scans every pooled
connection for every request and every release, and each call builds several layers of objects;
that dominated the published endpoint's CPU. This client does a dict lookup and a list pop per
request and parses only what a JSON/SSE API needs (``Content-Length``, ``chunked``, close-
delimited bodies; gzip/deflate if a server insists). No proxies, no HTTP/2, no redirects, no
cookies — callers that need those use :class:`~runtime.net.client.SafeHttpClient`.

TLS: by default certificates and host names are verified against :func:`default_ssl_context`,
which trusts the file named by ``SSL_CERT_FILE`` and/or the directory named by ``SSL_CERT_DIR``
when the operator sets them, else certifi's bundle (the rule ``httpx`` follows, so the SDK path
and :class:`~runtime.net.transport.SafeTransport` trust the same authorities). A caller with its
own authority (a private model server, a test) passes ``ssl_context``. A failed handshake raises
``tls_error`` naming the reason (an untrusted issuer, a host name mismatch), before any byte of
the request is sent.

Sending a request at most once: an idle pooled connection is checked just before it is used
(its socket must not be readable: no EOF, reset or stray bytes) and dropped if the server has
closed it; the request then goes on another or a new connection, which is safe because not a
byte of it was written. Once any byte is written, a connection that fails before the response
head arrives raises ``connection_lost_after_send`` (retryable, but not retried here: the server
may have acted on it). The one exception is an idempotent method (``GET``, ``HEAD``,
``OPTIONS``, ``TRACE``, ``PUT``, ``DELETE``, RFC 9110 §9.2.2) on a *reused* connection that
failed before any byte of the response: it is sent once more, on a new connection, as browsers
do, since the server most likely closed the connection as the request was on its way. A
``POST`` is never sent twice by this module.

One pool belongs to one event loop. Timeouts raise :class:`TimeoutError` naming what was
awaited; failures to connect or to read a well-formed response raise
:class:`~runtime.net.errors.NetError`.
"""

from __future__ import annotations

import asyncio
import functools
import os
import select
import ssl
import time
import zlib
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import certifi

from runtime.net.errors import NetError, NetErrorCode, tls_error
from runtime.net.guard import AddressGuard

_HEAD_LIMIT = 64 * 1024
_READ_SIZE = 64 * 1024
_NO_BODY_STATUS = frozenset({204, 304})
#: Methods that may be sent again after a reused connection failed (RFC 9110 §9.2.2).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})


@functools.cache
def default_ssl_context() -> ssl.SSLContext:
    """One verifying TLS context for the process (building one costs milliseconds).

    It trusts the authorities in ``SSL_CERT_FILE`` and/or ``SSL_CERT_DIR`` when set (read once,
    at first use), else certifi's bundle — the rule ``httpx`` follows.
    """
    cafile = os.environ.get("SSL_CERT_FILE") or None
    capath = os.environ.get("SSL_CERT_DIR") or None
    if cafile is None and capath is None:
        cafile = certifi.where()
    return ssl.create_default_context(cafile=cafile, capath=capath)


class Endpoint:
    """A parsed base URL: scheme, host, port, path prefix and the precomputed ``Host`` header."""

    __slots__ = ("host", "host_header", "key", "path", "port", "query", "tls")

    def __init__(self, url: str):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise NetError(NetErrorCode.BAD_URL, f"scheme {parts.scheme!r} is not allowed")
        if not parts.hostname:
            raise NetError(NetErrorCode.BAD_URL, "the URL has no host")
        if parts.username or parts.password:
            raise NetError(NetErrorCode.BAD_URL, "credentials in the URL are not supported")
        self.tls = parts.scheme == "https"
        self.host = parts.hostname
        default_port = 443 if self.tls else 80
        try:
            self.port = parts.port or default_port
        except ValueError:
            raise NetError(NetErrorCode.BAD_URL, "the URL has an invalid port") from None
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.host_header = host if self.port == default_port else f"{host}:{self.port}"
        self.path = parts.path.rstrip("/")
        self.query = parts.query
        self.key = (self.tls, self.host, self.port)

    def target(self, path: str) -> str:
        """Request target of ``path`` below the base path (keeps the base URL's query)."""
        full = f"{self.path}/{path.lstrip('/')}"
        return f"{full}?{self.query}" if self.query else full


class _Conn:
    __slots__ = ("idle_since", "key", "reader", "reused", "sock", "writer")

    def __init__(self, key: tuple[bool, str, int], reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.key = key
        self.reader = reader
        self.writer = writer
        self.sock: Any = writer.get_extra_info("socket")  # the TCP socket, under TLS too
        self.idle_since = 0.0
        self.reused = False

    def usable(self, now: float, expiry: float) -> bool:
        """Whether an idle connection can carry a request: not expired, and nothing arrived on
        it since its last response — neither what the event loop has already seen (EOF, a reset,
        stray bytes; under TLS the stream's transport does not report the TCP connection's
        loss, its reader does) nor what is still in the socket (a FIN, a reset or a TLS alert
        that came while the loop was busy)."""
        return (
            now - self.idle_since < expiry
            and not self.reader.at_eof()
            and self.reader.exception() is None
            and not self.reader._buffer  # type: ignore[attr-defined]  # private, untyped; stray bytes: not ours
            and not self.writer.transport.is_closing()
            and _idle_socket_quiet(self.sock)
        )

    def close(self) -> None:
        try:
            self.writer.transport.abort()
        except Exception:  # noqa: BLE001 - already gone
            pass


class Response:
    """Status and headers are read; the body is read with :meth:`read` or :meth:`iter_bytes`,
    after which the connection goes back to the pool. :meth:`close` drops it otherwise."""

    __slots__ = ("_conn", "_decoder", "_framing", "_pool", "_remaining", "headers", "status")

    def __init__(self, pool: Http11Pool, conn: _Conn, status: int, headers: dict[str, str], head_only: bool):
        self._pool = pool
        self._conn: _Conn | None = conn
        self.status = status
        self.headers = headers
        self._remaining = 0
        if head_only or status in _NO_BODY_STATUS or 100 <= status < 200:
            self._framing = "none"
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            self._framing = "chunked"
        elif "content-length" in headers:
            try:
                self._remaining = int(headers["content-length"])
            except ValueError:
                raise NetError(NetErrorCode.PROTOCOL_ERROR, "invalid Content-Length") from None
            self._framing = "length"
        else:
            self._framing = "close"
        encoding = headers.get("content-encoding", "").strip().lower()
        self._decoder: Any = None
        if encoding in ("gzip", "x-gzip"):
            self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._decoder = zlib.decompressobj(zlib.MAX_WBITS | 32)
        elif encoding not in ("", "identity"):
            raise NetError(NetErrorCode.PROTOCOL_ERROR, f"unsupported Content-Encoding {encoding!r}")

    @property
    def keep_alive(self) -> bool:
        return self._framing != "close" and "close" not in self.headers.get("connection", "").lower()

    async def read(self) -> bytes:
        """The whole body."""
        conn = self._conn
        if conn is None:
            return b""
        if self._framing == "length" and self._decoder is None:
            try:
                body = await conn.reader.readexactly(self._remaining) if self._remaining else b""
            except (asyncio.IncompleteReadError, OSError) as exc:
                self.close()
                raise NetError(NetErrorCode.PROTOCOL_ERROR, "the connection closed mid-response") from exc
            self._remaining = 0
            self._release()
            return body
        return b"".join([piece async for piece in self.iter_bytes()])

    async def iter_bytes(self, read_timeout: float | None = None) -> AsyncIterator[bytes]:
        """The body as it arrives; each wait for the network is capped by ``read_timeout``."""
        conn = self._conn
        if conn is None:
            return
        reader = conn.reader
        try:
            while True:
                if read_timeout is None:
                    raw = await self._next_raw(reader)
                else:
                    async with asyncio.timeout(read_timeout):
                        raw = await self._next_raw(reader)
                if raw is None:
                    break
                if self._decoder is not None:
                    raw = self._decoder.decompress(raw)
                if raw:
                    yield raw
            if self._decoder is not None:
                tail = self._decoder.flush()
                if tail:
                    yield tail
        except TimeoutError:  # (an OSError too)
            self.close()
            raise
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError, ValueError, zlib.error) as exc:
            self.close()
            raise NetError(NetErrorCode.PROTOCOL_ERROR, "the connection closed mid-response") from exc
        except BaseException:
            self.close()
            raise
        self._release()

    async def _next_raw(self, reader: asyncio.StreamReader) -> bytes | None:
        framing = self._framing
        if framing == "length":
            if self._remaining <= 0:
                return None
            data = await reader.read(min(self._remaining, _READ_SIZE))
            if not data:
                raise asyncio.IncompleteReadError(b"", self._remaining)
            self._remaining -= len(data)
            return data
        if framing == "chunked":
            while True:
                if self._remaining > 0:
                    data = await reader.read(min(self._remaining, _READ_SIZE))
                    if not data:
                        raise asyncio.IncompleteReadError(b"", self._remaining)
                    self._remaining -= len(data)
                    if self._remaining == 0:
                        await reader.readexactly(2)  # the CRLF after a chunk
                    return data
                line = await reader.readuntil(b"\r\n")
                size = int(line.split(b";", 1)[0].strip() or b"x", 16)
                if size == 0:
                    while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers
                        pass
                    self._framing = "none"
                    return None
                self._remaining = size
        if framing == "close":
            data = await reader.read(_READ_SIZE)
            return data or None
        return None

    def _release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            self._pool._release(conn, self.keep_alive)

    def close(self) -> None:
        """Drop the connection (the body was not read to its end)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()
            self._pool._release(conn, False)


class Http11Pool:
    """Keep-alive connections per (scheme, host, port); at most ``max_connections`` in use at
    once (further requests wait in FIFO order); idle ones kept up to ``max_keepalive`` each
    for ``keepalive_expiry`` seconds."""

    def __init__(
        self,
        *,
        guard: AddressGuard | None = None,
        ssl_context: ssl.SSLContext | None = None,
        max_connections: int = 1000,
        max_keepalive: int = 1000,
        keepalive_expiry: float = 30.0,
    ):
        self.guard = guard
        self._ssl = ssl_context
        self._idle: dict[tuple[bool, str, int], list[_Conn]] = {}
        self._slots = asyncio.Semaphore(max_connections)
        self._max_keepalive = max_keepalive
        self._expiry = keepalive_expiry
        self.closed = False

    async def request(
        self,
        endpoint: Endpoint,
        method: str,
        path: str,
        head: bytes,
        body: bytes,
        *,
        timeout: float | None,
    ) -> Response:
        """Send a request and read its status and headers. ``head`` is the extra header lines
        (each ending in CRLF), sent as given. The body must then be read or the response closed."""
        request = (
            (
                f"{method} {endpoint.target(path)} HTTP/1.1\r\nHost: {endpoint.host_header}\r\n"
                f"Content-Length: {len(body)}\r\n"
            ).encode("latin-1")
            + head
            + b"\r\n"
            + body
        )
        replayable = method in IDEMPOTENT_METHODS
        acquired = False
        waiting_for = "a free connection slot"
        try:
            async with asyncio.timeout(timeout):  # waiting for a free slot counts too
                await self._slots.acquire()
                acquired = True
                waiting_for = "a connection"
                conn = await self._connection(endpoint)
                waiting_for = "the response headers"
                try:
                    return await self._exchange(conn, endpoint, request, method == "HEAD", replayable)
                except _Stale:  # idempotent, on a reused connection the server had closed
                    waiting_for = "a connection"
                    conn = await self._open(endpoint)
                    waiting_for = "the response headers"
                    return await self._exchange(conn, endpoint, request, method == "HEAD", False)
        except TimeoutError:
            if acquired:
                self._slots.release()
            if timeout is None:
                raise
            raise TimeoutError(
                f"{endpoint.host_header}: timed out after {timeout:g}s waiting for {waiting_for}"
            ) from None
        except BaseException:
            if acquired:
                self._slots.release()
            raise

    async def _exchange(
        self, conn: _Conn, endpoint: Endpoint, request: bytes, head_only: bool, replayable: bool
    ) -> Response:
        """Write ``request`` and read the response head. From the first write on, a failure is
        never answered by sending ``request`` again unless ``replayable`` (see the module doc)."""
        try:
            conn.writer.write(request)
            await conn.writer.drain()
            block = await conn.reader.readuntil(b"\r\n\r\n")
            while block[9:10] == b"1" and block[9:12] != b"101":  # 1xx interim answers
                block = await conn.reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError) as exc:
            answered = bool(getattr(exc, "partial", b"") or conn.reader._buffer)  # type: ignore[attr-defined]
            conn.close()
            if replayable and conn.reused and not answered:
                raise _Stale from None
            raise NetError(
                NetErrorCode.CONNECTION_LOST_AFTER_SEND,
                f"the connection to {endpoint.host_header} was lost after the request was sent and "
                "before a response; it was not sent again, since the server may have received it",
            ) from exc
        except asyncio.LimitOverrunError as exc:
            conn.close()
            raise NetError(NetErrorCode.PROTOCOL_ERROR, "response headers are too large") from exc
        except BaseException:
            conn.close()
            raise
        status, headers = _parse_head(block)
        if status is None:
            conn.close()
            raise NetError(NetErrorCode.PROTOCOL_ERROR, "not an HTTP/1.x response")
        try:
            return Response(self, conn, status, headers, head_only)
        except BaseException:
            conn.close()
            raise

    async def _connection(self, endpoint: Endpoint) -> _Conn:
        idle = self._idle.get(endpoint.key)
        if idle:
            now = time.monotonic()
            while idle:
                conn = idle.pop()
                if conn.usable(now, self._expiry):
                    conn.reused = True
                    return conn
                conn.close()
        return await self._open(endpoint)

    async def _open(self, endpoint: Endpoint) -> _Conn:
        if self.closed:
            raise NetError(NetErrorCode.CONNECT_ERROR, "the connection pool is closed")
        if self.guard is not None:
            addresses = [str(a) for a in await self.guard.vet(endpoint.host, endpoint.port)]
        else:
            addresses = [endpoint.host]
        ssl_context = (self._ssl or default_ssl_context()) if endpoint.tls else None
        last: Exception | None = None
        tls_failure: ssl.SSLError | None = None
        for address in addresses:
            try:
                reader, writer = await asyncio.open_connection(
                    address,
                    endpoint.port,
                    ssl=ssl_context,
                    limit=_HEAD_LIMIT,
                    server_hostname=endpoint.host if ssl_context else None,
                )
            except ssl.SSLError as exc:
                last = tls_failure = exc
                continue
            except OSError as exc:
                last = exc
                continue
            return _Conn(endpoint.key, reader, writer)
        if tls_failure is not None:  # more telling than another address's refusal
            raise tls_error(endpoint.host_header, tls_failure) from tls_failure
        raise NetError(
            NetErrorCode.CONNECT_ERROR, f"cannot connect to {endpoint.host_header} ({type(last).__name__})"
        ) from last

    def _release(self, conn: _Conn, keep: bool) -> None:
        self._slots.release()
        if not keep or self.closed:
            conn.close()
            return
        idle = self._idle.setdefault(conn.key, [])
        if len(idle) >= self._max_keepalive:
            conn.close()
            return
        conn.idle_since = time.monotonic()
        idle.append(conn)
        # The oldest idle connection is at the bottom: drop it once it has expired.
        if len(idle) > 1 and conn.idle_since - idle[0].idle_since >= self._expiry:
            idle.pop(0).close()

    async def aclose(self) -> None:
        self.closed = True
        idle, self._idle = self._idle, {}
        for conns in idle.values():
            for conn in conns:
                conn.close()


class _Stale(Exception):
    pass


_poll = getattr(select, "poll", None)


def _idle_socket_quiet(sock: Any) -> bool:
    """Whether the still-open socket ``sock`` has nothing to read (no data, EOF or error)."""
    fd = sock.fileno() if sock is not None else -1  # -1 once closed: never poll a reused number
    if fd < 0:
        return False
    if _poll is not None:
        poller = _poll()
        poller.register(fd, select.POLLIN)
        return not poller.poll(0)
    return not select.select([fd], [], [], 0)[0]  # pragma: no cover - platforms without poll()


def _parse_head(block: bytes) -> tuple[int | None, dict[str, str]]:
    lines = block.decode("latin-1").split("\r\n")
    status_line = lines[0]
    if not status_line.startswith("HTTP/1."):
        return None, {}
    try:
        status = int(status_line[9:12])
    except ValueError:
        return None, {}
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            continue
        name = name.strip().lower()
        value = value.strip()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    if status_line[5:8] == "1.0" and "keep-alive" not in headers.get("connection", "").lower():
        headers["connection"] = "close"
    return status, headers
