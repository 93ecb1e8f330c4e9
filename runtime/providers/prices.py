"""Model prices and the cost of a call.

Prices are per million tokens. The built-in table is indicative list prices (USD, as of
``PRICES_AS_OF``); the platform overrides or extends it with a plain dict
(``{"model": {"input": 0.5, "output": 1.5, "currency": "EUR"}}`` or keyed ``"provider/model"``
for a provider-specific price). Local models cost nothing. A model with no price costs 0 and is
flagged ``known=False`` so that dashboards can show "cost unknown" instead of a false zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from runtime.providers.base import Usage

PRICES_AS_OF = "2025-08"
LOCAL_PROVIDER_KINDS = frozenset({"local"})


@dataclass(frozen=True, slots=True)
class ModelPrice:
    """Price of one model: input and output per million tokens."""

    input_per_million: float
    output_per_million: float
    currency: str = "USD"


@dataclass(frozen=True, slots=True)
class Cost:
    """What a call cost. ``known`` is False when no price was found (amounts are then 0)."""

    amount: float
    currency: str
    input_cost: float
    output_cost: float
    known: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "amount": self.amount,
            "currency": self.currency,
            "input_cost": self.input_cost,
            "output_cost": self.output_cost,
            "known": self.known,
        }


DEFAULT_PRICES: dict[str, ModelPrice] = {
    # OpenAI
    "gpt-5": ModelPrice(1.25, 10.0),
    "gpt-5-mini": ModelPrice(0.25, 2.0),
    "gpt-5-nano": ModelPrice(0.05, 0.40),
    "gpt-4.1": ModelPrice(2.0, 8.0),
    "gpt-4.1-mini": ModelPrice(0.40, 1.60),
    "gpt-4.1-nano": ModelPrice(0.10, 0.40),
    "gpt-4o": ModelPrice(2.50, 10.0),
    "gpt-4o-mini": ModelPrice(0.15, 0.60),
    "o3-mini": ModelPrice(1.10, 4.40),
    "o4-mini": ModelPrice(1.10, 4.40),
    "text-embedding-3-small": ModelPrice(0.02, 0.0),
    "text-embedding-3-large": ModelPrice(0.13, 0.0),
    # DeepSeek
    "deepseek-chat": ModelPrice(0.27, 1.10),
    "deepseek-reasoner": ModelPrice(0.55, 2.19),
    # Qwen (DashScope international)
    "qwen-max": ModelPrice(1.60, 6.40),
    "qwen-plus": ModelPrice(0.40, 1.20),
    "qwen-turbo": ModelPrice(0.05, 0.20),
}


class PriceTable:
    """Looks up prices: overrides first, then the defaults; exact name, then name prefix.

    The prefix rule lets dated names (``gpt-4o-mini-2024-07-18``) find ``gpt-4o-mini``; the
    longest matching prefix wins, so ``gpt-4o-mini-…`` never picks ``gpt-4o``. Providers named in
    ``local_providers`` cost nothing. Satisfies the runtime's ``PriceLookup`` port
    (:meth:`cost`); :meth:`price_call` gives the full breakdown.
    """

    def __init__(
        self,
        overrides: Mapping[str, ModelPrice | Mapping[str, Any]] | None = None,
        *,
        defaults: Mapping[str, ModelPrice] | None = None,
        local_providers: Iterable[str] = LOCAL_PROVIDER_KINDS,
    ) -> None:
        self._prices: dict[str, ModelPrice] = dict(DEFAULT_PRICES if defaults is None else defaults)
        for key, value in (overrides or {}).items():
            self._prices[key] = value if isinstance(value, ModelPrice) else _price_from_dict(value)
        self.local_providers = frozenset(local_providers)

    def price_for(self, provider: str, model: str) -> ModelPrice | None:
        """The price of ``model`` at ``provider`` (``provider/model`` keys beat plain ``model``)."""
        for name in (f"{provider}/{model}", model):
            price = self._lookup(name)
            if price is not None:
                return price
        return None

    def price_call(self, provider: str, model: str, usage: Usage, *, provider_kind: str = "") -> Cost:
        """Cost of ``usage`` tokens; local providers (by kind or name) cost 0 and are known."""
        if provider_kind in LOCAL_PROVIDER_KINDS or provider in self.local_providers:
            return Cost(0.0, "USD", 0.0, 0.0, known=True)
        price = self.price_for(provider, model)
        if price is None:
            return Cost(0.0, "USD", 0.0, 0.0, known=False)
        input_cost = usage.input_tokens * price.input_per_million / 1_000_000
        output_cost = usage.output_tokens * price.output_per_million / 1_000_000
        return Cost(input_cost + output_cost, price.currency, input_cost, output_cost, known=True)

    def cost(self, provider: str, model: str, usage: Usage) -> float | None:
        """The ``PriceLookup`` port: the amount, or None when the model has no known price."""
        priced = self.price_call(provider, model, usage)
        return priced.amount if priced.known else None

    def _lookup(self, name: str) -> ModelPrice | None:
        if name in self._prices:
            return self._prices[name]
        prefixes = [key for key in self._prices if name.startswith(key + "-")]
        return self._prices[max(prefixes, key=len)] if prefixes else None


def _price_from_dict(value: Mapping[str, Any]) -> ModelPrice:
    return ModelPrice(
        input_per_million=float(value["input"]),
        output_per_million=float(value["output"]),
        currency=str(value.get("currency", "USD")),
    )


_DEFAULT_TABLE = PriceTable()


def cost_of(
    provider: str,
    model: str,
    usage: Usage,
    *,
    provider_kind: str = "",
    overrides: Mapping[str, ModelPrice | Mapping[str, Any]] | None = None,
) -> Cost:
    """Cost of one call with the default table, or the defaults plus ``overrides``."""
    table = PriceTable(overrides) if overrides else _DEFAULT_TABLE
    return table.price_call(provider, model, usage, provider_kind=provider_kind)
