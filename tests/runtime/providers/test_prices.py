"""Cost of a call from the price table."""

from __future__ import annotations

import pytest

from runtime.ports import PriceLookup
from runtime.providers.base import Usage
from runtime.providers.prices import ModelPrice, PriceTable, cost_of


def test_cost_of_a_known_model() -> None:
    cost = cost_of("openai", "gpt-4o-mini", Usage(input_tokens=1_000_000, output_tokens=500_000))

    assert cost.known
    assert cost.input_cost == pytest.approx(0.15)
    assert cost.output_cost == pytest.approx(0.30)
    assert cost.amount == pytest.approx(0.45)
    assert cost.currency == "USD"


def test_dated_model_name_finds_the_longest_matching_price() -> None:
    cost = cost_of("openai", "gpt-4o-mini-2024-07-18", Usage(1_000_000, 0))

    assert cost.known and cost.amount == pytest.approx(0.15)  # not gpt-4o's 2.50


def test_local_models_cost_nothing() -> None:
    cost = cost_of("local", "smollm2-135m-instruct", Usage(5000, 5000))

    assert cost.known and cost.amount == 0


def test_local_kind_under_another_name_costs_nothing() -> None:
    assert cost_of("my-box", "any", Usage(10, 10), provider_kind="local").amount == 0


def test_unknown_model_costs_zero_and_is_flagged() -> None:
    cost = cost_of("vllm", "my-finetune-7b", Usage(1000, 1000))

    assert cost.amount == 0 and not cost.known


def test_overrides_add_and_replace_prices() -> None:
    table = PriceTable(
        {
            "my-finetune-7b": {"input": 1.0, "output": 2.0, "currency": "EUR"},
            "deepseek/deepseek-chat": ModelPrice(0.10, 0.20),
        }
    )

    custom = table.price_call("vllm", "my-finetune-7b", Usage(1_000_000, 1_000_000))
    provider_specific = table.price_call("deepseek", "deepseek-chat", Usage(1_000_000, 0))
    elsewhere = table.price_call("other", "deepseek-chat", Usage(1_000_000, 0))

    assert (custom.amount, custom.currency, custom.known) == (pytest.approx(3.0), "EUR", True)
    assert provider_specific.amount == pytest.approx(0.10)
    assert elsewhere.amount == pytest.approx(0.27)


def test_price_table_serves_the_runtime_price_port() -> None:
    table = PriceTable(local_providers={"local", "gpu-box"})

    assert isinstance(table, PriceLookup)
    assert table.cost("openai", "gpt-4o", Usage(1_000_000, 0)) == pytest.approx(2.50)
    assert table.cost("gpu-box", "anything", Usage(1000, 1000)) == 0
    assert table.cost("vllm", "unknown-model", Usage(1000, 1000)) is None
