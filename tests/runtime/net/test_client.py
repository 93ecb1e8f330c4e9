import asyncio
import time

import pytest

from runtime.net import (
    AddressPolicy,
    MappingSecretResolver,
    NetError,
    NetLimits,
    SafeHttpClient,
    SecretRef,
    StaticResolver,
    split_secret_references,
)
from tests.runtime.net.local_server import LocalServer


def client_for(server: LocalServer, **kwargs: object) -> SafeHttpClient:
    return SafeHttpClient(policy=AddressPolicy.from_lists([server.host_port]), **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/",
        "file:///etc/passwd",
        "gopher://example.com/",
        "http://",
        "no scheme",
        "http://u:p@example.com/",
    ],
)
async def test_only_plain_http_urls_are_accepted(url: str) -> None:
    async with SafeHttpClient() as client:
        with pytest.raises(NetError) as caught:
            await client.get(url)
    assert caught.value.code == "bad_url"


async def test_response_over_the_declared_size_cap_is_refused(server: LocalServer) -> None:
    async with client_for(server) as client:
        with pytest.raises(NetError) as caught:
            await client.get(server.url("/big?n=5000"), max_response_bytes=1000)
    assert caught.value.code == "response_too_large"


async def test_streamed_response_is_aborted_past_the_cap(server: LocalServer) -> None:
    async with client_for(server, limits=NetLimits(max_response_bytes=4096)) as client:
        with pytest.raises(NetError) as caught:
            await client.get(server.url("/big-unsized?n=65536"))
        small = await client.get(server.url("/big?n=4096"))
    assert caught.value.code == "response_too_large"
    assert len(small.body) == 4096


async def test_slow_server_times_out(server: LocalServer) -> None:
    started = time.monotonic()
    async with client_for(server) as client:
        with pytest.raises(NetError) as caught:
            await client.get(server.url("/slow?s=2"), timeout_s=0.3)
    assert caught.value.code == "timeout"
    assert time.monotonic() - started < 1.5


async def test_redirects_are_followed_and_recorded(server: LocalServer) -> None:
    async with client_for(server) as client:
        response = await client.get(server.url("/redirect?to=/ok"))
    assert (response.status, response.text) == (200, "hello")
    assert response.url == server.url("/ok")
    assert response.redirects == (server.url("/redirect?to=/ok"),)


async def test_redirect_loops_stop_at_the_bound(server: LocalServer) -> None:
    async with client_for(server) as client:
        with pytest.raises(NetError) as caught:
            await client.get(server.url("/loop"), max_redirects=3)
    assert caught.value.code == "too_many_redirects"


async def test_see_other_turns_post_into_get_and_307_keeps_the_body(server: LocalServer) -> None:
    async with client_for(server) as client:
        after_303 = await client.request("POST", server.url("/redirect?status=303&to=/echo"), content="x=1")
        after_307 = await client.request("POST", server.url("/redirect?status=307&to=/echo"), json={"x": 1})
    assert (after_303.json()["method"], after_303.json()["body"]) == ("GET", "")
    assert (after_307.json()["method"], after_307.json()["body"]) == ("POST", '{"x": 1}')


async def test_http_errors_are_returned_or_raised_on_request(server: LocalServer) -> None:
    async with client_for(server) as client:
        response = await client.get(server.url("/status?code=404"))
        with pytest.raises(NetError) as caught:
            await client.get(server.url("/status?code=503"), raise_for_status=True)
    assert response.status == 404
    assert (caught.value.code, caught.value.status) == ("http_error", 503)


async def test_secret_references_in_headers_are_resolved(server: LocalServer) -> None:
    secrets = MappingSecretResolver({"API_KEY": "sk-test-123"})
    async with client_for(server, secrets=secrets) as client:
        response = await client.get(
            server.url("/echo"), headers={"Authorization": "Bearer {{ secrets.API_KEY }}"}
        )
    assert response.json()["headers"]["authorization"] == "Bearer sk-test-123"


async def test_missing_secret_is_named_but_values_never_shown(server: LocalServer) -> None:
    secrets = MappingSecretResolver({"API_KEY": "sk-test-123"})
    async with client_for(server, secrets=secrets) as client:
        with pytest.raises(NetError) as caught:
            await client.get(server.url("/echo"), headers={"X-Key": "{{ secrets.OTHER }}"})
    assert caught.value.code == "secret_missing"
    assert "OTHER" in caught.value.message
    assert "sk-test-123" not in repr(client) + repr(secrets) + repr(caught.value)


async def test_secret_values_are_scrubbed_from_errors(server: LocalServer) -> None:
    secrets = MappingSecretResolver({"BAD": "line\r\nbreak-secret"})
    async with client_for(server, secrets=secrets) as client:
        with pytest.raises(NetError) as caught:
            await client.get(server.url("/echo"), headers={"X-Key": "{{ secrets.BAD }}"})
    assert "break-secret" not in str(caught.value) + repr(caught.value)


async def test_credentials_are_dropped_when_a_redirect_changes_origin(server: LocalServer) -> None:
    resolver = StaticResolver({"other.test": ["127.0.0.1"]})
    policy = AddressPolicy.from_lists([server.host_port, f"other.test:{server.port}"])
    secrets = MappingSecretResolver({"TOKEN": "t0k"})
    target = f"http://other.test:{server.port}/echo"
    async with SafeHttpClient(policy=policy, resolver=resolver, secrets=secrets) as client:
        response = await client.get(
            server.url(f"/redirect?to={target}"),
            headers={"Authorization": "Bearer x", "X-Token": "{{ secrets.TOKEN }}", "X-Plain": "kept"},
        )
    headers = response.json()["headers"]
    assert "authorization" not in headers and "x-token" not in headers
    assert headers["x-plain"] == "kept"


def test_one_client_serves_several_event_loops(server: LocalServer) -> None:
    client = client_for(server)
    first = asyncio.run(client.get(server.url("/ok")))
    second = asyncio.run(client.get(server.url("/ok")))
    assert (first.status, second.status) == (200, 200)


async def test_literal_header_parts_are_never_scanned_for_secret_references(server: LocalServer) -> None:
    secrets = MappingSecretResolver({"KEY": "sk-1"})
    value = ["Bearer ", SecretRef("KEY"), " user-text {{ secrets.KEY }}"]
    async with client_for(server, secrets=secrets) as client:
        response = await client.get(server.url("/echo"), headers={"x-auth": value})
    assert response.json()["headers"]["x-auth"] == "Bearer sk-1 user-text {{ secrets.KEY }}"


def test_config_text_splits_into_literal_and_secret_parts() -> None:
    assert split_secret_references("Bearer {{secrets.KEY}}!") == ["Bearer ", SecretRef("KEY"), "!"]


async def test_redirects_can_be_returned_instead_of_followed(server: LocalServer) -> None:
    async with client_for(server) as client:
        response = await client.get(server.url("/redirect?to=/ok"), follow_redirects=False)
    assert (response.status, response.headers["location"]) == (302, "/ok")
