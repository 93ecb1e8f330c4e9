"""The arm a call of a split label runs (no database: a hash or a random number per call)."""

from collections import Counter

from builder.publishing.gateway.splits import arm_for

V7, V8 = 107, 108  # version ids, in version order


def test_a_user_keeps_their_arm_and_users_spread_by_weight():
    arms = ((V7, 90), (V8, 10))
    users = [f"user-{i}" for i in range(5000)]

    first = [arm_for(arms, app_id=1, label="production", user=u) for u in users]

    assert first == [arm_for(arms, app_id=1, label="production", user=u) for u in users]
    assert abs(first.count(V8) - 500) <= 4 * (5000 * 0.1 * 0.9) ** 0.5


def test_growing_the_new_arm_keeps_its_users_and_moves_only_users_at_the_boundary():
    users = [f"user-{i}" for i in range(2000)]
    before = {u: arm_for(((V7, 90), (V8, 10)), app_id=1, label="production", user=u) for u in users}
    after = {u: arm_for(((V7, 80), (V8, 20)), app_id=1, label="production", user=u) for u in users}

    assert all(after[u] == V8 for u in users if before[u] == V8)
    assert all(before[u] == V7 for u in users if before[u] != after[u])


def test_another_label_or_app_draws_its_own_arms():
    arms = ((V7, 50), (V8, 50))
    users = [f"user-{i}" for i in range(200)]
    production = [arm_for(arms, app_id=1, label="production", user=u) for u in users]

    assert production != [arm_for(arms, app_id=1, label="staging", user=u) for u in users]
    assert production != [arm_for(arms, app_id=2, label="production", user=u) for u in users]


def test_without_a_user_each_call_draws_by_weight():
    drawn = Counter(arm_for(((V7, 90), (V8, 10)), app_id=1, label="production", user=None) for _ in range(5000))

    assert abs(drawn[V8] - 500) <= 4 * (5000 * 0.1 * 0.9) ** 0.5
