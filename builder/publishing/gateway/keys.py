"""API keys at the gate: Bearer parsing, a short cache of key lookups (a revoked key stops
working within ``KEY_CACHE_SECONDS``; at once in the process that revoked it) and per-key rate
limits, counted across every worker (:mod:`.limits`)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from builder.publishing.errors import NotAuthenticated, WrongScope
from builder.publishing.gateway.db import FreshCache
from builder.publishing.gateway.limits import check_rate
from builder.publishing.models import ApiKeyScope
from builder.publishing.selectors import active_key_by_hash
from builder.publishing.services import KEY_PREFIX, key_hash

KEY_CACHE_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """Who calls: an API key, or — for the web chat, which has no key — ``id`` None."""

    id: int | None
    prefix: str
    workspace_id: int
    app_id: int | None
    rate_limit_per_minute: int | None

    def allows_app(self, app_id: int) -> bool:
        return self.app_id is None or self.app_id == app_id

    def check_app(self, app_id: int) -> None:
        if not self.allows_app(app_id):
            raise WrongScope("This API key may only call another app.")


def _lookup(secret_hash: str) -> KeyInfo | None:
    row = active_key_by_hash(secret_hash=secret_hash)
    if row is None:
        return None
    app_id = row["app_id"] if row["scope"] == ApiKeyScope.APP else None
    return KeyInfo(row["id"], row["prefix"], row["workspace_id"], app_id, row["rate_limit_per_minute"])


class KeyGate:
    def __init__(self) -> None:
        self._keys = FreshCache(KEY_CACHE_SECONDS)
        self.used: dict[int, float] = {}  # key id -> last use (wall clock), drained by the writer

    async def authenticate(self, authorization: str | None) -> KeyInfo:
        if not authorization:
            raise NotAuthenticated("Send an API key: 'Authorization: Bearer lsk_...'.", code="missing_api_key")
        scheme, _, raw = authorization.partition(" ")
        raw = raw.strip()
        if scheme.lower() != "bearer" or not raw.startswith(KEY_PREFIX):
            raise NotAuthenticated("The Authorization header must be 'Bearer lsk_...'.")
        digest = key_hash(raw)
        info = await self._keys.get(digest, _lookup, digest)
        if info is None:
            raise NotAuthenticated("This API key is not valid or has been revoked.")
        if info.rate_limit_per_minute:
            await check_rate(f"key:{info.id}", info.rate_limit_per_minute)
        self.used[info.id] = time.time()
        return info
