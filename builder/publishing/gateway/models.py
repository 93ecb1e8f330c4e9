"""The model providers of the public endpoint: the platform's, except that remote
(OpenAI-compatible) providers get a connection pool sized for serving traffic. The editor's
providers keep a small pool (a few debug runs at a time); hundreds of concurrent API calls queue
in a small pool, and httpcore's queue costs CPU quadratic in its length."""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Any

import httpx

from builder.runs.context import address_policy, execution_context, provider_configs, shared_services
from runtime import ExecutionContext
from runtime.net import safe_transport
from runtime.providers.registry import price_table_for, provider_from_config

SERVING_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=1000, keepalive_expiry=30.0)


@lru_cache(maxsize=1)
def _serving_providers() -> tuple[dict[str, Any], Any]:
    policy = address_policy()
    providers = dict(shared_services()[0])
    for config in provider_configs():
        providers[config["name"]] = provider_from_config(
            config, transport_factory=lambda: safe_transport(policy, limits=SERVING_LIMITS)
        )
    return providers, price_table_for(providers)


def serving_context(*, workspace) -> ExecutionContext:
    providers, prices = _serving_providers()
    return dataclasses.replace(execution_context(workspace=workspace), providers=providers, prices=prices)
