"""Agreement between reviewers who scored the same items: percent agreement, Cohen's kappa (items
with exactly two ratings) and Krippendorff's alpha (any number of ratings, missing ones allowed).

Kappa comes from scikit-learn and alpha from the ``krippendorff`` package; this module only
shapes the ratings for them and says when a figure is undefined (``None``: fewer than two rated
items, or every rating the same, where both measures divide by zero).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score

Level = Literal["nominal", "ordinal", "interval"]

# Weighted kappa for ordered scales: a 4 against a 5 disagrees less than a 1 against a 5.
KAPPA_WEIGHTS: dict[str, Literal["linear", "quadratic"] | None] = {
    "nominal": None,
    "ordinal": "linear",
    "interval": "quadratic",
}


@dataclass(frozen=True)
class Agreement:
    items: int  # items with at least two ratings: the n behind every figure
    ratings: int
    percent_agreement: float | None
    cohen_kappa: float | None
    krippendorff_alpha: float | None


def agreement(ratings_per_item: Sequence[Sequence[Hashable]], level: Level) -> Agreement:
    """Agreement over items, each given as the values its reviewers chose (in any order)."""
    rated = [list(values) for values in ratings_per_item if len(values) >= 2]
    if not rated:
        return Agreement(0, 0, None, None, None)
    percent = sum(1 for values in rated if len(set(values)) == 1) / len(rated)
    return Agreement(
        items=len(rated),
        ratings=sum(len(values) for values in rated),
        percent_agreement=percent,
        cohen_kappa=_kappa(rated, level),
        krippendorff_alpha=_alpha(rated, level),
    )


def _kappa(rated: list[list[Hashable]], level: Level) -> float | None:
    if any(len(values) != 2 for values in rated):
        return None
    codes = _codes(rated, level)
    first = [codes[values[0]] for values in rated]
    second = [codes[values[1]] for values in rated]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # undefined kappa (one label throughout) is NaN, answered None
        value = float(cohen_kappa_score(first, second, weights=KAPPA_WEIGHTS[level]))
    return None if math.isnan(value) else value


def _alpha(rated: list[list[Hashable]], level: Level) -> float | None:
    codes = _codes(rated, level)
    if len(codes) < 2:
        return None  # one value throughout: no variation to agree on
    width = max(len(values) for values in rated)
    matrix = np.full((width, len(rated)), np.nan)
    for column, values in enumerate(rated):
        for row, value in enumerate(values):
            matrix[row, column] = codes[value]
    value = float(krippendorff.alpha(reliability_data=matrix, level_of_measurement=level))
    return None if math.isnan(value) else value


def _codes(rated: list[list[Hashable]], level: Level) -> dict[Hashable, float]:
    """Numbers for the values: themselves on ordered scales, a fixed arbitrary order for names."""
    values = {value for item in rated for value in item}
    if level != "nominal":
        return {value: float(value) for value in values}  # type: ignore[arg-type]
    ordered = sorted(values, key=repr)
    return {value: float(index) for index, value in enumerate(ordered)}
