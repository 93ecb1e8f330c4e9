"""The model providers, prices, tools and outbound HTTP client of runs: the process's, built once
from the operator's settings (``LLMOPS_MODEL_PROVIDERS``, ``LLMOPS_HTTP_ALLOWLIST`` …), and per
workspace those plus the providers the workspace added on its Models page (rebuilt when they
change)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings

from builder.core.addresses import address_policy
from builder.providers.crypto import SecretUnreadable
from builder.providers.selectors import providers_of, providers_revision
from builder.providers.services import prices_of, runtime_config
from runtime.net import SafeHttpClient, safe_transport
from runtime.ports import PriceLookup
from runtime.providers.base import ModelProvider
from runtime.providers.local import LocalProvider
from runtime.providers.local_models import ADAPTER_MANIFEST, LocalModelSpec, adapter_spec
from runtime.providers.registry import (
    LOCAL_PROVIDER_NAME,
    default_providers,
    price_table_for,
    provider_from_config,
)
from runtime.tools.defaults import default_tool_registry
from runtime.validation import ModelCatalog

logger = logging.getLogger(__name__)

#: The public endpoint's remote providers get a pool sized for serving traffic: hundreds of
#: concurrent calls queue in a small pool, and httpcore's queue costs CPU quadratic in its length.
#: The editor's providers keep the small default pool (a few debug runs at a time).
SERVING_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=1000, keepalive_expiry=30.0)

#: How long a workspace's providers are used before the database is asked whether they changed.
REVISION_CHECK_SECONDS = 1.0


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity: caches key on it
class Services:
    providers: dict[str, ModelProvider]
    prices: PriceLookup
    http: SafeHttpClient
    tools: Any
    #: Keys these providers call with: what is stored of a run never holds them.
    secrets: tuple[str, ...] = ()


def provider_configs() -> list[dict[str, Any]]:
    """Remote providers configured by the operator (see :func:`builder.config.model_provider_configs`)."""
    return list(settings.LLMOPS_MODEL_PROVIDERS)


@lru_cache(maxsize=1)
def shared_services() -> Services:
    """One set per process: providers hold loaded models and connection pools."""
    policy = address_policy()
    providers = default_providers(provider_configs(), transport_factory=lambda: safe_transport(policy))
    http = SafeHttpClient(policy=policy)
    return Services(providers, price_table_for(providers), http, default_tool_registry(http_client=http),
                    _operator_secrets())


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
    return Services(providers, price_table_for(providers), shared.http, shared.tools, shared.secrets)


def _operator_secrets() -> tuple[str, ...]:
    return tuple(str(c["api_key"]) for c in provider_configs() if c.get("api_key"))


_checked: dict[tuple[int, bool], tuple[float, Services]] = {}


def _tuned_manifests(workspace_id: int) -> tuple[tuple[str, float], ...]:
    """(path, mtime) of each manifest the workspace's fine-tuning jobs left beside their adapters
    in its own folder (:data:`ADAPTER_MANIFEST`): what its tuned models are, and when they changed."""
    root = Path(settings.LLMOPS_FINETUNE_DIR) / f"w{workspace_id}"
    found = []
    for manifest in sorted(root.glob(f"job*/adapter/{ADAPTER_MANIFEST}")):
        try:
            found.append((str(manifest), manifest.stat().st_mtime))
        except OSError:
            continue  # deleted between the listing and now
    return tuple(found)


def _specs_of(manifests: tuple[tuple[str, float], ...]) -> list[LocalModelSpec]:
    specs = (adapter_spec(Path(path).parent) for path, _ in manifests)
    return [spec for spec in specs if spec is not None]


def tuned_models(workspace_id: int) -> list[LocalModelSpec]:
    """The workspace's fine-tuned models (``base+name``)."""
    return _specs_of(_tuned_manifests(workspace_id))


def registered_base_models() -> list[LocalModelSpec]:
    """The Hugging Face model folders the operator registered for fine-tuning
    (``LLMOPS_FINETUNE_BASE_MODELS``): served as local models too, so a tuned model can be
    compared with its base."""
    return [LocalModelSpec(name=name, path=str(folder))
            for name, folder in sorted(settings.LLMOPS_FINETUNE_BASE_MODELS.items())]


