from ipaddress import ip_address

import pytest

from runtime.net import AddressPolicy, NetError, blocked_reason, normalize_host, parse_ip_literal


@pytest.mark.parametrize(
    ("spelling", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0X7F.0.0.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("[::1]", "::1"),
        ("::ffff:127.0.0.1", "127.0.0.1"),
        ("[::ffff:7f00:1]", "127.0.0.1"),
    ],
)
def test_every_ipv4_and_ipv6_spelling_parses_to_its_address(spelling: str, address: str) -> None:
    assert parse_ip_literal(spelling) == ip_address(address)


@pytest.mark.parametrize("name", ["example.com", "localhost", "1.2.3.4.example", "0xdeadbeef.example"])
def test_host_names_are_not_ip_literals(name: str) -> None:
    assert parse_ip_literal(name) is None


@pytest.mark.parametrize(
    "bad", ["1.2.3.4.5", "256.1.1.1", "08.0.0.1", "1.2.65536", "[fe80::1%25eth0]", "::zz"]
)
def test_numeric_hosts_that_are_not_addresses_are_bad_urls(bad: str) -> None:
    with pytest.raises(NetError) as caught:
        parse_ip_literal(bad)
    assert caught.value.code == "bad_url"


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("100.64.0.1", "shared_address_space"),
        ("169.254.169.254", "cloud_metadata"),
        ("169.254.1.1", "link_local"),
        ("fe80::1", "link_local"),
        ("fd00:ec2::254", "cloud_metadata"),
        ("fc00::5", "unique_local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", "private"),
        ("::ffff:10.0.0.1", "private"),
        ("64:ff9b::7f00:1", "loopback"),
        ("2002:7f00:1::", "loopback"),
    ],
)
def test_internal_addresses_are_blocked_with_a_reason(address: str, reason: str) -> None:
    assert blocked_reason(ip_address(address)) == reason


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert blocked_reason(ip_address(address)) is None


def test_normalize_host_canonicalises_literals_and_names() -> None:
    assert normalize_host("0x7F000001") == "127.0.0.1"
    assert normalize_host("Example.COM.") == "example.com"
    assert normalize_host("[::1]") == "::1"


def test_allowlist_matches_host_and_optional_port() -> None:
    policy = AddressPolicy.from_lists(["127.0.0.1:8080", "api.internal", "[::1]:9000"])
    assert policy.host_allowed("127.0.0.1", 8080)
    assert not policy.host_allowed("127.0.0.1", 8081)
    assert policy.host_allowed("API.internal.", 443)
    assert policy.host_allowed("::1", 9000)
    assert not policy.host_allowed("localhost", 8080)


def test_allowlisted_networks_never_open_metadata() -> None:
    policy = AddressPolicy.from_lists(networks=["169.254.0.0/16"])
    policy.check(ip_address("169.254.1.1"), host="169.254.1.1", host_allowed=False)
    with pytest.raises(NetError) as caught:
        policy.check(ip_address("169.254.169.254"), host="169.254.169.254", host_allowed=True)
    assert caught.value.code == "ssrf_blocked"
