"""Which network addresses the platform may connect to.

Everything here is pure: parsing of host literals (including the odd IPv4 spellings that
``inet_aton`` accepts, such as ``2130706433``, ``0x7f000001`` and ``0177.0.0.1``), the
classification of an address as blocked, and the allowlist that opens specific hosts or
networks. The check runs on the *resolved* address of every connection (see ``guard``).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

from runtime.net.errors import NetError, NetErrorCode

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

#: Cloud instance-metadata endpoints. Refused even when an allowlisted network contains them.
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OCI, DigitalOcean, OpenStack
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.169.123",  # AWS time sync
        "169.254.169.253",  # AWS DNS
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud (legacy)
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "fd00:ec2::23",  # AWS DNS over IPv6
    )
)

#: Host names of metadata services; refused before any resolution, allowlist or not.
METADATA_HOSTNAMES: frozenset[str] = frozenset(
    {
        "metadata.google.internal",
        "metadata.goog",
        "metadata",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.azure.internal",
        "metadata.platformequinix.com",
    }
)

#: Names of this machine; refused like the loopback addresses they stand for (so is ``*.localhost``).
LOCAL_HOSTNAMES: frozenset[str] = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})

_NAT64_WELL_KNOWN = IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = IPv6Network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = IPv6Network("::/96")
_UNIQUE_LOCAL = IPv6Network("fc00::/7")
_SHARED_ADDRESS_SPACE = IPv4Network("100.64.0.0/10")
_NUMERIC_PART = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)


def normalize_host(host: str) -> str:
    """Lower-case ``host``, drop IPv6 brackets and one trailing dot; canonicalise IP literals."""
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host.endswith(".") and not host.endswith(".."):
        host = host[:-1]
    ip = parse_ip_literal(host)
    return str(ip) if ip is not None else host


def is_local_name(name: str) -> bool:
    """True for ``localhost``, its variants and ``*.localhost`` (``name`` normalised)."""
    return name in LOCAL_HOSTNAMES or name.endswith(".localhost")


def blocked_message(host: str, ip: IPAddress | None, reason: str) -> str:
    """What a user reads when the address policy refuses ``host`` (resolved to ``ip``) for ``reason``.

    The one wording of a refusal, at save time and at call time alike. A resolved address is
    not shown (it would map internal names for whoever typed them).
    """
    name = normalize_host(host)
    if ip is not None and name == str(ip):
        what = f"address {ip} is {reason.replace('_', ' ')}"
    elif ip is not None:
        what = f"host {name!r} resolves to an address that is {reason.replace('_', ' ')}"
    elif reason == "cloud_metadata":
        what = f"host {name!r} is a cloud metadata service"
    else:
        what = f"host {name!r} is a {reason.replace('_', ' ')} name"
    return f"blocked by the address policy: {what}"


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address ``host`` spells, or None when it is a name.

    Accepts IPv6 (with or without brackets) and every IPv4 spelling ``inet_aton`` accepts:
    one to four dot-separated parts, each decimal, ``0x`` hexadecimal or ``0``-prefixed
    octal, the last part filling the remaining bytes. A host that looks numeric but is not a
    valid address raises ``bad_url`` so that it never reaches a resolver that might read it
    differently.
    """
    host = host.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host.endswith(".") and not host.endswith(".."):
        host = host[:-1]
    if ":" in host:
        if "%" in host:
            raise NetError(NetErrorCode.BAD_URL, "IPv6 zone identifiers are not allowed in URLs")
        try:
            v6 = IPv6Address(host)
        except ValueError:
            raise NetError(NetErrorCode.BAD_URL, f"invalid IPv6 address {host!r}") from None
        return v6.ipv4_mapped or v6
    parts = host.split(".")
    if not host or not all(_NUMERIC_PART.match(p) for p in parts):
        return None
    if len(parts) > 4:
        raise NetError(NetErrorCode.BAD_URL, f"invalid IPv4 address {host!r}")
    values = [_parse_ipv4_part(p, host) for p in parts]
    *head, last = values
    if any(v > 0xFF for v in head) or last >= 1 << (8 * (5 - len(values))):
        raise NetError(NetErrorCode.BAD_URL, f"invalid IPv4 address {host!r}")
    number = 0
    for v in head:
        number = (number << 8) | v
    number = (number << (8 * (5 - len(values)))) | last
    return IPv4Address(number)


