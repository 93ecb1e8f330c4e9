"""Secrets referenced by name (``{{ secrets.NAME }}``) and resolved at the last moment.

Graph configs never hold secret values, only references; the builder supplies a
:class:`SecretResolver` backed by its store. Resolved values are tracked so that error
messages can be scrubbed of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from runtime.net.errors import NetError, NetErrorCode

SECRET_REFERENCE = re.compile(r"\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_REDACTED = "***"


@runtime_checkable
class SecretResolver(Protocol):
    """Looks a secret up by name; raises ``KeyError`` when there is none."""

    def get(self, name: str) -> str: ...


class MappingSecretResolver:
    """Secrets from a plain mapping (tests, CLI, environment). Never shows values in ``repr``."""

    def __init__(self, values: Mapping[str, str]):
        self._values = dict(values)

    def get(self, name: str) -> str:
        return self._values[name]

    def __repr__(self) -> str:
        return f"MappingSecretResolver(names={sorted(self._values)!r})"


@dataclass(frozen=True, slots=True)
class SecretRef:
    """A reference to a secret by name, resolved by the client just before sending."""

    name: str


#: A header value: a config string (``{{ secrets.NAME }}`` references are resolved in it), or
#: a sequence of literal text parts and :class:`SecretRef` parts (text is never scanned, so
#: rendered user data cannot smuggle a reference in).
HeaderValue = str | Sequence[str | SecretRef]


def split_secret_references(text: str) -> list[str | SecretRef]:
    """``"Bearer {{ secrets.KEY }}"`` -> ``["Bearer ", SecretRef("KEY")]`` (empty text dropped)."""
    parts: list[str | SecretRef] = []
    for index, piece in enumerate(SECRET_REFERENCE.split(text)):
        if index % 2:
            parts.append(SecretRef(piece))
        elif piece:
            parts.append(piece)
    return parts


def has_secret_reference(text: str) -> bool:
    """True when ``text`` contains a ``{{ secrets.NAME }}`` reference."""
    return SECRET_REFERENCE.search(text) is not None


def resolve_header_value(
    value: HeaderValue, resolver: SecretResolver | None, used: set[str]
) -> tuple[str, bool]:
    """The final text of a header value and whether it carried a secret.

    Resolved values are added to ``used`` (for scrubbing). Raises ``secret_missing``
    (naming the secret, never a value) when a reference cannot be resolved.
    """
    parts = split_secret_references(value) if isinstance(value, str) else list(value)
    text: list[str] = []
    secret = False
    for part in parts:
        if isinstance(part, SecretRef):
            text.append(_lookup(part.name, resolver, used))
            secret = True
        else:
            text.append(part)
    return "".join(text), secret


def _lookup(name: str, resolver: SecretResolver | None, used: set[str]) -> str:
    if resolver is None:
        raise NetError(
            NetErrorCode.SECRET_MISSING, f"secret {name!r} is referenced but no secret store is set"
        )
    try:
        value = resolver.get(name)
    except LookupError:
        raise NetError(NetErrorCode.SECRET_MISSING, f"secret {name!r} is not defined") from None
    if not isinstance(value, str):
        raise NetError(NetErrorCode.SECRET_MISSING, f"secret {name!r} is not defined")
    used.add(value)
    return value


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with each non-empty secret value replaced by ``***``."""
    for value in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(value, _REDACTED)
    return text
