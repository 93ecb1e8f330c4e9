"""Writes of a workspace's model providers (add, edit, delete: the key encrypted, the base URL
checked against the address policy), the connection test, and the provider configs the
workspace's runs are built from (keys decrypted there and nowhere else)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from builder.core.addresses import address_policy, configured_url_check
from builder.core.errors import Conflict, InvalidInput
from builder.providers import crypto
from builder.providers.models import Provider
from runtime.net import NetError, SafeHttpClient
from runtime.providers.kinds import KindError, ProviderKind, provider_kind

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")
RESERVED_NAMES = frozenset({"local"})
MAX_MODELS = 500
CURRENCY = re.compile(r"^[A-Z]{3}$")
PROBE_TIMEOUT_S = 15.0


def _clean_name(workspace, name: str, *, exclude: int | None = None) -> str:
    name = name.strip()
    if not NAME_PATTERN.match(name):
        raise InvalidInput("A provider's name is 1–50 lower-case letters, digits, '-' or '_' (apps name it).",
                           code="provider_name_invalid", details={"field": "name"})
    operator = {str(c.get("name")) for c in settings.LLMOPS_MODEL_PROVIDERS}
    if name in RESERVED_NAMES or name in operator:
        raise InvalidInput(f"The name {name!r} is taken by a provider the platform brings; choose another.",
                           code="provider_name_reserved", details={"field": "name"})
    if Provider.objects.filter(workspace=workspace, name=name).exclude(pk=exclude).exists():
        raise Conflict(f"This workspace has a provider named {name!r} already.", code="provider_name_taken",
                       details={"field": "name"})
    return name


def _clean_catalog(models: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The offered models, each with its price or none (then the default table prices it)."""
    if len(models) > MAX_MODELS:
        raise InvalidInput(f"At most {MAX_MODELS} models per provider.", code="models_invalid",
                           details={"field": "models"})
    cleaned: dict[str, dict[str, Any]] = {}
    for i, item in enumerate(models):
        name = str(item.get("name") or "").strip()
        if not name or len(name) > 200:
            raise InvalidInput("Each model has a name of up to 200 characters.", code="models_invalid",
                               details={"field": f"models.{i}.name"})
        entry: dict[str, Any] = {"name": name}
        prices = [item.get("input_per_million"), item.get("output_per_million")]
        if any(p is not None for p in prices):
            if not all(isinstance(p, int | float) and not isinstance(p, bool) and 0 <= p <= 1_000_000
                       for p in prices):
                raise InvalidInput("A price gives both input and output per million tokens, 0 or more.",
                                   code="models_invalid", details={"field": f"models.{i}"})
            currency = str(item.get("currency") or "USD").upper()
            if not CURRENCY.match(currency):
                raise InvalidInput("A currency is a three-letter code (USD, EUR …).", code="models_invalid",
                                   details={"field": f"models.{i}.currency"})
            entry.update(input_per_million=float(prices[0]), output_per_million=float(prices[1]), currency=currency)
        cleaned[name] = entry
    return list(cleaned.values())


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where and how a provider is called: its kind, base URL and key (in memory only)."""

    kind: ProviderKind
    base_url: str
    key: str = field(repr=False, default="")

    def headers(self) -> dict[str, str]:
        return self.kind.auth_headers(self.key or None)


def endpoint_of(*, kind: str, kind_settings: dict[str, Any], api_key: str = "") -> Endpoint:
    """The endpoint a form describes: 400 for an unknown kind, a missing field or a URL the
    address policy blocks (``url_not_allowed``)."""
    try:
        provider = provider_kind(kind)
        base_url = provider.url(kind_settings)
    except KindError as exc:
        raise InvalidInput(str(exc), code="provider_invalid", details={"field": exc.field}) from None
    field_name = "settings.base_url" if "base_url" in kind_settings else "base_url"
    configured_url_check(base_url, field=field_name)
    return Endpoint(provider, base_url, api_key)


@transaction.atomic
def provider_create(*, workspace, user, name: str, kind: str, kind_settings: dict[str, Any] | None = None,
                    api_key: str = "", models: list[dict[str, Any]] | None = None) -> Provider:
    name = _clean_name(workspace, name)
    endpoint = endpoint_of(kind=kind, kind_settings=kind_settings or {}, api_key=api_key)
    if endpoint.kind.key_required and not api_key:
        raise InvalidInput(f"{endpoint.kind.label} needs an API key.", code="key_required",
                           details={"field": "api_key"})
    provider = Provider(
        workspace=workspace, name=name, kind=kind, kind_settings=dict(kind_settings or {}),
        base_url=endpoint.base_url, catalog=_clean_catalog(models if models is not None else [
            {"name": m} for m in endpoint.kind.models]), created_by=user,
    )
    _set_key(provider, api_key)
    try:
        with transaction.atomic():
            provider.save()
    except IntegrityError:
        raise Conflict(f"This workspace has a provider named {provider.name!r} already.",
                       code="provider_name_taken", details={"field": "name"}) from None
    return provider


@transaction.atomic
def provider_update(*, provider: Provider, name: str | None = None, kind_settings: dict[str, Any] | None = None,
                    api_key: str | None = None, models: list[dict[str, Any]] | None = None) -> Provider:
    """Change what is given; ``api_key``: None keeps the key, "" clears it, a value replaces it."""
    if name is not None:
        provider.name = _clean_name(provider.workspace, name, exclude=provider.pk)
    if kind_settings is not None:
        provider.base_url = endpoint_of(kind=provider.kind, kind_settings=kind_settings).base_url
        provider.kind_settings = dict(kind_settings)
    if api_key is not None:
        _set_key(provider, api_key)
    if models is not None:
        provider.catalog = _clean_catalog(models)
    provider.save()
    return provider


def provider_delete(*, provider: Provider) -> None:
    """Remove a provider: apps that name it then say model_not_configured (published versions
    fail their calls until it is back)."""
    provider.delete()


def _set_key(provider: Provider, api_key: str) -> None:
    api_key = api_key.strip()
    provider.key_encrypted = crypto.encrypt(api_key) if api_key else ""
    provider.key_hint = crypto.hint(api_key) if api_key else ""


def provider_key(provider: Provider) -> str:
    return crypto.decrypt(provider.key_encrypted) if provider.key_encrypted else ""


def runtime_config(provider: Provider) -> dict[str, Any]:
    """The provider as the runtime builds it (:func:`runtime.providers.registry.provider_from_config`),
    its key decrypted — for the workspace's runs, never for an answer or a log."""
    kind = provider_kind(provider.kind)
    key = provider_key(provider)
    bearer = kind.auth_header.lower() == "authorization" and kind.auth_value == "Bearer {key}"
    return {
        "kind": "openai_compatible", "name": provider.name, "base_url": provider.base_url,
        "api_key": key if (bearer and key) else None,
        "headers": {} if bearer else kind.auth_headers(key or None),
        "models": [m["name"] for m in provider.catalog],
    }


