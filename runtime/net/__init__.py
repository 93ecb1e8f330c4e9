"""Outbound HTTP for the whole platform: one client, SSRF-safe, size- and time-capped.

Every server-side request (HTTP nodes, web-fetch tools, model APIs configured by users)
goes through :class:`SafeHttpClient` or, for libraries that take an ``httpx`` client,
through :func:`safe_transport`. Where a builder configures a URL, :func:`check_url` applies the
same :class:`AddressPolicy` when it is saved.
"""

from runtime.net.addresses import (
    AddressPolicy,
    blocked_message,
    blocked_reason,
    is_local_name,
    normalize_host,
    parse_ip_literal,
)
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
from runtime.net.urls import HostLookup, UrlRefusal, check_url, checked_url, system_lookup

__all__ = [
    "AddressGuard",
    "AddressPolicy",
    "HeaderValue",
    "HostLookup",
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
    "UrlRefusal",
    "blocked_message",
    "blocked_reason",
    "check_url",
    "checked_url",
    "is_local_name",
    "normalize_host",
    "parse_ip_literal",
    "safe_transport",
    "split_secret_references",
    "system_lookup",
]
