"""The shared rate-limit counter: N requests per minute as a burst of N, then one every 60/N
seconds; refusals say when to retry and do not count."""

import pytest

from builder.core.ratelimit import hit

pytestmark = pytest.mark.django_db

T0 = 1_800_000_000.0


def test_a_bucket_gets_its_burst_then_is_refused_with_a_retry_time():
    decisions = [hit("key:1", 3, now=T0 + i * 0.1) for i in range(4)]

    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert decisions[3].retry_after == 20  # one request is due every 60/3 s


def test_the_bucket_refills_at_the_steady_rate():
    for _ in range(4):
        assert hit("key:2", 4, now=T0).allowed
    assert not hit("key:2", 4, now=T0 + 14).allowed

    assert hit("key:2", 4, now=T0 + 15).allowed  # 60/4 s later, one more
    assert not hit("key:2", 4, now=T0 + 16).allowed
    assert [hit("key:2", 4, now=T0 + 120 + i * 0.01).allowed for i in range(5)] == [True] * 4 + [False]


def test_a_refused_request_does_not_count_against_later_ones():
    assert hit("key:3", 1, now=T0).allowed
    for i in range(50):
        assert not hit("key:3", 1, now=T0 + 1 + i).allowed

    assert hit("key:3", 1, now=T0 + 60).allowed


def test_buckets_do_not_share_counts():
    assert hit("key:4", 1, now=T0).allowed
    assert hit("chat:4", 1, now=T0).allowed
    assert not hit("key:4", 1, now=T0 + 1).allowed


def test_the_retry_time_is_honest_waiting_that_long_is_enough():
    for i in range(5):
        hit("key:5", 5, now=T0 + i * 0.5)
    refused = hit("key:5", 5, now=T0 + 3)
    assert not refused.allowed

    assert not hit("key:5", 5, now=T0 + 3 + refused.retry_after - 1).allowed
    assert hit("key:5", 5, now=T0 + 3 + refused.retry_after).allowed
