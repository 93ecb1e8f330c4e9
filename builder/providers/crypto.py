"""Secrets at rest: Fernet (AES-128-CBC + HMAC-SHA256) under the operator's keys
(LLMOPS_ENCRYPTION_KEYS, see :func:`builder.config.encryption_keys`): the first key encrypts,
every key decrypts, :func:`rotated` re-encrypts a token with the first."""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretUnreadable(Exception):
    """A stored secret that none of the configured keys decrypts (a key was dropped too early)."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.LLMOPS_ENCRYPTION_KEYS))


def encrypt(secret: str) -> str:
    return _current().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable("a stored secret cannot be decrypted with the configured keys") from None


def rotated(token: str) -> str:
    try:
        return _current().rotate(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable("a stored secret cannot be decrypted with the configured keys") from None


def hint(secret: str) -> str:
    """What the UI may show of a key: its last four characters."""
    return f"…{secret[-4:]}" if len(secret) >= 8 else "…"
