"""Building providers from plain config dicts, and the default provider map.

The builder stores provider configs in its database and passes them here with secrets filled
in by value::

    provider = provider_from_config({"kind": "openai_compatible", "name": "deepseek",
                                     "base_url": "https://api.deepseek.com", "api_key": key})
    providers = default_providers([config_a, config_b])   # always includes "local"

Secrets (``api_key``, header values) are held as ``SecretStr`` and never appear in ``repr()``,
logs or validation errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, TypeAdapter, ValidationError

from runtime.providers.base import ModelProvider, ProviderError
from runtime.providers.embeddings import DEFAULT_EMBEDDING_MODEL
from runtime.providers.local import DEFAULT_MAX_TOKENS, LocalProvider
from runtime.providers.local_models import DEFAULT_CHAT_MODEL
from runtime.providers.openai_compat import DEFAULT_TIMEOUT_S, OpenAICompatibleProvider
from runtime.providers.prices import PriceTable
from runtime.providers.retry import RetryPolicy

LOCAL_PROVIDER_NAME = "local"
#: (provider name, model) used when nothing is configured: the platform works offline.
DEFAULT_CHAT = (LOCAL_PROVIDER_NAME, DEFAULT_CHAT_MODEL)
DEFAULT_EMBEDDING = (LOCAL_PROVIDER_NAME, DEFAULT_EMBEDDING_MODEL)


class ProviderConfigError(ProviderError):
    """A provider config is malformed (message lists the fields, never their values)."""

    code = "invalid_provider_config"


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=100)
    #: Models the builder offers for this provider (informational; calls may name others).
    models: list[str] = Field(default_factory=list)


class OpenAICompatibleConfig(_Config):
    """An OpenAI, DeepSeek, Qwen, vLLM, Ollama or llama.cpp server."""

    kind: Literal["openai_compatible"]
    base_url: str | None = None
    api_key: SecretStr | None = None
    headers: dict[str, SecretStr] = Field(default_factory=dict)
    timeout_s: float = Field(DEFAULT_TIMEOUT_S, gt=0)
    max_retries: int = Field(2, ge=0, le=10)
    max_retry_delay_s: float = Field(30.0, ge=0)
    stream_usage: bool = True


class LocalConfig(_Config):
    """Models run in this process; ``adapters`` maps served names to PEFT adapter folders."""

    kind: Literal["local"]
    cache_dir: str | None = None
    default_max_tokens: int = Field(DEFAULT_MAX_TOKENS, gt=0)
    adapters: dict[str, str] = Field(default_factory=dict)
    adapter_base: str = DEFAULT_CHAT_MODEL


ProviderConfig = Annotated[OpenAICompatibleConfig | LocalConfig, Field(discriminator="kind")]
_config_adapter: TypeAdapter[OpenAICompatibleConfig | LocalConfig] = TypeAdapter(ProviderConfig)


TransportFactory = Callable[[], Any]


def _build_openai_compatible(
    config: OpenAICompatibleConfig, transport_factory: TransportFactory | None = None
) -> ModelProvider:
    return OpenAICompatibleProvider(
        transport_factory=transport_factory,
        name=config.name,
        base_url=config.base_url,
        api_key=config.api_key.get_secret_value() if config.api_key else None,
        headers={k: v.get_secret_value() for k, v in config.headers.items()},
        timeout_s=config.timeout_s,
        retry=RetryPolicy(max_retries=config.max_retries, max_delay_s=config.max_retry_delay_s),
        stream_usage=config.stream_usage,
    )


def _build_local(config: LocalConfig, transport_factory: TransportFactory | None = None) -> ModelProvider:
    provider = LocalProvider(
        name=config.name, cache_dir=config.cache_dir, default_max_tokens=config.default_max_tokens
    )
    for name, path in config.adapters.items():
        provider.add_adapter(name, path, base=config.adapter_base)
    return provider


#: Provider kinds and how to build each (a plain registry; add a kind here).
PROVIDER_KINDS: dict[str, Callable[[Any, TransportFactory | None], ModelProvider]] = {
    "openai_compatible": _build_openai_compatible,
    "local": _build_local,
}


def parse_provider_config(config: Mapping[str, Any]) -> OpenAICompatibleConfig | LocalConfig:
    """Validate a plain config dict; raises :class:`ProviderConfigError` without echoing values."""
    try:
        return _config_adapter.validate_python(dict(config))
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'config'}: {e['msg']}"
            for e in error.errors(include_input=False, include_url=False)
        )
        name = str(config.get("name", "")) if isinstance(config.get("name"), str) else ""
        raise ProviderConfigError(f"invalid provider config: {problems}", provider=name) from None


def provider_from_config(
    config: Mapping[str, Any], *, transport_factory: TransportFactory | None = None
) -> ModelProvider:
    """Build a provider from ``{kind, name, ...}`` (see :class:`OpenAICompatibleConfig`, :class:`LocalConfig`).

    ``transport_factory`` makes the httpx transport of remote providers (e.g. the SSRF-safe one
    from :mod:`runtime.net`), so a user-configured base URL cannot reach private addresses."""
    parsed = parse_provider_config(config)
    return PROVIDER_KINDS[parsed.kind](parsed, transport_factory)


def default_providers(
    configs: Iterable[Mapping[str, Any]] = (),
    *,
    local: LocalProvider | None = None,
    transport_factory: TransportFactory | None = None,
) -> dict[str, ModelProvider]:
    """Providers by name: the local one (always present, name ``local``) plus ``configs``.

    A config named ``local`` must be of kind ``local`` (it then replaces the built-in one).
    """
    providers: dict[str, ModelProvider] = {
        LOCAL_PROVIDER_NAME: local or LocalProvider(name=LOCAL_PROVIDER_NAME)
    }
    seen: set[str] = set()
    for config in configs:
        parsed = parse_provider_config(config)
        if parsed.name in seen:
            raise ProviderConfigError(f"two providers are named {parsed.name!r}", provider=parsed.name)
        if parsed.name == LOCAL_PROVIDER_NAME and parsed.kind != "local":
            raise ProviderConfigError(
                "the name 'local' is reserved for the local provider", provider=parsed.name
            )
        seen.add(parsed.name)
        providers[parsed.name] = PROVIDER_KINDS[parsed.kind](parsed, transport_factory)
    return providers


def price_table_for(
    providers: Mapping[str, ModelProvider],
    overrides: Mapping[str, Any] | None = None,
) -> PriceTable:
    """A price table in which every local provider of ``providers`` costs nothing."""
    local_names = {name for name, p in providers.items() if getattr(p, "kind", "") == "local"}
    return PriceTable(overrides, local_providers=local_names | {LOCAL_PROVIDER_NAME})
