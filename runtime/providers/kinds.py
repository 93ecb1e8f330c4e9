"""The kinds of model provider a workspace can add, read from ``kinds.toml``: data, not code —
every kind speaks the OpenAI Chat Completions protocol and differs only in its base URL (a
template whose fields the user fills), the header that carries the key and where it lists models.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from string import Formatter
from typing import Any

KINDS_FILE = Path(__file__).with_name("kinds.toml")
#: A field that becomes part of a host name (an Azure resource …): one DNS label, nothing that could
#: end the host and point the key elsewhere.
_FIELD_VALUE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


class KindError(ValueError):
    """A kind that does not exist, or a field value it cannot take (message names the field)."""

    def __init__(self, message: str, *, field: str = "kind") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class KindField:
    name: str
    label: str
    placeholder: str = ""


@dataclass(frozen=True, slots=True)
class ProviderKind:
    id: str
    label: str
    base_url: str
    auth_header: str = "Authorization"
    auth_value: str = "Bearer {key}"
    models_path: str = "/models"
    key_required: bool = True
    docs_url: str = ""
    fields: tuple[KindField, ...] = ()
    models: tuple[str, ...] = field(default_factory=tuple)

    def url(self, settings: dict[str, Any]) -> str:
        """The base URL with the user's field values in; KindError naming a missing or odd one."""
        values = {}
        for f in self.fields:
            value = str(settings.get(f.name) or "").strip()
            if not value:
                raise KindError(f"{f.label} is required for {self.label}.", field=f"settings.{f.name}")
            if f.name != "base_url" and not _FIELD_VALUE.match(value):
                raise KindError(f"{f.label} holds characters a URL part cannot.", field=f"settings.{f.name}")
            values[f.name] = value
        return self.base_url.format(**values).rstrip("/")

    def auth_headers(self, key: str | None) -> dict[str, str]:
        """The header carrying ``key`` (none without a key)."""
        return {self.auth_header: self.auth_value.format(key=key)} if key else {}

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "label": self.label, "base_url_template": self.base_url,
            "fields": [{"name": f.name, "label": f.label, "placeholder": f.placeholder} for f in self.fields],
            "auth_header": self.auth_header, "key_required": self.key_required, "docs_url": self.docs_url,
            "suggested_models": list(self.models),
        }


@lru_cache(maxsize=1)
def provider_kinds() -> dict[str, ProviderKind]:
    """Every kind of ``kinds.toml``, by id, in file order."""
    data = tomllib.loads(KINDS_FILE.read_text(encoding="utf-8"))
    kinds = {}
    for kind_id, raw in data.items():
        placeholders = {name for _, name, _, _ in Formatter().parse(raw["base_url"]) if name}
        fields = tuple(KindField(**f) for f in raw.get("fields", []))
        if placeholders != {f.name for f in fields}:
            raise ValueError(f"kinds.toml: {kind_id}: base_url placeholders and fields differ")
        kinds[kind_id] = ProviderKind(
            id=kind_id, label=raw["label"], base_url=raw["base_url"],
            auth_header=raw.get("auth_header", "Authorization"), auth_value=raw.get("auth_value", "Bearer {key}"),
            models_path=raw.get("models_path", "/models"), key_required=raw.get("key_required", True),
            docs_url=raw.get("docs_url", ""), fields=fields, models=tuple(raw.get("models", [])),
        )
    return kinds


def provider_kind(kind_id: str) -> ProviderKind:
    try:
        return provider_kinds()[kind_id]
    except KeyError:
        raise KindError(f"Unknown provider kind {kind_id!r}.") from None
