"""The statistics behind "variant B is better than A": a Wilson interval for a pass rate, a pooled
two-proportion z-test for variants judged on different rows, an exact McNemar test for two variants
judged on the same rows, and percentiles for latencies and costs. Exact arithmetic where it is
cheap, no numerical libraries."""

from __future__ import annotations

import math

Z_95 = 1.959964


def _check_counts(successes: int, n: int) -> None:
    if n < 0 or not 0 <= successes <= max(n, 0):
        raise ValueError(f"successes must be between 0 and n (got {successes} of {n})")


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of the pass rate ``successes / n`` (95% by default); it stays
    inside [0, 1] and is honest for small ``n`` and rates near 0 or 1. Nothing judged: (0, 1)."""
    _check_counts(successes, n)
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def two_proportion_test(s1: int, n1: int, s2: int, n2: int) -> tuple[float, float]:
    """(p1 − p2, two-sided p-value) of the pooled two-proportion z-test, for two variants judged on
    independent rows. When there is nothing to compare (an empty side, all pass or all fail) the
    p-value is 1."""
    _check_counts(s1, n1)
    _check_counts(s2, n2)
    p1 = s1 / n1 if n1 else 0.0
    p2 = s2 / n2 if n2 else 0.0
    if n1 == 0 or n2 == 0:
        return p1 - p2, 1.0
    pooled = (s1 + s2) / (n1 + n2)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if spread == 0:
        return p1 - p2, 1.0
    z = (p1 - p2) / spread
    return p1 - p2, min(1.0, math.erfc(abs(z) / math.sqrt(2)))


def paired_test(pairs: list[tuple[bool, bool]]) -> tuple[float, float]:
    """(pass rate of A − pass rate of B, two-sided p-value) of the exact McNemar test, for two
    variants judged on the same rows: only rows where they disagree count, binomially at one half.
    No pairs, or no disagreement: p = 1."""
    if not pairs:
        return 0.0, 1.0
    a_only = sum(1 for a, b in pairs if a and not b)
    b_only = sum(1 for a, b in pairs if b and not a)
    difference = (a_only - b_only) / len(pairs)
    discordant = a_only + b_only
    if discordant == 0:
        return difference, 1.0
    tail = sum(math.comb(discordant, k) for k in range(min(a_only, b_only) + 1))
    return difference, min(1.0, 2 * tail / 2**discordant)


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile (``q`` from 0 to 100) with linear interpolation between the closest
    ranks (numpy's default); None when there are no values."""
    if not 0 <= q <= 100:
        raise ValueError(f"a percentile is between 0 and 100, not {q}")
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
