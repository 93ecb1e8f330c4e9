"""The connection guard: resolve, check every address, and connect only to a checked one.

:class:`GuardedNetworkBackend` is an ``httpcore`` network backend, so the check sits at the
single point where a socket is opened: every connection of the pool, whatever URL, redirect
or library (the OpenAI SDK included) asked for it, goes through ``connect_tcp``. Because the
socket is opened to the very address that was checked, a second DNS answer (rebinding) can
never change where the bytes go, while the URL's host keeps driving ``Host`` and TLS SNI and
certificate verification.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Iterable
from typing import Any

import httpcore

from runtime.net.addresses import (
    METADATA_HOSTNAMES,
    AddressPolicy,
    IPAddress,
    blocked_message,
    normalize_host,
    parse_ip_literal,
)
from runtime.net.errors import NetError, NetErrorCode
from runtime.net.resolver import Resolver, SystemResolver


class AddressGuard:
    """Resolves a host and returns only addresses the policy allows, or raises ``ssrf_blocked``.

    A host with *any* blocked address is refused as a whole: a name that mixes public and
    private answers is a rebinding attempt, not a configuration to be helpful about.
    """

    def __init__(self, policy: AddressPolicy | None = None, resolver: Resolver | None = None):
        self.policy = policy or AddressPolicy()
        self.resolver: Resolver = resolver or SystemResolver()

    async def vet(self, host: str, port: int, *, timeout: float | None = None) -> list[IPAddress]:
        """The addresses of ``host`` to connect to, all of them checked against the policy."""
        name = normalize_host(host)
        if name in METADATA_HOSTNAMES:
            raise NetError(NetErrorCode.SSRF_BLOCKED, blocked_message(name, None, "cloud_metadata"))
        host_allowed = self.policy.host_allowed(name, port)
        literal = parse_ip_literal(name)
        if literal is not None:
            addresses: list[IPAddress] = [literal]
        else:
            try:
                raw = await asyncio.wait_for(self.resolver.resolve(name, port), timeout)
            except TimeoutError:
                raise httpcore.ConnectTimeout(f"resolving {name!r} timed out") from None
            addresses = list(_parse_resolved(raw, name))
            if not addresses:
                raise NetError(NetErrorCode.DNS_ERROR, f"host {name!r} has no addresses")
        for address in addresses:
            self.policy.check(address, host=name, host_allowed=host_allowed)
        return addresses


def _parse_resolved(raw: Iterable[str], host: str) -> Iterable[IPAddress]:
    for text in raw:
        try:
            address = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            raise NetError(NetErrorCode.DNS_ERROR, f"resolver returned a non-address for {host!r}") from None
        if address.version == 6 and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        yield address


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """An ``httpcore`` backend that opens TCP connections only to addresses the guard vetted."""

    def __init__(self, guard: AddressGuard, inner: httpcore.AsyncNetworkBackend | None = None):
        self._guard = guard
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._guard.vet(host, port, timeout=timeout)
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise NetError(NetErrorCode.SSRF_BLOCKED, "refused: unix sockets are not reachable")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