def prices_of(provider: Provider) -> dict[str, dict[str, Any]]:
    """Its custom prices, keyed ``provider/model`` as the price table takes them."""
    return {
        f"{provider.name}/{m['name']}": {"input": m["input_per_million"], "output": m["output_per_million"],
                                         "currency": m.get("currency", "USD")}
        for m in provider.catalog if "input_per_million" in m
    }


# --- connection test -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ConnectionReport:
    ok: bool
    code: str | None
    message: str
    latency_ms: float
    models: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "code": self.code, "message": self.message, "latency_ms": self.latency_ms,
                "models": self.models}


def connection_test(endpoint: Endpoint, *, model: str | None = None) -> ConnectionReport:
    """List the provider's models with its key — or, for a provider that lists none, ask
    ``model`` for a 1-token completion: success (with the list), or what failed —
    ``auth_failed``, ``quota_exceeded``, ``rate_limited``, ``not_found``, ``unreachable``,
    ``url_not_allowed``, ``timeout``, ``bad_response``."""
    return asyncio.run(_probe(endpoint, model))


async def _probe(endpoint: Endpoint, model: str | None) -> ConnectionReport:
    started = time.perf_counter()
    url = endpoint.base_url + endpoint.kind.models_path

    def report(ok: bool, code: str | None, message: str, models: list[str] | None = None) -> ConnectionReport:
        return ConnectionReport(ok, code, message, round((time.perf_counter() - started) * 1000, 1), models or [])

    async with SafeHttpClient(policy=address_policy()) as client:
        try:
            response = await client.get(url, headers=endpoint.headers(), timeout_s=PROBE_TIMEOUT_S)
            if response.status == 404 and model:
                url = endpoint.base_url + "/chat/completions"
                response = await client.request(
                    "POST", url, headers=endpoint.headers(), timeout_s=PROBE_TIMEOUT_S,
                    json={"model": model, "messages": [{"role": "user", "content": "ping"}], "max_tokens": 1},
                )
                if response.status < 400:
                    return report(True, None, f"Connected: the provider lists no models, and {model} answered "
                                              "a 1-token completion.", [])
        except NetError as exc:
            code = {"ssrf_blocked": "url_not_allowed", "bad_url": "url_not_allowed", "timeout": "timeout"}.get(
                str(exc.code), "unreachable")
            return report(False, code, _net_message(code, exc.message))
    if response.status in (401, 403):
        return report(False, "auth_failed", f"The provider refused the key (HTTP {response.status}).")
    if response.status == 402 or (response.status == 429 and b"insufficient_quota" in response.body):
        return report(False, "quota_exceeded", "The provider says the account has no quota or credit left.")
    if response.status == 429:
        return report(False, "rate_limited", "The provider is rate limiting this key; try again in a moment.")
    if response.status == 404:
        return report(False, "not_found", f"{url} does not exist: check the base URL (it usually ends in /v1).")
    if response.status >= 400:
        return report(False, "bad_response", f"The provider answered HTTP {response.status}.")
    try:
        data = json.loads(response.body)
        models = sorted({str(m["id"]) for m in data["data"]})
    except (ValueError, KeyError, TypeError):
        return report(False, "bad_response", "The provider's model list is not in the OpenAI format.")
    return report(True, None, f"Connected: {len(models)} model{'s' if len(models) != 1 else ''} available.", models)


def _net_message(code: str, detail: str) -> str:
    if code == "url_not_allowed":
        return (f"The address is blocked: {detail}. An operator can open a private host with "
                "LLMOPS_HTTP_ALLOWLIST.")
    if code == "timeout":
        return f"The provider did not answer within {PROBE_TIMEOUT_S:g} s."
    return f"The provider cannot be reached: {detail}."
