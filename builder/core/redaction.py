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
# A cheap first look (plain substring tests on the lower-cased text, much faster than a regex):
# most text contains none of these and is returned as it is.
_MARKERS = (
    "private key", "authorization", "bearer", "token", "api", "passw", "secret", "access", "@", "sk-",
    "lsk_", "llm_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xox", "akia", "eyj",
)


def _known_values(known: Iterable[str]) -> tuple[str, ...]:
    """The secret values worth looking for, longest first (a value inside another is masked after it)."""
    return tuple(sorted({k for k in known if k and len(k) >= 4}, key=len, reverse=True))


def redact_text(text: str, known: Iterable[str] = ()) -> str:
    """``text`` with every credential-looking part and every ``known`` secret value masked."""
    return _redact(text, _known_values(known))


def _redact(text: str, known: tuple[str, ...]) -> str:
    for value in known:
        if value in text:
            text = text.replace(value, REDACTED)
    lowered = text.lower()
    if not any(marker in lowered for marker in _MARKERS):
        return text
    for pattern, replacement in _TEXT_RULES:
        text = pattern.sub(replacement, text)
    return text


class Redactor:
    """Redacts JSON-like data (dicts, lists, strings) for storage; returns a new structure where
    something changed and the same object where nothing did."""

    __slots__ = ("_done", "_known")
    _MEMO_ENTRIES = 4096  # a run's text recurs (node outputs, events, the run's outputs): redact it once
    _MEMO_LENGTH = 4096

    def __init__(self, known: Iterable[str] = ()):
        self._known = _known_values(known)
        self._done: dict[str, str] = {}

    def __call__(self, value: Any) -> Any:
        kind = type(value)
        if kind is str:
            return self._text(value)
        if kind is dict:
            return self._dict(value)
        if kind is list or kind is tuple:
            return self._list(value)
        return value

    def _dict(self, value: dict) -> dict:
        out = None
        for name, item in value.items():
            kind = type(item)
            if _is_credential(name, item):
                new = REDACTED
            elif kind is str:
                new = self._text(item)
            elif kind is dict:
                new = self._dict(item)
            elif kind is list or kind is tuple:
                new = self._list(item)
            else:
                continue
            if new is not item:
                if out is None:
                    out = dict(value)
                out[name] = new
        return value if out is None else out

    def _list(self, value: list | tuple) -> list | tuple:
        items = [self(item) for item in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items

    def _text(self, text: str) -> str:
        done = self._done.get(text)
        if done is None:
            done = _redact(text, self._known)
            if done == text:
                done = text
            if len(text) <= self._MEMO_LENGTH:
                if len(self._done) >= self._MEMO_ENTRIES:
                    self._done.clear()
                self._done[text] = done
        return done


_credential_names: dict[str, bool] = {}  # names recur (node_id, outputs, …): decide each once


def _is_credential(name: Any, value: Any) -> bool:
    if value is None or value == "" or value is True or value is False or value == REDACTED:
        return False
    verdict = _credential_names.get(name)
    if verdict is None:
        verdict = isinstance(name, str) and _CREDENTIAL_NAME.match(name) is not None
        if len(_credential_names) < 10_000:
            _credential_names[name] = verdict
    return verdict
