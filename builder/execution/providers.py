"""The model providers, prices, tools and outbound HTTP client of this process, built once from
the operator's settings (``LLMOPS_MODEL_PROVIDERS``, ``LLMOPS_HTTP_ALLOWLIST`` …)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httpx
from django.conf import settings

from builder.core.errors import InvalidInput
from runtime.net import AddressPolicy, SafeHttpClient, check_url, safe_transport, system_lookup
from runtime.ports import PriceLookup
from runtime.providers.base import ModelProvider
from runtime.providers.registry import default_providers, price_table_for, provider_from_config
from runtime.tools.defaults import default_tool_registry

#: The public endpoint's remote providers get a pool sized for serving traffic: hundreds of
#: concurrent calls queue in a small pool, and httpcore's queue costs CPU quadratic in its length.
#: The editor's providers keep the small default pool (a few debug runs at a time).
SERVING_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=1000, keepalive_expiry=30.0)

#: How long saving a configured URL waits for DNS before it accepts a name it could not resolve.
URL_CHECK_DNS_TIMEOUT_S = 2.0


@dataclass(frozen=True, slots=True)
class Services:
    providers: dict[str, ModelProvider]
    prices: PriceLookup
    http: SafeHttpClient
    tools: Any


def address_policy() -> AddressPolicy:
    """Private addresses are closed to every server-side request, except what the operator opens
    with LLMOPS_HTTP_ALLOWLIST (hosts or host:port) and LLMOPS_HTTP_ALLOW_NETWORKS (CIDRs)."""
    return AddressPolicy.from_lists(
        hosts=settings.LLMOPS_HTTP_ALLOWLIST, networks=settings.LLMOPS_HTTP_ALLOW_NETWORKS
    )


def configured_url_check(url: str, *, field: str) -> None:
    """Refuse a URL that a builder configures (a knowledge base's embedding endpoint, an HTTP
    node's URL ...) when the address policy would block it: 400 ``url_not_allowed`` whose
    ``details.field`` names ``field``.

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


def provider_configs() -> list[dict[str, Any]]:
    """Remote providers configured by the operator (see :func:`builder.config.model_provider_configs`)."""
    return list(settings.LLMOPS_MODEL_PROVIDERS)


@lru_cache(maxsize=1)
def shared_services() -> Services:
    """One set per process: providers hold loaded models and connection pools."""
    policy = address_policy()
    providers = default_providers(provider_configs(), transport_factory=lambda: safe_transport(policy))
    http = SafeHttpClient(policy=policy)
    return Services(providers, price_table_for(providers), http, default_tool_registry(http_client=http))


@lru_cache(maxsize=1)
def serving_services() -> Services:
    """The shared services, with remote providers pooled for the public endpoint's traffic."""
    shared = shared_services()
    policy = address_policy()
    providers = dict(shared.providers)
    for config in provider_configs():
        providers[config["name"]] = provider_from_config(
            config, transport_factory=lambda: safe_transport(policy, limits=SERVING_LIMITS)
        )
    return Services(providers, price_table_for(providers), shared.http, shared.tools)


def model_catalog() -> list[dict[str, str]]:
    """What the editor's model picker offers: the local models, then each configured provider's."""
    catalog = [
        {"provider": name, "model": model, "label": f"{model} ({name})", "kind": "chat"}
        for name, provider in shared_services().providers.items()
        if callable(getattr(provider, "model_names", None))
        for model in provider.model_names()  # type: ignore[attr-defined]  # checked just above
    ]
    for config in provider_configs():
        catalog += [
            {"provider": config["name"], "model": m, "label": f"{m} ({config['name']})", "kind": "chat"}
            for m in config["models"]
        ]
    return catalog
