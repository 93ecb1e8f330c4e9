"""A rule fires once when its metric crosses the threshold, stays quiet while it holds, tells
once when it recovers, and can fire again: one notification per breach, on both channels."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from builder.alerts.evaluation import evaluate_all
from builder.alerts.models import Alert
from builder.alerts.tasks import evaluate
from tests.builder.alerts.support import (
    alerts_url,
    answered,
    make_rule,
    rated,
    recent,
    traffic,
    webhook_receiver,
)
from tests.builder.annotation.support import make_app
from tests.support.members import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def hook(settings):
    with webhook_receiver() as receiver:
        settings.LLMOPS_HTTP_ALLOWLIST = [receiver.netloc]
        yield receiver


@pytest.fixture
def owner():
    return make_member("owner")


def test_an_error_rate_alert_fires_once_stays_quiet_recovers_once_and_fires_again(owner, hook):
    app = make_app(owner.workspace)
    rule = make_rule(owner, name="Support bot errors", app_id=app.pk, threshold=0.2, webhook_url=hook.url())

    traffic(app, ok=10, failed=10)  # 50 % of 20 runs fail
    evaluate()
    assert [b["status"] for b in hook.bodies] == ["firing"]
    fired = hook.bodies[0]
    assert fired["rule"] == "Support bot errors" and fired["metric"] == "error_rate" and fired["app"] == "Support bot"
    assert fired["value"] == 0.5 and fired["threshold"] == 0.2
    assert fired["window"]["start"] < fired["window"]["end"]
    assert fired["url"] == f"/monitoring/w/{owner.workspace.pk}/performance"
    assert hook.received[0]["path"] == "/hooks/alerts?token=s3cret"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [owner.user.email]
    assert "[Firing] Support bot errors" in mail.outbox[0].subject and "50.0 %" in mail.outbox[0].body
    assert f"/monitoring/w/{owner.workspace.pk}/performance" in mail.outbox[0].body

    traffic(app, failed=5)  # still failing: 15 of 25
    evaluate()
    evaluate()
    assert len(hook.received) == 1 and len(mail.outbox) == 1
    firing = owner.client.get(alerts_url(owner, status="firing")).json()
    assert firing["count"] == 1
    alert = firing["results"][0]
    assert (alert["rule_name"], alert["status"], alert["value"], alert["latest_value"]) == (
        "Support bot errors", "firing", 0.5, 0.6)
    assert alert["window"]["start"] and alert["fired_at"] and alert["resolved_at"] is None

    traffic(app, ok=75)  # 15 of 100: below 20 %
    evaluate()
    evaluate()
    assert [b["status"] for b in hook.bodies] == ["firing", "resolved"]
    assert hook.bodies[1]["value"] == 0.15
    assert len(mail.outbox) == 2 and "[Resolved]" in mail.outbox[1].subject
    resolved = owner.client.get(alerts_url(owner, status="resolved")).json()["results"]
    assert len(resolved) == 1 and resolved[0]["resolved_value"] == 0.15
    assert [(d["status"], d["channel"], d["ok"]) for d in resolved[0]["deliveries"]] == [
        ("firing", "webhook", True), ("firing", "email", True), ("resolved", "webhook", True),
        ("resolved", "email", True)]

    traffic(app, failed=100)  # 115 of 200
    evaluate()
    assert [b["status"] for b in hook.bodies] == ["firing", "resolved", "firing"]
    assert len(mail.outbox) == 3
    listed = owner.client.get(alerts_url(owner)).json()["results"]
    assert [a["status"] for a in listed] == ["firing", "resolved"]  # firing first
    assert Alert.objects.filter(rule_id=rule["id"]).count() == 2


def test_too_few_runs_never_fire_a_rate(owner, hook):
    app = make_app(owner.workspace)
    make_rule(owner, threshold=0.2, min_runs=20, webhook_url=hook.url())
    traffic(app, failed=19)  # every run failed, but only 19
    evaluate()
    assert hook.received == [] and mail.outbox == []
    traffic(app, failed=1)
    evaluate()
    assert [b["status"] for b in hook.bodies] == ["firing"]


def test_a_firing_rule_does_not_recover_on_too_few_runs(owner, hook):
    app = make_app(owner.workspace)
    rule = make_rule(owner, threshold=0.2, min_runs=20, webhook_url=hook.url(), window_minutes=1)
    traffic(app, failed=20)
    evaluate()
    evaluate_all(now=timezone.now() + timedelta(minutes=10))  # the window is empty now: no data, no news
    assert [b["status"] for b in hook.bodies] == ["firing"]
    assert Alert.objects.get(rule_id=rule["id"]).firing


def test_daily_cost_counts_the_utc_day_so_far(owner, hook):
    app = make_app(owner.workspace)
    make_rule(owner, name="Spend", metric="daily_cost", threshold=1.0, webhook_url=hook.url())
    midnight = recent(seconds=0).replace(hour=0, minute=0, second=0, microsecond=0)
    traffic(app, ok=1, cost=5.0, at=midnight - timedelta(hours=1))  # yesterday's spend does not count
    traffic(app, ok=2, cost=0.4)  # 0.80 today
    evaluate()
    assert hook.received == []
    traffic(app, ok=1, cost=0.4)  # 1.20 today: one run is enough, cost has no minimum
    evaluate()
    assert [(b["status"], b["metric"]) for b in hook.bodies] == [("firing", "daily_cost")]
    assert hook.bodies[0]["value"] == pytest.approx(1.2)
    assert hook.bodies[0]["url"].endswith("/cost")
    assert "$1.2000" in mail.outbox[0].body


def test_p95_latency(owner, hook):
    app = make_app(owner.workspace)
    make_rule(owner, name="Slow", metric="p95_latency_ms", threshold=2000, webhook_url=hook.url())
    traffic(app, ok=24, latency_ms=300)
    evaluate()
    assert hook.received == []
    traffic(app, ok=6, latency_ms=5000)  # 6 of 30 runs take 5 s: the p95 is ~5 s
    evaluate()
    assert [b["status"] for b in hook.bodies] == ["firing"]
    assert hook.bodies[0]["value"] == pytest.approx(5000, rel=0.06)


def test_negative_feedback_share(owner, hook):
    app = make_app(owner.workspace)
    make_rule(owner, name="Unhappy users", metric="negative_feedback_share", threshold=0.3, webhook_url=hook.url())
    runs = traffic(app, ok=20)
    rated(runs, down=2, up=8)  # 20 % negative
    evaluate()
    assert hook.received == []
    rated(runs[10:], down=5, up=0)  # 7 of 15 ratings
    evaluate()
    assert [b["status"] for b in hook.bodies] == ["firing"]
    assert hook.bodies[0]["value"] == pytest.approx(7 / 15)
    assert hook.bodies[0]["url"].endswith("/quality")


def test_evaluator_pass_rate_judges_the_latest_answers(owner, hook):
    app = make_app(owner.workspace)
    make_rule(owner, name="Answers cite settings", metric="evaluator_pass_rate", threshold=0.8, min_runs=10,
              evaluator={"type": "contains", "value": "Settings"}, webhook_url=hook.url())
    answered(app, ["Open Settings."] * 9 + ["I don't know."])  # 90 % pass
    evaluate()
    assert hook.received == []
    answered(app, ["No idea."] * 5)  # 9 of 15
    evaluate()
    assert [(b["status"], b["metric"]) for b in hook.bodies] == [("firing", "evaluator_pass_rate")]
    assert hook.bodies[0]["value"] == pytest.approx(9 / 15)
    assert "below" in mail.outbox[0].body