def _parse_ipv4_part(part: str, host: str) -> int:
    lowered = part.lower()
    try:
        if lowered.startswith("0x"):
            return int(lowered[2:] or "0", 16)
        if len(lowered) > 1 and lowered.startswith("0"):
            return int(lowered, 8)
        return int(lowered, 10)
    except ValueError:
        raise NetError(NetErrorCode.BAD_URL, f"invalid IPv4 address {host!r}") from None


def _embedded_ipv4(ip: IPv6Address) -> list[IPv4Address]:
    """IPv4 addresses an IPv6 address carries (mapped, NAT64, 6to4, Teredo, compatible)."""
    found: list[IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip in _NAT64_WELL_KNOWN or ip in _IPV4_COMPATIBLE:
        found.append(IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    return found


def blocked_reason(ip: IPAddress) -> str | None:
    """Why connecting to ``ip`` is refused (``"loopback"``, ``"private"``, ...), or None."""
    if ip in METADATA_ADDRESSES:
        return "cloud_metadata"
    if isinstance(ip, IPv6Address):
        if ip.ipv4_mapped is not None or (ip in _NAT64_WELL_KNOWN and int(ip) & 0xFFFFFFFF):
            return blocked_reason(_embedded_ipv4(ip)[0])
        for inner in _embedded_ipv4(ip):
            if ip not in _IPV4_COMPATIBLE or int(ip) > 1:
                reason = blocked_reason(inner)
                if reason is not None:
                    return reason
    checks: list[tuple[bool, str]] = [
        (ip.is_unspecified, "unspecified"),
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link_local"),
        (ip.is_multicast, "multicast"),
        (isinstance(ip, IPv6Address) and ip.is_site_local, "site_local"),
        (isinstance(ip, IPv6Address) and ip in _UNIQUE_LOCAL, "unique_local"),
        (isinstance(ip, IPv6Address) and ip in _NAT64_LOCAL, "private"),
        (isinstance(ip, IPv4Address) and ip in _SHARED_ADDRESS_SPACE, "shared_address_space"),
        (ip.is_private, "private"),
        (ip.is_reserved, "reserved"),
        (not ip.is_global, "not_global"),
    ]
    for failed, reason in checks:
        if failed:
            return reason
    return None


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which otherwise-blocked destinations are open.

    ``allow_hosts`` holds normalised ``host`` or ``host:port`` entries (IPv6 as
    ``[::1]:8080``) matched against the URL's host; ``allow_networks`` holds CIDRs matched
    against resolved addresses. Cloud-metadata endpoints stay closed regardless.
    """

    allow_hosts: frozenset[str] = frozenset()
    allow_networks: tuple[IPNetwork, ...] = field(default_factory=tuple)

    @classmethod
    def from_lists(cls, hosts: Iterable[str] = (), networks: Iterable[str] = ()) -> AddressPolicy:
        """Build a policy from plain strings such as ``"127.0.0.1:8080"`` and ``"10.1.0.0/16"``."""
        return cls(
            allow_hosts=frozenset(_normalize_allow_entry(h) for h in hosts),
            allow_networks=tuple(ipaddress.ip_network(n, strict=False) for n in networks),
        )

    def host_allowed(self, host: str, port: int) -> bool:
        """True when the URL host (with or without ``port``) is on the allowlist."""
        name = normalize_host(host)
        if name in METADATA_HOSTNAMES:
            return False
        shown = f"[{name}]" if ":" in name else name
        return name in self.allow_hosts or f"{shown}:{port}" in self.allow_hosts

    def refusal(self, ip: IPAddress, *, host_allowed: bool) -> str | None:
        """Why ``ip`` stays closed under this policy (a :func:`blocked_reason`), or None when open."""
        if isinstance(ip, IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        reason = blocked_reason(ip)
        if reason is None:
            return None
        opened = host_allowed or any(ip.version == n.version and ip in n for n in self.allow_networks)
        return None if opened and reason != "cloud_metadata" else reason

    def check(self, ip: IPAddress, *, host: str, host_allowed: bool) -> None:
        """Raise ``ssrf_blocked`` unless connecting to ``ip`` (resolved from ``host``) is allowed."""
        reason = self.refusal(ip, host_allowed=host_allowed)
        if reason is not None:
            if isinstance(ip, IPv6Address) and ip.ipv4_mapped is not None:
                ip = ip.ipv4_mapped
            raise NetError(NetErrorCode.SSRF_BLOCKED, blocked_message(host, ip, reason))


def _normalize_allow_entry(entry: str) -> str:
    entry = entry.strip().lower()
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        return f"[{normalize_host(host)}]{rest}" if rest else normalize_host(host)
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        return f"{normalize_host(host)}:{int(port)}"
    return normalize_host(entry)
