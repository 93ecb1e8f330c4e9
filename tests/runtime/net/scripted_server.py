"""A scripted HTTP/1.1 server on 127.0.0.1, plain or TLS, for tests where the server must
misbehave at a chosen moment: close a kept-alive connection, read a request and never answer,
reset mid-response, never send headers.

Each accepted connection runs ``handler(connection)`` in its own thread with blocking sockets,
so a handler reads like the script it is, and it counts every request body it reads: the
tests' evidence of how often a request reached the server. Handlers and tests synchronise
with ``threading.Event`` handshakes, never with sleeps. Clients reach it as ``model.test``
through an :class:`AddressGuard` that resolves that name to 127.0.0.1 (so TLS verifies a host
name, as it does for a real model server).
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from runtime.net import AddressGuard, AddressPolicy, StaticResolver
from runtime.net.http11 import Endpoint, Http11Pool

HOST = "model.test"
#: How long a server thread waits on a silent socket before giving up (a safety net for a
#: failing test, never a pacing device).
SOCKET_TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class ReceivedRequest:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


class ServerConnection:
    """One accepted connection, seen from the server. ``index`` counts connections from 0."""

    def __init__(self, server: ScriptedServer, sock: socket.socket, index: int):
        self.index = index
        self._server = server
        self._sock = sock
        self._file = sock.makefile("rb")
        self._closed = False

    def read_request(self) -> ReceivedRequest | None:
        """The next request, body included (recorded on the server), or None if the client
        closed the connection first."""
        line = self._file.readline()
        if not line:
            return None
        method, target, _ = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
        headers: dict[str, str] = {}
        while (line := self._file.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        body = self._file.read(int(headers.get("content-length") or 0))
        request = ReceivedRequest(method, target, headers, body)
        self._server._record(request)
        return request

    def send(self, data: bytes) -> None:
        self._sock.sendall(data)

    def respond(self, body: bytes, *, status: int = 200, headers: str = "") -> None:
        """A complete ``Content-Length`` response; ``headers`` are extra lines, each ending in CRLF."""
        self.send(b"HTTP/1.1 %d OK\r\nContent-Length: %d\r\n%s\r\n%s" % (status, len(body), headers.encode(), body))

    def wait_for_client_to_leave(self) -> None:
        """Block until the client closes or resets the connection (it gave up waiting)."""
        try:
            while self._file.read1(65536):
                pass
        except OSError:
            pass

    def close(self) -> None:
        """Close the connection (a FIN, without a TLS close_notify), as a server whose
        keep-alive timer fired or that crashed would."""
        if not self._closed:
            self._closed = True
            self._file.close()
            self._sock.close()

    def reset(self) -> None:
        """Abort the connection with a TCP reset."""
        if not self._closed:
            self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close()


Handler = Callable[[ServerConnection], None]


class ScriptedServer:
    """Runs ``handler`` for every connection; ``tls`` makes it an HTTPS server.

    ``connections`` counts accepted connections; ``requests`` lists every request read;
    ``handshake_failures`` the TLS handshakes that failed (a client that refused the certificate).
    """

    def __init__(self, handler: Handler, *, tls: ssl.SSLContext | None = None):
        self._handler = handler
        self._tls = tls
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self.connections = 0
        self.requests: list[ReceivedRequest] = []
        self.handshake_failures: list[ssl.SSLError | OSError] = []
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._stopping = False
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)

    def __enter__(self) -> ScriptedServer:
        self._acceptor.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- what the client uses --------------------------------------------------------------
    @property
    def scheme(self) -> str:
        return "https" if self._tls is not None else "http"

    def endpoint(self, path: str = "/v1", *, scheme: str | None = None) -> Endpoint:
        return Endpoint(self.url(path, scheme=scheme))

    def url(self, path: str = "/v1", *, scheme: str | None = None) -> str:
        return f"{scheme or self.scheme}://{HOST}:{self.port}{path}"

    def guard(self) -> AddressGuard:
        """A guard that lets ``model.test`` (this server, on 127.0.0.1) through."""
        return AddressGuard(AddressPolicy.from_lists([f"{HOST}:{self.port}"]), StaticResolver({HOST: ["127.0.0.1"]}))

    # --- what the test checks --------------------------------------------------------------
    def times_received(self, body: bytes) -> int:
        """How many times a request with exactly ``body`` reached the server."""
        with self._lock:
            return sum(1 for request in self.requests if request.body == body)

    # --- the server ------------------------------------------------------------------------
    def _record(self, request: ReceivedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _accept_loop(self) -> None:
        while True:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            if self._stopping:
                sock.close()
                return
            with self._lock:
                index = self.connections
                self.connections += 1
                self._sockets.append(sock)
                thread = threading.Thread(target=self._serve, args=(sock, index), daemon=True)
                self._threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket, index: int) -> None:
        sock.settimeout(SOCKET_TIMEOUT_S)
        try:
            if self._tls is not None:
                try:
                    sock = self._tls.wrap_socket(sock, server_side=True)
                except (ssl.SSLError, OSError) as exc:
                    with self._lock:
                        self.handshake_failures.append(exc)
                    return
                with self._lock:
                    self._sockets.append(sock)
            connection = ServerConnection(self, sock, index)
            try:
                self._handler(connection)
            except OSError:
                pass  # the client went away mid-script: the test's assertions tell whether that was right
            finally:
                connection.close()
        finally:
            sock.close()

    def stop(self) -> None:
        self._stopping = True
        if self._acceptor.is_alive():
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=SOCKET_TIMEOUT_S).close()
            except OSError:
                pass
            self._acceptor.join(SOCKET_TIMEOUT_S)
        self._listener.close()
        with self._lock:
            sockets, threads = list(self._sockets), list(self._threads)
        for sock in sockets:  # wakes handlers blocked in a read
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in threads:
            thread.join(SOCKET_TIMEOUT_S)


class Scheme:
    """Plain HTTP or HTTPS (the trusted test CA's certificate for ``model.test``): the tests
    that must hold on both start their servers and pools through it."""

    def __init__(self, name: str, server_tls: ssl.SSLContext | None, client_tls: ssl.SSLContext | None):
        self.name = name
        self._server_tls = server_tls
        self._client_tls = client_tls

    def __repr__(self) -> str:
        return self.name

    def server(self, handler: Handler) -> ScriptedServer:
        return ScriptedServer(handler, tls=self._server_tls)

    def pool(self, server: ScriptedServer, **options: Any) -> Http11Pool:
        return Http11Pool(guard=server.guard(), ssl_context=self._client_tls, **options)


def answer_every_request(connection: ServerConnection) -> None:
    """A well-behaved keep-alive server: answers each request with ``ok:`` and its body."""
    while (request := connection.read_request()) is not None:
        connection.respond(b"ok:" + request.body)
