"""Keeps secrets out of what the platform writes down: log lines, and the inputs, outputs,
traces and events of stored runs.

Three rules: values under a credential-like name (``password``, ``api_key``, ``authorization``,
…) are replaced whole; text that looks like a credential (bearer tokens, provider and platform
keys, JWTs, private keys, passwords in URLs, ``secret=…`` pairs) is masked where it stands; and
values the platform knows to be secret (e.g. the configured provider key) are masked wherever
they appear. What is kept visible is at most a kind prefix (``sk-``, ``Bearer``), never a
character of the secret itself."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

REDACTED = "[redacted]"

_CREDENTIAL_NAME = re.compile(
    r"(?i)^(?:.*[_\-.])?(?:password|passwd|passphrase|pwd|secret|client[_-]?secret|api[_-]?key|apikey"
    r"|access[_-]?key|secret[_-]?key|private[_-]?key|access[_-]?token|refresh[_-]?token|id[_-]?token"
    r"|auth[_-]?token|session[_-]?id|token|authorization|proxy[_-]?authorization|cookie|set[_-]?cookie"
    r"|credentials?)$"
)

# (pattern, replacement): group 1, when present, is the visible part kept in front. The rules
# look for credentials in their usual shapes only, so that ordinary prose ("each token is …",
# "basic settings") stays as it was.
_TEXT_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)", re.S), REDACTED),
    (re.compile(r"(?i)\b((?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?(?:bearer\s+|basic\s+|token\s+)?)"
                r"(?!\[redacted\])[^\s'\",}]+"), rf"\1{REDACTED}"),
    (re.compile(r"(?i)\b(bearer\s+)(?!\[redacted\])[A-Za-z0-9._~+/=\-]{16,}"), rf"\1{REDACTED}"),
    (re.compile(r"(?i)\b((?:api[_-]?key|password|passwd|secret|client[_-]?secret|access[_-]?key)[\"']?\s*[:=]\s*[\"']?)"
                r"(?!\[redacted\])[^\s'\",}&]+"), rf"\1{REDACTED}"),
    (re.compile(r"(?i)\b((?:access[_-]?|auth[_-]?|refresh[_-]?|id[_-]?)?token[\"']?\s*[:=]\s*[\"']?)"
                r"(?!\[redacted\])[^\s'\",}&]{8,}"), rf"\1{REDACTED}"),
    (re.compile(r"\b([a-z][a-z0-9+.\-]*://[^:/@\s]+:)[^@\s/]+(@)"), rf"\1{REDACTED}\2"),
    (re.compile(r"\b(sk-)[A-Za-z0-9_\-]{16,}"), rf"\1{REDACTED}"),
    (re.compile(r"\b(lsk_|llm_)[A-Za-z0-9_\-]{12,}"), rf"\1{REDACTED}"),
    (re.compile(r"\b(gh[pousr]_)[A-Za-z0-9]{20,}"), rf"\1{REDACTED}"),
    (re.compile(r"\b(xox[abprs]-)[A-Za-z0-9\-]{10,}"), rf"\1{REDACTED}"),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), REDACTED),
    (re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"), REDACTED),
]
# A cheap first look: most text contains none of these, and is returned as it is.
_MAYBE = re.compile(
    r"(?i)PRIVATE KEY|authorization|bearer|token|api[_-]?key|password|passwd|secret|access[_-]?key"
    r"|://[^/\s]*@|sk-|lsk_|llm_|gh[pousr]_|xox[abprs]-|AKIA|eyJ"
)


def redact_text(text: str, known: Iterable[str] = ()) -> str:
    """``text`` with every credential-looking part and every ``known`` secret value masked."""
    for value in sorted((k for k in known if k and len(k) >= 4), key=len, reverse=True):
        if value in text:
            text = text.replace(value, REDACTED)
    if _MAYBE.search(text) is None:
        return text
    for pattern, replacement in _TEXT_RULES:
        text = pattern.sub(replacement, text)
    return text


class Redactor:
    """Redacts JSON-like data (dicts, lists, strings) for storage; returns a new structure where
    something changed and the same object where nothing did."""

    __slots__ = ("_known",)

    def __init__(self, known: Iterable[str] = ()):
        self._known = tuple(sorted({k for k in known if k and len(k) >= 4}, key=len, reverse=True))

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str):
            return redact_text(value, self._known)
        if isinstance(value, dict):
            out = None
            for name, item in value.items():
                if isinstance(name, str) and _is_credential(name, item):
                    new = REDACTED
                else:
                    new = self(item)
                if new is not item:
                    if out is None:
                        out = dict(value)
                    out[name] = new
            return value if out is None else out
        if isinstance(value, (list, tuple)):
            items = [self(item) for item in value]
            return value if all(a is b for a, b in zip(items, value, strict=True)) else items
        return value


def _is_credential(name: str, value: Any) -> bool:
    return (
        value not in (None, "", REDACTED) and not isinstance(value, bool)
        and _CREDENTIAL_NAME.match(name) is not None
    )
