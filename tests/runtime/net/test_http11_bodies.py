"""Response bodies of the lean client over plain HTTP and over TLS: ``Content-Length`` and
chunked framing (the connection stays reusable after each), and a chunked event stream that is
handed over piece by piece as the server sends it, not when it ends."""

from __future__ import annotations

import threading

from runtime.net.http11 import Response
from tests.runtime.net.scripted_server import Scheme, ServerConnection

LARGE = bytes(range(256)) * 800  # 200 KiB: several reads, several TLS records


def _chunked(*pieces: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces)


class TestFraming:
    async def test_content_length_bodies_are_read_whole_on_one_connection(self, scheme: Scheme) -> None:
        def serve(connection: ServerConnection) -> None:
            while (request := connection.read_request()) is not None:
                connection.respond(LARGE if request.body == b"large" else b"")

        with scheme.server(serve) as server:
            pool = scheme.pool(server)
            bodies = []
            for ask in (b"large", b"empty", b"large"):
                response = await pool.request(server.endpoint(), "POST", "x", b"", ask, timeout=5)
                bodies.append(await response.read())
            await pool.aclose()
        assert bodies == [LARGE, b"", LARGE]
        assert server.connections == 1

    async def test_chunked_bodies_with_extensions_and_trailers_are_read_whole(self, scheme: Scheme) -> None:
        def serve(connection: ServerConnection) -> None:
            while connection.read_request() is not None:
                connection.send(
                    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + b"5;name=value\r\nhello\r\n"
                    + _chunked(b" ", LARGE)
                    + b"0\r\nX-Trailer: yes\r\n\r\n"
                )

        with scheme.server(serve) as server:
            pool = scheme.pool(server)
            first = await pool.request(server.endpoint(), "GET", "x", b"", b"", timeout=5)
            first_body = await first.read()
            second = await pool.request(server.endpoint(), "GET", "x", b"", b"", timeout=5)
            second_body = await second.read()
            await pool.aclose()
        assert first_body == second_body == b"hello " + LARGE
        assert server.connections == 1  # the terminating chunk and trailers were consumed exactly


class TestStreaming:
    async def test_each_event_is_handed_over_before_the_server_sends_the_next(self, scheme: Scheme) -> None:
        first_seen = threading.Event()

        def serve(connection: ServerConnection) -> None:
            connection.read_request()
            connection.send(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
            connection.send(_chunked(b'data: {"n": 1}\n\n'))
            if first_seen.wait(10):  # the client must have the first event while the stream is open
                connection.send(_chunked(b'data: {"n": 2}\n\n', b"data: [DONE]\n\n") + b"0\r\n\r\n")
            while connection.read_request() is not None:
                connection.respond(b"after the stream")

        with scheme.server(serve) as server:
            pool = scheme.pool(server)
            response = await pool.request(server.endpoint(), "POST", "chat/completions", b"", b"{}", timeout=5)
            pieces = await _read_stream(response, first_seen)
            after = await pool.request(server.endpoint(), "POST", "x", b"", b"", timeout=5)
            after_body = await after.read()
            await pool.aclose()
        assert b"".join(pieces) == b'data: {"n": 1}\n\ndata: {"n": 2}\n\ndata: [DONE]\n\n'
        assert after_body == b"after the stream"
        assert server.connections == 1


async def _read_stream(response: Response, first_seen: threading.Event) -> list[bytes]:
    """The pieces of the body; ``first_seen`` is set once the first event is whole (the server
    sends the rest only then, so a client that waited for the end would time out)."""
    pieces = []
    async for piece in response.iter_bytes(read_timeout=5):
        pieces.append(piece)
        if b"".join(pieces).startswith(b'data: {"n": 1}\n\n'):
            first_seen.set()
    return pieces
