"""Retry timing rules and Retry-After parsing."""

from __future__ import annotations

import email.utils
import time

import pytest

from runtime.providers.base import AuthFailed, EmptyCompletion, RateLimited, ServerError
from runtime.providers.retry import RetryPolicy, call_with_retry, parse_retry_after


def test_retry_after_is_a_minimum_with_small_upward_jitter() -> None:
    policy = RetryPolicy(max_retries=3, max_delay_s=30, jitter=0.1)

    delays = [policy.delay_for(1, RateLimited("x", retry_after=2.0)) for _ in range(50)]

    assert all(d is not None and 2.0 <= d <= 2.2 for d in delays)


def test_retry_after_beyond_the_cap_gives_up() -> None:
    assert RetryPolicy(max_delay_s=10).delay_for(1, RateLimited("x", retry_after=60)) is None


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(max_retries=10, base_delay_s=1.0, max_delay_s=4.0, jitter=0.0)

    assert [policy.delay_for(n, ServerError("x")) for n in (1, 2, 3, 4, 5)] == [1.0, 2.0, 4.0, 4.0, 4.0]


def test_only_transport_failures_are_retried_and_only_max_retries_times() -> None:
    policy = RetryPolicy(max_retries=1)

    assert policy.delay_for(1, AuthFailed("x")) is None
    assert policy.delay_for(1, EmptyCompletion("x")) is None
    assert policy.delay_for(2, ServerError("x")) is None


async def test_call_with_retry_sleeps_between_attempts() -> None:
    slept: list[float] = []
    outcomes: list[Exception | str] = [RateLimited("x", retry_after=1.5), ServerError("y"), "ok"]

    async def call() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    policy = RetryPolicy(max_retries=2, base_delay_s=0.5, jitter=0.0)
    assert await call_with_retry(call, policy, sleep=fake_sleep) == "ok"
    assert slept == [1.5, 1.0]  # the second retry backs off twice as long


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "3"}, 3.0),
        ({"retry-after": "0.5"}, 0.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({}, None),
        ({"retry-after": "soon"}, None),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(headers) == expected


def test_parse_retry_after_http_date() -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)

    assert parse_retry_after({"Retry-After": when}) == pytest.approx(30, abs=2)
