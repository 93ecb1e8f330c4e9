"""Providers built from plain config dicts; the default map; secrets never shown."""

from __future__ import annotations

import pytest

from runtime.providers.base import ChatMessage, ChatRequest, ModelProvider, Usage
from runtime.providers.local import LocalProvider
from runtime.providers.openai_compat import OpenAICompatibleProvider
from runtime.providers.registry import (
    DEFAULT_CHAT,
    ProviderConfigError,
    default_providers,
    price_table_for,
    provider_from_config,
)
from tests.runtime.support.openai_stand_in import Reply, StandInServer


def deepseek_config(**extra: object) -> dict[str, object]:
    config: dict[str, object] = {
        "kind": "openai_compatible",
        "name": "deepseek",
        "base_url": "https://api.deepseek.com",
        "api_key": "sk-ds-secret",
    }
    config.update(extra)
    return config


def test_builds_an_openai_compatible_provider_without_showing_secrets() -> None:
    provider = provider_from_config(deepseek_config(headers={"X-Org": "org-secret"}, max_retries=4))

    assert isinstance(provider, OpenAICompatibleProvider) and isinstance(provider, ModelProvider)
    assert provider.name == "deepseek" and provider.retry.max_retries == 4
    assert "sk-ds-secret" not in repr(provider) and "org-secret" not in repr(provider)


async def test_built_provider_talks_to_the_server_with_its_key(openai_stand_in: StandInServer) -> None:
    openai_stand_in.api_key = "sk-ds-secret"
    openai_stand_in.script(Reply(text="hello"))
    provider = provider_from_config(deepseek_config(base_url=openai_stand_in.base_url))

    result = await provider.chat(ChatRequest(model="deepseek-chat", messages=[ChatMessage("user", "hi")]))
    await provider.aclose()  # type: ignore[attr-defined]

    assert result.text == "hello"


def test_builds_a_local_provider_with_adapters(tmp_path: object) -> None:
    provider = provider_from_config(
        {"kind": "local", "name": "gpu-box", "adapters": {"support-bot": "/adapters/x"}}
    )

    assert isinstance(provider, LocalProvider)
    assert provider.model_names() == ["smollm2-135m-instruct", "support-bot"]


def test_bad_config_names_the_field_but_not_the_secret() -> None:
    with pytest.raises(ProviderConfigError) as caught:
        provider_from_config(deepseek_config(timeout_s=-1, api_key=["sk-leaky"]))

    assert caught.value.code == "invalid_provider_config"
    assert "timeout_s" in caught.value.message and "api_key" in caught.value.message
    assert "sk-leaky" not in caught.value.message


def test_unknown_kind_is_rejected() -> None:
    with pytest.raises(ProviderConfigError):
        provider_from_config({"kind": "carrier-pigeon", "name": "x"})


def test_default_map_always_has_the_local_model() -> None:
    providers = default_providers()

    assert list(providers) == ["local"]
    assert isinstance(providers["local"], ModelProvider)
    assert DEFAULT_CHAT == ("local", "smollm2-135m-instruct")
    assert DEFAULT_CHAT[1] in providers["local"].model_names()  # type: ignore[attr-defined]


def test_default_map_adds_configured_providers() -> None:
    providers = default_providers(
        [
            deepseek_config(),
            {"kind": "openai_compatible", "name": "ollama", "base_url": "http://127.0.0.1:11434/v1"},
        ]
    )

    assert sorted(providers) == ["deepseek", "local", "ollama"]


def test_local_name_is_reserved_for_the_local_kind() -> None:
    with pytest.raises(ProviderConfigError):
        default_providers([deepseek_config(name="local")])


def test_duplicate_names_are_rejected() -> None:
    with pytest.raises(ProviderConfigError):
        default_providers([deepseek_config(), deepseek_config()])


def test_price_table_for_the_map_makes_local_providers_free() -> None:
    providers = default_providers([{"kind": "local", "name": "gpu-box"}, deepseek_config()])
    prices = price_table_for(providers)

    assert prices.cost("gpu-box", "smollm2-135m-instruct", Usage(100, 100)) == 0
    assert prices.cost("deepseek", "deepseek-chat", Usage(1_000_000, 0)) == pytest.approx(0.27)
