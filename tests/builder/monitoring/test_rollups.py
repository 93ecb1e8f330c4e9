"""The rollups count what was published, as the pages show it: figures match hand-computed
aggregates of a small fixture, at every grain, whichever way the runs were written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from builder.monitoring import selectors
from builder.monitoring.selectors import Scope
from tests.builder.annotation.support import make_app
from tests.builder.monitoring.support import make_version, published_run, rate
from tests.support.members import make_member

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.fixture
def traffic():
    member = make_member()
    app = make_app(member.workspace)
    v1, v2 = make_version(app, 1), make_version(app, 2)
    runs = [
        published_run(app, at=T0, version=v1, latency_ms=100, cost=0.01, tokens=(10, 5), end_user="ada"),
        published_run(app, at=T0 + timedelta(minutes=1), version=v1, latency_ms=200, cost=0.02, tokens=(20, 10),
                      end_user="ada"),
        published_run(app, at=T0 + timedelta(minutes=61), version=v2, latency_ms=400, cost=0.04, tokens=(40, 20),
                      end_user="bob", source="chat"),
        published_run(app, at=T0 + timedelta(minutes=62), version=v2, status="failed", error_code="model_timeout",
                      latency_ms=3000, cost=0.0, tokens=(40, 0)),
    ]
    return member, app, (v1, v2), runs


def scope(member, hours=24, **filters) -> Scope:
    return Scope(member.workspace.pk, T0 - timedelta(hours=1), T0 + timedelta(hours=hours), **filters)


def test_totals_match_the_runs(traffic):
    member, *_ = traffic
    totals = selectors.totals(scope(member))
    assert (totals["runs"], totals["failed"], totals["tokens_in"], totals["tokens_out"]) == (4, 1, 110, 35)
    assert totals["cost"] == pytest.approx(0.07)
    assert totals["error_rate"] == 0.25
    assert totals["latency_ms_mean"] == pytest.approx(925.0)


def test_every_grain_counts_the_same(traffic):
    member, *_ = traffic
    hour = selectors.series(scope(member, hours=5))  # hour grain
    day = selectors.series(scope(member, hours=24 * 10))  # day grain
    assert [r["runs"] for r in hour] == [2, 2]
    assert [r["bucket"] for r in hour] == [T0, T0 + timedelta(hours=1)]
    assert [r["runs"] for r in day] == [4]
    assert sum(r["cost"] for r in hour) == pytest.approx(sum(r["cost"] for r in day))


def test_filters_and_breakdowns(traffic):
    member, _app, (v1, v2), _ = traffic
    assert selectors.totals(scope(member, version_id=v2.pk))["runs"] == 2
    assert selectors.totals(scope(member, source="chat"))["runs"] == 1
    assert selectors.totals(scope(member, model="standin/gpt-x"))["runs"] == 4
    assert selectors.totals(scope(member, model="other/model"))["runs"] == 0
    by_version = {r["key"]: r for r in selectors.breakdown(scope(member), "version")}
    assert by_version[v1.pk]["cost"] == pytest.approx(0.03) and by_version[v2.pk]["failed"] == 1
    errors = {r["key"]: r["runs"] for r in selectors.breakdown(scope(member), "error_code")}
    assert errors == {"": 3, "model_timeout": 1}
    models = selectors.breakdown(scope(member), "model")
    assert [(m["key"], m["runs"]) for m in models] == [("standin/gpt-x", 4)]
    users = selectors.end_users(scope(member))
    assert [(u["end_user"], u["runs"]) for u in users] == [("bob", 1), ("ada", 2)]


def test_latency_percentiles_are_within_the_histograms_precision(traffic):
    member, *_ = traffic
    p = selectors.latency(scope(member))
    assert selectors.latency_profile(scope(member))["run"] == p  # the page's one read gives the same figures
    # nearest-rank over [100, 200, 400, 3000]: p50 = 200, p95 = p99 = 3000 (bins are 10 % wide)
    assert p[0.5] == pytest.approx(200, rel=0.06)
    assert p[0.95] == pytest.approx(3000, rel=0.06)
    nodes = selectors.node_latency(scope(member))
    assert [(n["node_type"], n["calls"], n["failed"]) for n in nodes] == [("llm", 4, 1)]


def test_time_to_first_token_counts_streamed_answers_only(traffic):
    member, app, (v1, _), _ = traffic
    assert selectors.latency_profile(scope(member))["first_token"][0.5] is None  # nothing streamed yet
    for ms in (80, 120, 900):
        published_run(app, at=T0 + timedelta(minutes=5), version=v1, stream=True, first_token_ms=ms, latency_ms=2000)
    profile = selectors.latency_profile(scope(member))
    first = profile["first_token"]
    assert first[0.5] == pytest.approx(120, rel=0.06)
    assert first[0.99] == pytest.approx(900, rel=0.06)
    hour = next(r for r in profile["series"] if r["bucket"] == T0)
    assert hour["ttft_p50"] == pytest.approx(120, rel=0.06)
    assert selectors.totals(scope(member))["streamed"] == 3


def test_feedback_rate_and_share_positive(traffic):
    member, _, (v1, v2), runs = traffic
    rate(runs[0], 1)
    rate(runs[1], -1)
    rate(runs[2], 1, score=0.5)
    fb = selectors.feedback(scope(member))
    assert (fb["feedback"], fb["positive"], fb["negative"], fb["scored"]) == (3, 2, 1, 1)
    assert fb["rate"] == 0.75 and fb["positive_share"] == pytest.approx(2 / 3)
    compared = {c["version_id"]: c for c in selectors.versions_compared(scope(member), [v1.pk, v2.pk])}
    assert compared[v1.pk]["positive_share"]["value"] == 0.5
    assert compared[v2.pk]["error_rate"]["k"] == 1 and compared[v2.pk]["error_rate"]["n"] == 2
    low, high = compared[v1.pk]["positive_share"]["low"], compared[v1.pk]["positive_share"]["high"]
    assert 0 < low < 0.5 < high < 1  # a Wilson interval around 1 of 2


def test_workspaces_never_see_each_other(traffic):
    other = make_member()
    assert selectors.totals(scope(other))["runs"] == 0
