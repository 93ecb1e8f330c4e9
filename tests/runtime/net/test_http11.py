"""The lean HTTP/1.1 client: keep-alive reuse, body framings, a server that drops idle
connections, slot limits and the SSRF guard on every new connection."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from runtime.net import AddressGuard, AddressPolicy, NetError, StaticResolver
from runtime.net.http11 import Endpoint, Http11Pool
from runtime.providers.base import ChatMessage, ChatRequest, ProviderError
from runtime.providers.openai_compat import OpenAICompatibleProvider
from runtime.providers.retry import RetryPolicy


class RawServer:
    """Answers each request with ``reply`` (raw bytes); ``close_after`` closes the connection
    after each answer without saying so (as a server whose keep-alive timer fired would)."""

    def __init__(self, reply: bytes, *, close_after: bool = False):
        self.reply = reply
        self.close_after = close_after
        self.connections = 0
        self.requests: list[bytes] = []
        self.port = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> RawServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length")
                    ),
                    0,
                )
                body = await reader.readexactly(length)
                self.requests.append(head + body)
                writer.write(self.reply)
                await writer.drain()
                if self.close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()


@pytest.fixture
async def json_server() -> AsyncIterator[RawServer]:
    body = b'{"ok": true}'
    server = await RawServer(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    ).start()
    yield server
    await server.stop()


async def test_connections_are_reused(json_server: RawServer) -> None:
    pool = Http11Pool()
    endpoint = Endpoint(f"http://127.0.0.1:{json_server.port}/v1")
    for _ in range(3):
        response = await pool.request(endpoint, "POST", "chat/completions", b"", b"{}", timeout=5)
        assert response.status == 200 and await response.read() == b'{"ok": true}'
    assert json_server.connections == 1
    assert json_server.requests[0].startswith(b"POST /v1/chat/completions HTTP/1.1\r\n")
    await pool.aclose()


async def test_a_connection_the_server_dropped_is_replaced() -> None:
    body = b"{}"
    server = await RawServer(
        b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body), close_after=True
    ).start()
    pool = Http11Pool()
    endpoint = Endpoint(f"http://127.0.0.1:{server.port}")
    for _ in range(3):
        response = await pool.request(endpoint, "POST", "x", b"", b"", timeout=5)
        assert await response.read() == b"{}"
        await asyncio.sleep(0.05)  # let the close arrive
    assert server.connections == 3
    for _ in range(3):  # no pause: a closed idle connection is found before the POST is written on it
        response = await pool.request(endpoint, "POST", "x", b"", b"", timeout=5)
        assert await response.read() == b"{}"
    await pool.aclose()
    await server.stop()


async def test_chunked_and_close_delimited_bodies() -> None:
    chunked = await RawServer(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    ).start()
    closing = await RawServer(b"HTTP/1.0 200 OK\r\n\r\nuntil the end", close_after=True).start()
    pool = Http11Pool()
    response = await pool.request(Endpoint(f"http://127.0.0.1:{chunked.port}"), "GET", "/", b"", b"", timeout=5)
    assert await response.read() == b"hello world"
    response = await pool.request(Endpoint(f"http://127.0.0.1:{closing.port}"), "GET", "/", b"", b"", timeout=5)
    assert await response.read() == b"until the end"
    response = await pool.request(Endpoint(f"http://127.0.0.1:{chunked.port}"), "GET", "/", b"", b"", timeout=5)
    assert await response.read() == b"hello world"
    assert chunked.connections == 1
    await pool.aclose()
    await chunked.stop()
    await closing.stop()


async def test_requests_beyond_the_limit_wait_for_a_slot(json_server: RawServer) -> None:
    pool = Http11Pool(max_connections=1)
    endpoint = Endpoint(f"http://127.0.0.1:{json_server.port}")
    first = await pool.request(endpoint, "GET", "/", b"", b"", timeout=5)
    with pytest.raises(TimeoutError):
        await pool.request(endpoint, "GET", "/", b"", b"", timeout=0.1)
    await first.read()
    second = await pool.request(endpoint, "GET", "/", b"", b"", timeout=5)
    assert await second.read() == b'{"ok": true}'
    await pool.aclose()


async def test_the_guard_vets_every_new_connection(json_server: RawServer) -> None:
    blocked = Http11Pool(guard=AddressGuard(AddressPolicy()))
    with pytest.raises(NetError) as caught:
        await blocked.request(Endpoint(f"http://127.0.0.1:{json_server.port}"), "GET", "/", b"", b"", timeout=5)
    assert caught.value.code == "ssrf_blocked"
    rebinding = Http11Pool(guard=AddressGuard(AddressPolicy(), StaticResolver({"model.example": ["10.0.0.7"]})))
    with pytest.raises(NetError):
        await rebinding.request(Endpoint("http://model.example/v1"), "GET", "/", b"", b"", timeout=5)
    allowed = Http11Pool(guard=AddressGuard(AddressPolicy.from_lists([f"127.0.0.1:{json_server.port}"])))
    response = await allowed.request(Endpoint(f"http://127.0.0.1:{json_server.port}"), "GET", "/", b"", b"", timeout=5)
    assert await response.read() == b'{"ok": true}'
    assert json_server.connections == 1
    await allowed.aclose()


async def test_the_provider_connects_through_the_safe_transports_guard(json_server: RawServer) -> None:
    from runtime.net import safe_transport

    provider = OpenAICompatibleProvider(
        name="guarded",
        base_url=f"http://127.0.0.1:{json_server.port}/v1",
        retry=RetryPolicy(max_retries=0),
        transport_factory=lambda: safe_transport(AddressPolicy()),  # loopback is not allowed
    )
    request = ChatRequest(model="m", messages=[ChatMessage(role="user", content="hi")])
    with pytest.raises(ProviderError) as caught:
        await provider.chat(request)
    assert caught.value.code == "ssrf_blocked" and not caught.value.retryable
    assert "blocked by the address policy: address 127.0.0.1 is loopback" in caught.value.message
    assert json_server.connections == 0
    await provider.aclose()


async def test_another_httpx_transport_keeps_the_sdk_path() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "id": "c",
                "object": "chat.completion",
                "created": 0,
                "model": "m",
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": "mocked"}, "finish_reason": "stop"}
                ],
            },
        )

    provider = OpenAICompatibleProvider(
        name="mock", base_url="http://model.test/v1", transport_factory=lambda: httpx.MockTransport(handler)
    )
    request = ChatRequest(model="m", messages=[ChatMessage(role="user", content="hi")])
    assert (await provider.chat(request)).text == "mocked"
    await provider.aclose()
