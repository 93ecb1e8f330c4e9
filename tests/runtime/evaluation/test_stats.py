"""The statistics behind the experiment matrix, against values worked out by hand."""

from __future__ import annotations

import pytest

from runtime.evaluation.stats import paired_test, percentile, two_proportion_test, wilson_interval


def test_wilson_interval_of_eight_good_in_ten() -> None:
    low, high = wilson_interval(8, 10)
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)


def test_wilson_interval_stays_inside_zero_and_one_and_is_wide_open_without_data() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)
    low, high = wilson_interval(10, 10)
    assert high == pytest.approx(1.0) and round(low, 4) == 0.7225
    assert wilson_interval(0, 10)[0] == 0.0
    assert round(wilson_interval(8, 10, z=1.0)[0], 4) == 0.6491  # centre 0.85/1.1, half √0.0185/1.1


def test_wilson_interval_refuses_more_successes_than_trials() -> None:
    with pytest.raises(ValueError, match="between 0 and n"):
        wilson_interval(11, 10)


def test_two_proportion_test_of_45_in_50_against_30_in_50() -> None:
    difference, p_value = two_proportion_test(45, 50, 30, 50)
    assert difference == pytest.approx(0.3)
    assert p_value == pytest.approx(0.000532006, abs=1e-8)  # pooled p = 0.75, se = √0.0075, z = √12 = 3.4641


def test_two_proportion_test_is_symmetric_and_unremarkable_for_close_rates() -> None:
    difference, p_value = two_proportion_test(30, 50, 45, 50)
    assert difference == pytest.approx(-0.3) and p_value == pytest.approx(0.000532006, abs=1e-8)
    difference, p_value = two_proportion_test(26, 50, 24, 50)
    assert difference == pytest.approx(0.04) and p_value == pytest.approx(0.689157, abs=1e-6)  # z = 0.4


def test_two_proportion_test_without_spread_or_data_says_nothing() -> None:
    assert two_proportion_test(5, 5, 5, 5) == (0.0, 1.0)
    assert two_proportion_test(0, 5, 0, 7) == (0.0, 1.0)
    assert two_proportion_test(0, 0, 1, 2) == (-0.5, 1.0)


def test_exact_mcnemar_counts_only_the_rows_where_the_two_disagree() -> None:
    pairs = [(True, True)] * 20 + [(True, False)] * 1 + [(False, True)] * 9 + [(False, False)] * 5
    difference, p_value = paired_test(pairs)
    assert difference == pytest.approx(-8 / 35)
    assert p_value == pytest.approx(0.021484375)  # b=1, c=9: 2 · (1 + 10) / 1024


def test_exact_mcnemar_of_a_balanced_disagreement_is_one() -> None:
    difference, p_value = paired_test([(True, False), (False, True)] * 3)
    assert difference == 0.0 and p_value == 1.0


def test_paired_test_without_disagreement_or_rows() -> None:
    assert paired_test([(True, True), (False, False)]) == (0.0, 1.0)
    assert paired_test([]) == (0.0, 1.0)


def test_percentile_interpolates_linearly() -> None:
    assert percentile([], 50) is None
    assert percentile([10.0], 95) == 10.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([5.0, 1.0, 3.0], 100) == 5.0
    assert percentile([5.0, 1.0, 3.0], 0) == 1.0
    assert percentile([100.0, 200.0, 300.0, 400.0, 500.0], 95) == pytest.approx(480.0)


def test_percentile_is_between_0_and_100() -> None:
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile([1.0], 101)
