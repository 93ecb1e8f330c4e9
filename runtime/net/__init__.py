"""Outbound HTTP for the whole platform: one client, SSRF-safe, size- and time-capped.

Every server-side request (HTTP nodes, web-fetch tools, model APIs configured by users)
goes through :class:`SafeHttpClient` or, for libraries that take an ``httpx`` client,
through :func:`safe_transport`.
"""

from runtime.net.addresses import AddressPolicy, blocked_reason, normalize_host, parse_ip_literal
from runtime.net.client import NetLimits, NetResponse, SafeHttpClient
from runtime.net.errors import NetError, NetErrorCode
from runtime.net.guard import AddressGuard
from runtime.net.resolver import Resolver, StaticResolver, SystemResolver
from runtime.net.secrets import (
    HeaderValue,
    MappingSecretResolver,
    SecretRef,
    SecretResolver,
    split_secret_references,
)
from runtime.net.transport import SafeTransport, safe_transport

__all__ = [
    "AddressGuard",
    "AddressPolicy",
    "HeaderValue",
    "MappingSecretResolver",
    "NetError",
    "NetErrorCode",
    "NetLimits",
    "NetResponse",
    "Resolver",
    "SafeHttpClient",
    "SafeTransport",
    "SecretRef",
    "SecretResolver",
    "StaticResolver",
    "SystemResolver",
    "blocked_reason",
    "normalize_host",
    "parse_ip_literal",
    "safe_transport",
    "split_secret_references",
]
