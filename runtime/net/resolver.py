"""Name resolution as a port, so that tests and deployments can inject their own."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from runtime.net.errors import NetError, NetErrorCode


@runtime_checkable
class Resolver(Protocol):
    """Turns a host name into the IP address strings to try, in order."""

    async def resolve(self, host: str, port: int) -> list[str]: ...


class SystemResolver:
    """The operating system's resolver (``getaddrinfo``), run off the event loop."""

    async def resolve(self, host: str, port: int) -> list[str]:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError) as exc:
            raise NetError(NetErrorCode.DNS_ERROR, f"cannot resolve host {host!r}") from exc
        seen: dict[str, None] = {}
        for *_, sockaddr in infos:
            seen.setdefault(str(sockaddr[0]), None)
        return list(seen)


class StaticResolver:
    """A fixed table of names, optionally falling back to another resolver.

    Useful in tests (a name that resolves to ``10.0.0.1``) and for pinned deployments.
    """

    def __init__(self, table: Mapping[str, Sequence[str]], fallback: Resolver | None = None):
        self._table = {name.lower().rstrip("."): list(addresses) for name, addresses in table.items()}
        self._fallback = fallback

    async def resolve(self, host: str, port: int) -> list[str]:
        found = self._table.get(host.lower().rstrip("."))
        if found is not None:
            return list(found)
        if self._fallback is not None:
            return await self._fallback.resolve(host, port)
        raise NetError(NetErrorCode.DNS_ERROR, f"cannot resolve host {host!r}")
