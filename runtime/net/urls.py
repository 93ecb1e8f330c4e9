"""Whether a URL may be configured: the address policy applied when a builder types a URL.

:func:`check_url` is the save-time half of the policy. It parses the URL as the client will
(:func:`checked_url`), refuses schemes other than http and https, classifies a literal host
(every odd IPv4 spelling included) with :func:`~runtime.net.addresses.blocked_reason`, refuses
local and cloud-metadata host names, and may resolve a name to refuse one that points inside.
The call-time half, the :class:`~runtime.net.guard.AddressGuard`, still checks every connection:
a name can change its answer after it was saved.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address
from urllib.parse import urlsplit, urlunsplit

import httpx

from runtime.net.addresses import (
    METADATA_HOSTNAMES,
    AddressPolicy,
    IPAddress,
    blocked_message,
    is_local_name,
    normalize_host,
    parse_ip_literal,
)
from runtime.net.errors import NetError, NetErrorCode
from runtime.net.transport import ALLOWED_SCHEMES

#: ``lookup(host, port)``: the IP address strings ``host`` resolves to; empty when it does not.
HostLookup = Callable[[str, int], Sequence[str]]

#: What a local name stands for when the policy decides whether it is open.
_LOOPBACK: tuple[IPAddress, ...] = (IPv4Address("127.0.0.1"), IPv6Address("::1"))
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class UrlRefusal:
    """Why a URL is refused: ``reason`` is ``bad_url`` or a :func:`blocked_reason`
    (``loopback``, ``private``, ``cloud_metadata`` ...); ``host`` is the normalised host, when known."""

    reason: str
    message: str
    host: str = ""


def check_url(url: str, policy: AddressPolicy | None = None, *, lookup: HostLookup | None = None) -> UrlRefusal | None:
    """Why ``url`` may not be configured under ``policy``, or None when it may.

    Refused: a URL the client could not send (not http or https, no host, credentials in it);
    a literal address that is private, loopback, link-local, unique-local, shared, unspecified,
    multicast, reserved or cloud metadata; ``localhost``, ``*.localhost`` and the metadata
    host names. The operator's allowlist opens hosts and networks as it does for connections
    (metadata stays closed).

    With ``lookup``, a name is resolved and refused when any of its addresses is; a name that
    does not resolve (or not in time) is accepted, since only the call-time check can judge it.
    Without ``lookup`` no DNS is asked.
    """
    policy = policy or AddressPolicy()
    try:
        parsed = checked_url(url)
        name = normalize_host(parsed.host)
        port = parsed.port or _DEFAULT_PORTS[parsed.scheme]
        literal = parse_ip_literal(name)
    except NetError as exc:
        return UrlRefusal(NetErrorCode.BAD_URL.value, exc.message)
    if name in METADATA_HOSTNAMES:
        return UrlRefusal("cloud_metadata", blocked_message(name, None, "cloud_metadata"), name)
    host_allowed = policy.host_allowed(name, port)
    if literal is not None:
        return _refusal(policy, name, [literal], host_allowed)
    if is_local_name(name):
        return _refusal(policy, name, _LOOPBACK, host_allowed, stands_for=True)
    if lookup is None:
        return None
    return _refusal(policy, name, _addresses(lookup(name, port)), host_allowed)


def _refusal(
    policy: AddressPolicy,
    name: str,
    addresses: Iterable[IPAddress],
    host_allowed: bool,
    *,
    stands_for: bool = False,
) -> UrlRefusal | None:
    """The first of ``addresses`` the policy keeps closed (``stands_for``: the name means them)."""
    for address in addresses:
        reason = policy.refusal(address, host_allowed=host_allowed)
        if reason is not None:
            return UrlRefusal(reason, blocked_message(name, None if stands_for else address, reason), name)
    return None


def _addresses(raw: Iterable[str]) -> list[IPAddress]:
    found: list[IPAddress] = []
    for text in raw:
        try:
            address = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            continue
        if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        found.append(address)
    return found


def system_lookup(timeout_s: float) -> HostLookup:
    """A :data:`HostLookup` over the operating system's resolver that gives up after ``timeout_s``.

    ``getaddrinfo`` cannot be cancelled, so it runs in a daemon thread that is left behind
    when it is too slow; a name that fails or times out resolves to nothing.
    """

    def lookup(host: str, port: int) -> list[str]:
        found: list[str] = []

        def resolve() -> None:
            try:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
            except (OSError, UnicodeError):
                return
            found.extend(dict.fromkeys(str(info[4][0]) for info in infos))

        worker = threading.Thread(target=resolve, name="url-check-dns", daemon=True)
        worker.start()
        worker.join(timeout_s)
        return [] if worker.is_alive() else list(found)

    return lookup


def checked_url(raw: str | httpx.URL) -> httpx.URL:
    """``raw`` parsed as the client sends it, or ``bad_url``: http(s) only, a host, no credentials."""
    try:
        url = httpx.URL(_canonical_ip_host(str(raw)))
    except (httpx.InvalidURL, TypeError, ValueError):
        raise NetError(NetErrorCode.BAD_URL, "the URL is not valid") from None
    if url.scheme not in ALLOWED_SCHEMES:
        shown = f"scheme {url.scheme!r} is" if url.scheme else "a URL without a scheme is"
        raise NetError(NetErrorCode.BAD_URL, f"{shown} not allowed; use http or https")
    if not url.host:
        raise NetError(NetErrorCode.BAD_URL, "the URL has no host")
    if url.userinfo:
        raise NetError(NetErrorCode.BAD_URL, "credentials in URLs are not allowed; send a header instead")
    return url


def _canonical_ip_host(raw: str) -> str:
    """``raw`` with an IP-literal host in its canonical spelling (``0x7f000001`` -> ``127.0.0.1``).

    Done before ``httpx`` parses the URL (it rejects some spellings, passes others on as
    names), so that Host, logs and the connection all agree on the address that is checked.
    """
    try:
        parts = urlsplit(raw.strip())
        host, port_number = parts.hostname, parts.port
    except ValueError:
        raise NetError(NetErrorCode.BAD_URL, "the URL is not valid") from None
    if not host:
        return raw
    literal = parse_ip_literal(host)
    if literal is None or str(literal) == host:
        return raw
    canonical = f"[{literal}]" if literal.version == 6 else str(literal)
    userinfo = parts.netloc.rpartition("@")[0]
    port = f":{port_number}" if port_number is not None else ""
    netloc = f"{userinfo}@{canonical}{port}" if userinfo else f"{canonical}{port}"
    return urlunsplit(parts._replace(netloc=netloc))
