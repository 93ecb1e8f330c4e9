"""When the lean client sends a request again, and when it must not.

A kept-alive connection the server has closed is found before anything is written on it, and
the request goes on a new connection. Once a byte of a POST is written, a lost connection is
reported as ``connection_lost_after_send`` and the POST is never resent: the scripted server
counts how often each body reached it. Idempotent methods are sent again once when a reused
connection fails before any byte of the answer. A server that never answers times out."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import pytest

from runtime.net import AddressGuard, AddressPolicy, NetError, StaticResolver
from runtime.net.http11 import Http11Pool
from tests.runtime.net.scripted_server import HOST, Scheme, ScriptedServer, ServerConnection

Ending = Callable[[ServerConnection], None]
ENDINGS: dict[str, Ending] = {"closes": ServerConnection.close, "resets": ServerConnection.reset}


class OneRequestPerConnection:
    """Answers one request per connection; once the test says the answer was read
    (``answer_read[index]``), ends the connection without having said so (no
    ``Connection: close``), as a server whose keep-alive timer fired, and sets ``gone[index]``."""

    def __init__(self, ending: Ending, connections: int = 2):
        self.ending = ending
        self.answer_read = [threading.Event() for _ in range(connections)]
        self.gone = [threading.Event() for _ in range(connections)]

    def __call__(self, connection: ServerConnection) -> None:
        request = connection.read_request()
        if request is not None:
            connection.respond(b"ok:" + request.body)
        if self.answer_read[connection.index].wait(10):
            self.ending(connection)
        self.gone[connection.index].set()


def fails_the_second_request(failure: Callable[[ServerConnection], None]) -> Callable[[ServerConnection], None]:
    """The first connection answers its first request, reads the second and then ``failure``
    happens; any later connection answers everything (where a resent request would land)."""

    def serve(connection: ServerConnection) -> None:
        if connection.index == 0:
            request = connection.read_request()
            assert request is not None
            connection.respond(b"ok:" + request.body)
            if connection.read_request() is not None:
                failure(connection)
            return
        while (request := connection.read_request()) is not None:
            connection.respond(b"ok:" + request.body)

    return serve


def _reset_in_the_status_line(connection: ServerConnection) -> None:
    connection.send(b"HTTP/1.1 20")
    connection.reset()


class ResetMidBody:
    """Sends the head and half the body, then resets once the test has the head."""

    def __init__(self) -> None:
        self.head_read = threading.Event()

    def __call__(self, connection: ServerConnection) -> None:
        connection.send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"x" * 50)
        self.head_read.wait(10)
        connection.reset()


NO_ANSWER: dict[str, Callable[[ServerConnection], None]] = {
    "closes without answering": ServerConnection.close,
    "resets without answering": ServerConnection.reset,
    "resets in the status line": _reset_in_the_status_line,
}


async def _post(pool: Http11Pool, server: ScriptedServer, body: bytes) -> bytes:
    response = await pool.request(server.endpoint(), "POST", "chat/completions", b"", body, timeout=5)
    return await response.read()


class TestAKeptAliveConnectionTheServerEnded:
    @pytest.mark.parametrize("ending", ENDINGS)
    async def test_the_next_request_goes_on_a_new_connection(self, scheme: Scheme, ending: str) -> None:
        server_script = OneRequestPerConnection(ENDINGS[ending])
        with scheme.server(server_script) as server:
            pool = scheme.pool(server)
            first = await _post(pool, server, b"first")
            server_script.answer_read[0].set()
            await asyncio.to_thread(server_script.gone[0].wait, 10)  # the event loop runs as the end arrives
            second = await _post(pool, server, b"second")
            server_script.answer_read[1].set()
            await pool.aclose()
        assert (first, second) == (b"ok:first", b"ok:second")
        assert server.connections == 2
        assert [request.body for request in server.requests] == [b"first", b"second"]

    @pytest.mark.parametrize("ending", ENDINGS)
    async def test_an_end_the_event_loop_has_not_seen_yet_is_found_before_sending(
        self, scheme: Scheme, ending: str
    ) -> None:
        server_script = OneRequestPerConnection(ENDINGS[ending])
        with scheme.server(server_script) as server:
            pool = scheme.pool(server)
            first = await _post(pool, server, b"first")
            server_script.answer_read[0].set()
            # Blocking on purpose: the loop must not run between the server's close and the next
            # request (as in a busy process), so only the socket itself can tell it was closed.
            assert server_script.gone[0].wait(10)
            second = await _post(pool, server, b"second")
            server_script.answer_read[1].set()
            await pool.aclose()
        assert (first, second) == (b"ok:first", b"ok:second")
        assert [request.body for request in server.requests] == [b"first", b"second"]

    async def test_a_refused_address_is_skipped_for_the_next_one(self) -> None:
        def serve(connection: ServerConnection) -> None:
            while (request := connection.read_request()) is not None:
                connection.respond(b"ok:" + request.body)

        with ScriptedServer(serve) as server:
            guard = AddressGuard(
                AddressPolicy.from_lists([f"{HOST}:{server.port}"]),
                StaticResolver({HOST: ["127.0.0.2", "127.0.0.1"]}),  # nothing listens on the first
            )
            pool = Http11Pool(guard=guard)
            answer = await _post(pool, server, b"once")
            await pool.aclose()
        assert answer == b"ok:once"
        assert server.times_received(b"once") == 1


class TestAPostIsNeverSentTwice:
    @pytest.mark.parametrize("failure", NO_ANSWER)
    async def test_a_kept_alive_connection_lost_after_sending(self, scheme: Scheme, failure: str) -> None:
        with scheme.server(fails_the_second_request(NO_ANSWER[failure])) as server:
            pool = scheme.pool(server)
            assert await _post(pool, server, b"first") == b"ok:first"
            try:
                outcome: bytes | NetError = await _post(pool, server, b"second")
            except NetError as error:
                outcome = error
            third = await _post(pool, server, b"third")  # the pool is usable afterwards
            await pool.aclose()
        assert server.times_received(b"second") == 1
        assert isinstance(outcome, NetError), f"the POST was answered after a resend: {outcome!r}"
        assert outcome.code == "connection_lost_after_send"
        assert outcome.retryable
        assert "was not sent again" in outcome.message
        assert third == b"ok:third"

    async def test_a_new_connection_lost_after_sending(self, scheme: Scheme) -> None:
        def serve(connection: ServerConnection) -> None:
            connection.read_request()
            connection.close()

        with scheme.server(serve) as server:
            pool = scheme.pool(server)
            with pytest.raises(NetError) as caught:
                await _post(pool, server, b"only")
            await pool.aclose()
        assert caught.value.code == "connection_lost_after_send"
        assert server.times_received(b"only") == 1
        assert server.connections == 1

    async def test_a_reset_in_the_middle_of_the_body(self, scheme: Scheme) -> None:
        reset_mid_body = ResetMidBody()
        with scheme.server(fails_the_second_request(reset_mid_body)) as server:
            pool = scheme.pool(server)
            assert await _post(pool, server, b"first") == b"ok:first"
            response = await pool.request(server.endpoint(), "POST", "chat/completions", b"", b"second", timeout=5)
            reset_mid_body.head_read.set()
            with pytest.raises(NetError) as caught:
                await response.read()
            await pool.aclose()
        assert (response.status, caught.value.code) == (200, "protocol_error")
        assert caught.value.message == "the connection closed mid-response"
        assert server.times_received(b"second") == 1


class TestIdempotentRequests:
    async def test_a_get_on_a_kept_alive_connection_lost_before_an_answer_is_sent_once_more(
        self, scheme: Scheme
    ) -> None:
        with scheme.server(fails_the_second_request(ServerConnection.close)) as server:
            pool = scheme.pool(server)
            answers = []
            for _ in range(2):
                response = await pool.request(server.endpoint(), "GET", "models", b"", b"", timeout=5)
                answers.append(await response.read())
            await pool.aclose()
        assert answers == [b"ok:", b"ok:"]
        assert [request.method for request in server.requests] == ["GET", "GET", "GET"]
        assert server.connections == 2


class TestSlowServers:
    async def test_a_server_that_never_sends_headers_times_out(self, scheme: Scheme) -> None:
        def serve(connection: ServerConnection) -> None:
            connection.read_request()
            connection.wait_for_client_to_leave()

        with scheme.server(serve) as server:
            pool = scheme.pool(server)
            with pytest.raises(TimeoutError) as caught:
                await pool.request(server.endpoint(), "POST", "chat/completions", b"", b"waiting", timeout=0.2)
            await pool.aclose()
        assert str(caught.value) == (f"{HOST}:{server.port}: timed out after 0.2s waiting for the response headers")
        assert server.times_received(b"waiting") == 1

    async def test_a_server_that_never_completes_the_tls_handshake_times_out(self) -> None:
        with ScriptedServer(ServerConnection.wait_for_client_to_leave) as server:  # speaks no TLS
            pool = Http11Pool(guard=server.guard())
            with pytest.raises(TimeoutError) as caught:
                await pool.request(
                    server.endpoint(scheme="https"), "POST", "chat/completions", b"", b"waiting", timeout=0.2
                )
            await pool.aclose()
        assert str(caught.value) == f"{HOST}:{server.port}: timed out after 0.2s waiting for a connection"
        assert server.requests == []
