"""The save-time half of the address policy: which URLs a builder may configure."""

from collections.abc import Sequence
from ipaddress import ip_address

import pytest

from runtime.net import AddressPolicy, NetError, SafeHttpClient, StaticResolver, check_url, system_lookup


def table(entries: dict[str, list[str]]):
    """A lookup answering from ``entries`` (a name it does not know resolves to nothing)."""

    def lookup(host: str, port: int) -> Sequence[str]:
        return entries.get(host, [])

    return lookup


@pytest.mark.parametrize(
    ("url", "reason", "host"),
    [
        ("http://127.0.0.1/v1", "loopback", "127.0.0.1"),
        ("http://10.0.0.5:8080/v1", "private", "10.0.0.5"),
        ("https://192.168.1.20/", "private", "192.168.1.20"),
        ("http://[::1]:11434/v1", "loopback", "::1"),
        ("http://169.254.169.254/latest/meta-data/", "cloud_metadata", "169.254.169.254"),
        ("http://[fd00:ec2::254]/", "cloud_metadata", "fd00:ec2::254"),
        ("http://0x7f000001/", "loopback", "127.0.0.1"),
        ("http://2130706433/", "loopback", "127.0.0.1"),
        ("http://0177.0.0.1/", "loopback", "127.0.0.1"),
        ("http://127.1/", "loopback", "127.0.0.1"),
        ("http://[::ffff:10.0.0.1]/", "private", "10.0.0.1"),
        ("http://169.254.1.1/", "link_local", "169.254.1.1"),
        ("http://[fe80::1]/", "link_local", "fe80::1"),
        ("http://[fc00::5]/", "unique_local", "fc00::5"),
        ("http://100.64.0.1/", "shared_address_space", "100.64.0.1"),
        ("http://0.0.0.0:8000/", "unspecified", "0.0.0.0"),
        ("http://[::]/", "unspecified", "::"),
        ("http://localhost:11434/v1", "loopback", "localhost"),
        ("http://LocalHost./", "loopback", "localhost"),
        ("http://ollama.localhost/v1", "loopback", "ollama.localhost"),
        ("http://metadata.google.internal/computeMetadata/v1/", "cloud_metadata", "metadata.google.internal"),
    ],
)
def test_internal_destinations_are_refused_with_the_reason_and_host(url: str, reason: str, host: str) -> None:
    refusal = check_url(url, AddressPolicy())

    assert refusal is not None
    assert (refusal.reason, refusal.host) == (reason, host)
    assert refusal.message.startswith("blocked by the address policy:")
    assert host in refusal.message


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("file:///etc/passwd", "scheme 'file' is not allowed; use http or https"),
        ("ftp://example.com/data", "scheme 'ftp' is not allowed; use http or https"),
        ("gopher://example.com:70/", "scheme 'gopher' is not allowed; use http or https"),
        ("api.example.com/v1", "use http or https"),
        ("http://user:secret@example.com/", "credentials in URLs are not allowed"),
        ("http://1.2.3.4.5/", "invalid IPv4 address"),
        ("http:///path-only", "the URL has no host"),
    ],
)
def test_urls_the_client_cannot_send_are_refused_as_bad_urls(url: str, says: str) -> None:
    refusal = check_url(url, AddressPolicy())

    assert refusal is not None and refusal.reason == "bad_url"
    assert says in refusal.message


@pytest.mark.parametrize(
    "url",
    [
        "https://93.184.216.34/v1",
        "http://8.8.8.8:8080/",
        "https://[2606:4700:4700::1111]/",
        "https://api.example.com/v1",
    ],
)
def test_public_addresses_and_names_without_dns_are_accepted(url: str) -> None:
    assert check_url(url, AddressPolicy()) is None


def test_a_name_that_resolves_inside_is_refused_without_showing_the_address() -> None:
    lookup = table({"intranet.example": ["10.0.0.7"], "mixed.example": ["93.184.216.34", "127.0.0.1"]})

    intranet = check_url("https://intranet.example/api", AddressPolicy(), lookup=lookup)
    mixed = check_url("https://mixed.example/", AddressPolicy(), lookup=lookup)

    assert intranet is not None and (intranet.reason, intranet.host) == ("private", "intranet.example")
    assert intranet.message == (
        "blocked by the address policy: host 'intranet.example' resolves to an address that is private"
    )
    assert "10.0.0.7" not in intranet.message
    assert mixed is not None and mixed.reason == "loopback"


def test_a_name_that_resolves_outside_or_not_at_all_is_accepted() -> None:
    lookup = table({"public.example": ["93.184.216.34", "2606:4700:4700::1111"]})

    assert check_url("https://public.example/", AddressPolicy(), lookup=lookup) is None
    assert check_url("https://nowhere.example/", AddressPolicy(), lookup=lookup) is None


def test_the_allowlist_opens_hosts_and_networks_but_never_metadata() -> None:
    by_host = AddressPolicy.from_lists(["127.0.0.1:8080", "localhost", "169.254.169.254", "metadata.google.internal"])
    by_network = AddressPolicy.from_lists(networks=["10.0.0.0/8", "169.254.0.0/16"])
    lookup = table({"intranet.example": ["10.0.0.7"]})

    assert check_url("http://127.0.0.1:8080/v1", by_host) is None
    assert check_url("http://127.0.0.1:8081/v1", by_host) is not None
    assert check_url("http://localhost:11434/v1", by_host) is None
    assert check_url("http://10.0.0.5/", by_network) is None
    assert check_url("http://intranet.example/", by_network, lookup=lookup) is None
    assert check_url("http://169.254.1.1/", by_network) is None
    for policy in (by_host, by_network):
        for url in ("http://169.254.169.254/", "http://metadata.google.internal/"):
            refusal = check_url(url, policy)
            assert refusal is not None and refusal.reason == "cloud_metadata", (url, policy)


def test_the_system_lookup_resolves_real_names_and_gives_nothing_for_unknown_ones() -> None:
    lookup = system_lookup(timeout_s=5.0)

    loopback = {ip_address(a) for a in lookup("localhost", 80)}

    assert loopback and all(a.is_loopback for a in loopback)
    assert list(lookup("no-such-host.invalid", 80)) == []


async def test_at_call_time_the_refusal_says_the_address_policy_blocked_the_host() -> None:
    resolver = StaticResolver({"intranet.example": ["10.0.0.7"]})
    async with SafeHttpClient(resolver=resolver) as client:
        with pytest.raises(NetError) as literal:
            await client.get("http://10.0.0.5:8080/v1", timeout_s=3)
        with pytest.raises(NetError) as named:
            await client.get("http://intranet.example/", timeout_s=3)

    assert literal.value.code == named.value.code == "ssrf_blocked"
    assert str(literal.value) == "blocked by the address policy: address 10.0.0.5 is private"
    assert str(named.value) == (
        "blocked by the address policy: host 'intranet.example' resolves to an address that is private"
    )
