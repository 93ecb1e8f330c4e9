"""The services a run gets from the platform: model providers (the local model plus the
operator's configured ones), prices, tools, the SSRF-safe HTTP client, and the retriever."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

from django.conf import settings

from builder.core.redaction import Redactor
from runtime import ExecutionContext
from runtime.net import AddressPolicy, SafeHttpClient, safe_transport
from runtime.providers.registry import default_providers, price_table_for
from runtime.tools.defaults import default_tool_registry


def address_policy() -> AddressPolicy:
    """Private addresses are closed to every server-side request, except what the operator opens
    with LLMOPS_HTTP_ALLOWLIST (hosts or host:port) and LLMOPS_HTTP_ALLOW_NETWORKS (CIDRs)."""
    return AddressPolicy.from_lists(
        hosts=settings.LLMOPS_HTTP_ALLOWLIST, networks=settings.LLMOPS_HTTP_ALLOW_NETWORKS
    )


def provider_configs() -> list[dict[str, Any]]:
    """Remote providers configured by the operator. One OpenAI-compatible endpoint can come from
    LLMOPS_OPENAI_BASE_URL / LLMOPS_OPENAI_API_KEY (named LLMOPS_OPENAI_PROVIDER_NAME, default 'openai')."""
    base_url = os.environ.get("LLMOPS_OPENAI_BASE_URL")
    if not base_url:
        return []
    return [
        {
            "kind": "openai_compatible",
            "name": os.environ.get("LLMOPS_OPENAI_PROVIDER_NAME", "openai"),
            "base_url": base_url,
            "api_key": os.environ.get("LLMOPS_OPENAI_API_KEY") or None,
            "models": [m.strip() for m in os.environ.get("LLMOPS_OPENAI_MODELS", "").split(",") if m.strip()],
        }
    ]


@lru_cache(maxsize=1)
def shared_services() -> tuple[dict[str, Any], Any, Any, Any]:
    """Providers, prices, HTTP client and tools of this process (providers hold loaded models and
    connection pools: one set per process)."""
    policy = address_policy()
    providers = default_providers(provider_configs(), transport_factory=lambda: safe_transport(policy))
    http = SafeHttpClient(policy=policy)
    return providers, price_table_for(providers), http, default_tool_registry(http_client=http)


@lru_cache(maxsize=1)
def stored_data_redactor() -> Redactor:
    """Masks secrets in what a run stores (inputs, outputs, traces, events): credential-looking
    names and text, and the provider keys this process was given."""
    return Redactor(known=[config["api_key"] for config in provider_configs() if config.get("api_key")])


def execution_context(*, workspace) -> ExecutionContext:
    providers, prices, http, tools = shared_services()
    return ExecutionContext(
        providers=providers, prices=prices, http=http, tools=tools, retriever=_retriever(workspace),
        extras={"workspace_id": workspace.pk},
    )


def _retriever(workspace):
    """The workspace's knowledge bases, when that domain is installed."""
    try:
        from builder.knowledge.retriever import workspace_retriever
    except ImportError:
        return None
    return workspace_retriever(workspace=workspace)


def model_catalog() -> list[dict[str, str]]:
    """What the editor's model picker offers: the local models, then each configured provider's."""
    providers, *_ = shared_services()
    catalog = [
        {"provider": name, "model": model, "label": f"{model} ({name})", "kind": "chat"}
        for name, provider in providers.items()
        if callable(getattr(provider, "model_names", None))
        for model in provider.model_names()
    ]
    for config in provider_configs():
        catalog += [
            {"provider": config["name"], "model": m, "label": f"{m} ({config['name']})", "kind": "chat"}
            for m in config["models"]
        ]
    return catalog
