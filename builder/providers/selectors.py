"""Reads of a workspace's model providers: its own, and the ones the platform brings (the bundled
local model, the operator's) shown read-only beside them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, Max, QuerySet

from builder.core.errors import NotFound
from builder.providers.models import Provider
from runtime.providers.kinds import provider_kinds
from runtime.providers.prices import PriceTable


def providers_of(*, workspace_id: int) -> QuerySet[Provider]:
    return Provider.objects.filter(workspace_id=workspace_id)


def provider_get(*, workspace, provider_id: int) -> Provider:
    provider = providers_of(workspace_id=workspace.pk).filter(pk=provider_id).first()
    if provider is None:
        raise NotFound("There is no such provider in this workspace.")
    return provider


def providers_revision(*, workspace_id: int) -> tuple[int, Any]:
    """Changes whenever a provider of the workspace is added, edited or deleted (caches key on it)."""
    row = providers_of(workspace_id=workspace_id).aggregate(n=Count("id"), at=Max("updated_at"))
    return row["n"], row["at"]


_DEFAULT_PRICES = PriceTable()


def model_rows(provider_name: str, catalog: list[dict[str, Any]], *, free: bool = False) -> list[dict[str, Any]]:
    """Each offered model with the price that applies and where it comes from."""
    rows = []
    for item in catalog:
        if free:
            rows.append({"name": item["name"], "input_per_million": 0.0, "output_per_million": 0.0,
                         "currency": "USD", "price_source": "free"})
        elif "input_per_million" in item:
            rows.append({**item, "price_source": "custom"})
        else:
            price = _DEFAULT_PRICES.price_for(provider_name, item["name"])
            rows.append({"name": item["name"],
                         "input_per_million": price.input_per_million if price else None,
                         "output_per_million": price.output_per_million if price else None,
                         "currency": price.currency if price else "USD",
                         "price_source": "default" if price else "none"})
    return rows


def platform_providers() -> list[dict[str, Any]]:
    """The bundled local provider and the operator's (environment-variable) providers, as rows."""
    from runtime.providers.local_models import DEFAULT_CHAT_MODEL

    rows = [{
        "id": None, "name": "local", "kind": "local", "kind_label": "Bundled local model", "source": "bundled",
        "read_only": True, "base_url": "", "settings": {}, "key_hint": "", "has_key": False,
        "models": model_rows("local", [{"name": DEFAULT_CHAT_MODEL}], free=True),
        "created_at": None, "updated_at": None,
    }]
    for config in settings.LLMOPS_MODEL_PROVIDERS:
        rows.append({
            "id": None, "name": config["name"], "kind": config.get("kind", "openai_compatible"),
            "kind_label": "Configured by the operator", "source": "operator", "read_only": True,
            "base_url": config.get("base_url") or "", "settings": {}, "key_hint": "",
            "has_key": bool(config.get("api_key")),
            "models": model_rows(config["name"], [{"name": m} for m in config.get("models", [])]),
            "created_at": None, "updated_at": None,
        })
    return rows


def provider_row(provider: Provider) -> dict[str, Any]:
    kind = provider_kinds().get(provider.kind)
    return {
        "id": provider.pk, "name": provider.name, "kind": provider.kind,
        "kind_label": kind.label if kind else provider.kind,
        "source": "workspace", "read_only": False, "base_url": provider.base_url, "settings": provider.kind_settings,
        "key_hint": provider.key_hint, "has_key": bool(provider.key_encrypted),
        "models": model_rows(provider.name, provider.catalog),
        "created_at": provider.created_at, "updated_at": provider.updated_at,
    }
