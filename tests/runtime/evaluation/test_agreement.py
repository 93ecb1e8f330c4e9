"""Agreement figures against values worked out by hand (the working is in each test)."""

from __future__ import annotations

import pytest

from runtime.evaluation.agreement import agreement


def test_two_reviewers_nominal():
    # observed agreement 3/4; reviewer 1 says a half the time, reviewer 2 a quarter:
    # expected .5*.25 + .5*.75 = .5, kappa = (.75 - .5) / .5 = .5.
    # alpha: 8 values (3 a, 5 b), one disagreeing unit → Do = 2/8, De = 2*3*5/(8*7) → 1 - 14/30.
    result = agreement([["a", "a"], ["a", "b"], ["b", "b"], ["b", "b"]], "nominal")
    assert (result.items, result.ratings) == (4, 8)
    assert result.percent_agreement == 0.75
    assert result.cohen_kappa == pytest.approx(0.5)
    assert result.krippendorff_alpha == pytest.approx(16 / 30)


def test_three_reviewers_with_a_missing_rating():
    # coincidences: o11 = 3, o12 = o21 = 1, o22 = 3 (n1 = n2 = 4, n = 8):
    # Do = 2/8, De = 2*4*4/(8*7) = 32/56, alpha = 1 - .25/(32/56) = .5625. Kappa needs exactly two.
    result = agreement([[1, 1, 1], [1, 2, 2], [2, 2]], "nominal")
    assert result.items == 3 and result.percent_agreement == pytest.approx(2 / 3)
    assert result.cohen_kappa is None
    assert result.krippendorff_alpha == pytest.approx(0.5625)


def test_interval_scores():
    # alpha: Do = (1 + 0 + 1) * 2 / 6, De = 120 / (6*5) = 4 → 1 - (2/3)/4 = 5/6.
    # quadratic-weighted kappa: sum(w*O) = 2, sum(w*E) = 30/3 = 10 → 1 - 2/10 = .8.
    result = agreement([[1, 2], [3, 3], [5, 4]], "interval")
    assert result.krippendorff_alpha == pytest.approx(5 / 6)
    assert result.cohen_kappa == pytest.approx(0.8)
    assert result.percent_agreement == pytest.approx(1 / 3)


def test_undefined_figures_are_none():
    assert agreement([["yes", "yes"], ["yes", "yes"]], "nominal").krippendorff_alpha is None  # no variation
    single = agreement([["yes"], ["no"]], "nominal")  # nobody was reviewed twice
    assert (single.items, single.percent_agreement, single.cohen_kappa) == (0, None, None)
