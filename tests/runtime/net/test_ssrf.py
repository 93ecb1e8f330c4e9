"""The SSRF corpus: every internal destination is refused through the real client."""

import httpx
import pytest

from runtime.net import (
    AddressPolicy,
    NetError,
    SafeHttpClient,
    StaticResolver,
    SystemResolver,
    safe_transport,
)
from tests.runtime.net.local_server import LocalServer, local_server

INTERNAL_NAMES = StaticResolver(
    {"intranet.example": ["10.0.0.7"], "mixed.example": ["93.184.216.34", "127.0.0.1"]},
    fallback=SystemResolver(),
)


def corpus(port: int) -> list[str]:
    return [
        f"http://127.0.0.1:{port}/ok",
        f"http://localhost:{port}/ok",
        f"http://[::1]:{port}/ok",
        f"http://[::ffff:127.0.0.1]:{port}/ok",
        f"http://[::ffff:7f00:1]:{port}/ok",
        f"http://0x7f000001:{port}/ok",
        f"http://2130706433:{port}/ok",
        f"http://0177.0.0.1:{port}/ok",
        f"http://127.1:{port}/ok",
        f"http://127.0.0.1.:{port}/ok",
        f"http://0.0.0.0:{port}/ok",
        f"http://[::]:{port}/ok",
        f"http://[64:ff9b::7f00:1]:{port}/ok",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://10.0.0.1/",
        "http://192.168.0.1/",
        "http://intranet.example/",
        "http://mixed.example/",
    ]


@pytest.fixture(scope="module")
def corpus_urls(server: LocalServer) -> list[str]:
    return corpus(server.port)


@pytest.mark.parametrize("index", range(len(corpus(0))))
async def test_internal_destinations_are_refused(
    server: LocalServer, corpus_urls: list[str], index: int
) -> None:
    url = corpus_urls[index]
    hits_before = len(server.hits)
    async with SafeHttpClient(resolver=INTERNAL_NAMES) as client:
        with pytest.raises(NetError) as caught:
            await client.get(url, timeout_s=3)
    assert caught.value.code == "ssrf_blocked", (url, caught.value.message)
    assert len(server.hits) == hits_before


async def test_allowlisted_server_is_reachable(server: LocalServer) -> None:
    async with SafeHttpClient(policy=AddressPolicy.from_lists([server.host_port])) as client:
        response = await client.get(server.url("/ok"))
    assert (response.status, response.text) == (200, "hello")


async def test_allowlisted_network_opens_the_server(server: LocalServer) -> None:
    async with SafeHttpClient(policy=AddressPolicy.from_lists(networks=["127.0.0.0/8"])) as client:
        response = await client.get(server.url("/ok"))
    assert response.status == 200


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{other}/ok",
        "http://localhost:{port}/ok",
        "http://[::1]:{port}/ok",
        "http://0x7f000001:{other}/ok",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
async def test_redirect_from_allowlisted_server_to_internal_address_is_refused(
    server: LocalServer, target: str
) -> None:
    with local_server() as other:
        location = target.format(other=other.port, port=server.port)
        async with SafeHttpClient(policy=AddressPolicy.from_lists([server.host_port])) as client:
            with pytest.raises(NetError) as caught:
                await client.get(server.url(f"/redirect?to={location}"), timeout_s=3)
        assert caught.value.code == "ssrf_blocked"
        assert other.hits == []


async def test_allowlisted_name_connects_to_its_checked_address_and_keeps_host(server: LocalServer) -> None:
    resolver = StaticResolver({"api.test": ["127.0.0.1"]})
    policy = AddressPolicy.from_lists([f"api.test:{server.port}"])
    async with SafeHttpClient(policy=policy, resolver=resolver) as client:
        response = await client.get(f"http://api.test:{server.port}/echo")
    assert response.json()["headers"]["host"] == f"api.test:{server.port}"


async def test_safe_transport_guards_plain_httpx_clients_and_their_redirects(server: LocalServer) -> None:
    transport = safe_transport(AddressPolicy.from_lists([server.host_port]))
    async with httpx.AsyncClient(transport=transport, follow_redirects=True) as client:
        assert (await client.get(server.url("/ok"))).status_code == 200
        with pytest.raises(NetError) as caught:
            await client.get(server.url("/redirect?to=http://localhost:1/"))
    assert caught.value.code == "ssrf_blocked"


async def test_safe_transport_refuses_other_schemes() -> None:
    async with httpx.AsyncClient(transport=safe_transport()) as client:
        with pytest.raises(NetError) as caught:
            await client.get("ws://example.com/")
    assert caught.value.code == "bad_url"


class _CountingResolver:
    """Answers 127.0.0.1 once, then another address: a rebinding attempt."""

    def __init__(self) -> None:
        self.calls = 0

    async def resolve(self, host: str, port: int) -> list[str]:
        self.calls += 1
        return ["127.0.0.1"] if self.calls == 1 else ["127.0.0.2"]


async def test_the_checked_address_is_the_one_connected_to(server: LocalServer) -> None:
    resolver = _CountingResolver()
    policy = AddressPolicy.from_lists(networks=["127.0.0.1/32"])
    async with SafeHttpClient(policy=policy, resolver=resolver) as client:
        response = await client.get(f"http://rebind.test:{server.port}/echo")
    assert response.json()["headers"]["host"] == f"rebind.test:{server.port}"
    assert resolver.calls == 1
