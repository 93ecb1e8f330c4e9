"""The one address policy of every server-side request a user configures (model providers, HTTP
nodes, embedding endpoints): private addresses are closed, except what the operator opens with
LLMOPS_HTTP_ALLOWLIST (hosts or host:port) and LLMOPS_HTTP_ALLOW_NETWORKS (CIDRs)."""

from __future__ import annotations

from django.conf import settings

from builder.core.errors import InvalidInput
from runtime.net import AddressPolicy, check_url, system_lookup

#: How long saving a configured URL waits for DNS before it accepts a name it could not resolve.
URL_CHECK_DNS_TIMEOUT_S = 2.0


def address_policy() -> AddressPolicy:
    return AddressPolicy.from_lists(
        hosts=settings.LLMOPS_HTTP_ALLOWLIST, networks=settings.LLMOPS_HTTP_ALLOW_NETWORKS
    )


def configured_url_check(url: str, *, field: str) -> None:
    """Refuse a URL that a builder configures (a knowledge base's embedding endpoint, an HTTP
    node's URL, a model provider's base URL ...) when the address policy would block it: 400
    ``url_not_allowed`` whose ``details.field`` names ``field``.

    The host is resolved with a short timeout: a name that resolves to a blocked address is
    refused; a name that does not resolve (or not in time) is accepted, and the check at call
    time, on every connection, still applies to it.
    """
    refusal = check_url(url, address_policy(), lookup=system_lookup(URL_CHECK_DNS_TIMEOUT_S))
    if refusal is None:
        return
    hint = "" if refusal.reason in ("bad_url", "cloud_metadata") else (
        "; an operator can open this host with LLMOPS_HTTP_ALLOWLIST"
    )
    raise InvalidInput(
        f"The URL is not allowed: {refusal.message}{hint}.",
        code="url_not_allowed",
        details={"field": field, "reason": refusal.reason, "host": refusal.host},
    )