def workspace_services(workspace_id: int, *, serving: bool = False) -> Services:
    """The services of a workspace's runs: the process's plus the providers the workspace added
    (their prices, their keys among ``secrets``) and its fine-tuned models. Rebuilt when those
    change; the database and the workspace's adapter folder are looked at most every
    ``REVISION_CHECK_SECONDS``."""
    now = time.monotonic()
    hit = _checked.get((workspace_id, serving))
    if hit is not None and hit[0] > now:
        return hit[1]
    services = _workspace_services(workspace_id, (*providers_revision(workspace_id=workspace_id),
                                                  _tuned_manifests(workspace_id),
                                                  tuple(registered_base_models())), serving)
    if len(_checked) > 4096:
        _checked.clear()
    _checked[(workspace_id, serving)] = (now + REVISION_CHECK_SECONDS, services)
    return services


@lru_cache(maxsize=256)
def _workspace_services(workspace_id: int, revision: tuple[Any, ...], serving: bool) -> Services:
    """``revision``: (providers count, their latest change, the tuned models' manifests, the
    registered base models)."""
    base = serving_services() if serving else shared_services()
    tuned = [*revision[3], *_specs_of(revision[2])]
    if revision[0] == 0 and not tuned:
        return base
    policy = address_policy()
    def transport() -> Any:
        return safe_transport(policy, limits=SERVING_LIMITS) if serving else safe_transport(policy)

    providers, prices, secrets = dict(base.providers), {}, list(base.secrets)
    for provider in providers_of(workspace_id=workspace_id):
        try:
            config = runtime_config(provider)
        except SecretUnreadable:
            logger.error("the key of provider %s (workspace %s) cannot be decrypted: check LLMOPS_ENCRYPTION_KEYS",
                         provider.name, workspace_id)
            continue
        providers[provider.name] = provider_from_config(
            config, transport_factory=transport
        )
        prices.update(prices_of(provider))
        secrets += [str(config["api_key"])] if config.get("api_key") else []
        secrets += [str(v) for v in config["headers"].values()]
    if tuned:
        # The local provider of this workspace: the bundled model, the registered bases and the
        # workspace's own tuned ones (loaded models are shared by all providers: a base is loaded
        # once per process).
        shared_local = providers.get(LOCAL_PROVIDER_NAME)
        if isinstance(shared_local, LocalProvider):
            providers[LOCAL_PROVIDER_NAME] = shared_local.with_models(tuned)
    return Services(providers, price_table_for(providers, prices), base.http, base.tools, tuple(secrets))


def model_catalog(*, workspace_id: int | None = None) -> list[dict[str, str]]:
    """What the editor's model picker offers: the local models, each operator provider's, then
    each of the workspace's providers'."""
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
    if workspace_id is not None:
        catalog += [
            {"provider": LOCAL_PROVIDER_NAME, "model": spec.name, "label": f"{spec.name} (local)", "kind": "chat"}
            for spec in registered_base_models()
        ]
        catalog += [
            {"provider": LOCAL_PROVIDER_NAME, "model": spec.name, "label": f"{spec.name} (local, fine-tuned)",
             "kind": "chat"}
            for spec in tuned_models(workspace_id)
        ]
        catalog += [
            {"provider": p.name, "model": m["name"], "label": f"{m['name']} ({p.name})", "kind": "chat"}
            for p in providers_of(workspace_id=workspace_id) for m in p.catalog
        ]
    return catalog


def available_models(*, workspace_id: int) -> ModelCatalog:
    """What apps of a workspace may call: the models its picker offers (the bundled local models,
    those the operator and the workspace list per provider); remote providers also serve models
    they do not list."""
    return ModelCatalog(
        frozenset((m["provider"], m["model"]) for m in model_catalog(workspace_id=workspace_id)),
        open_providers=frozenset(
            [c["name"] for c in provider_configs() if c.get("kind") != "local"]
            + list(providers_of(workspace_id=workspace_id).values_list("name", flat=True))
        ),
    )

