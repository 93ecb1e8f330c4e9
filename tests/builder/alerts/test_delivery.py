"""Failures stay contained: a webhook that fails is recorded and does not stop the e-mail or
other rules; a rule that cannot be evaluated is logged and the others still run; two evaluations
of one rule at once never fire it twice."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection, transaction

from builder.alerts.evaluation import evaluate_all, rule_evaluate
from builder.alerts.models import Alert, AlertRule
from builder.alerts.tasks import evaluate
from tests.builder.alerts.support import alerts_url, make_rule, traffic, webhook_receiver
from tests.builder.annotation.support import make_app
from tests.support.members import make_member


@pytest.fixture
def hook(settings):
    with webhook_receiver() as receiver:
        settings.LLMOPS_HTTP_ALLOWLIST = [receiver.netloc]
        yield receiver


@pytest.mark.django_db
def test_a_failing_webhook_is_recorded_and_the_email_still_goes(hook, caplog):
    caplog.set_level("INFO")
    owner = make_member("owner")
    app = make_app(owner.workspace)
    hook.status = 500
    make_rule(owner, name="Errors A", webhook_url=hook.url(), emails=["oncall@example.test"])
    make_rule(owner, name="Errors B", webhook_url=hook.url("/other"), send_email=False)
    traffic(app, ok=10, failed=10)
    assert evaluate()["fired"] == 2
    assert len(hook.received) == 2
    assert [m.to for m in mail.outbox] == [["oncall@example.test"]]
    alerts = {a["rule_name"]: a for a in owner.client.get(alerts_url(owner)).json()["results"]}
    a_deliveries = [(d["channel"], d["ok"], d["error"]) for d in alerts["Errors A"]["deliveries"]]
    assert a_deliveries == [("webhook", False, "The webhook answered HTTP 500."), ("email", True, "")]
    assert "s3cret" not in str(alerts)  # the webhook's token is nowhere in what the API shows, nor in the logs
    assert "webhook delivery failed: The webhook answered HTTP 500." in caplog.text
    assert "s3cret" not in caplog.text


@pytest.mark.django_db
def test_a_webhook_the_address_policy_refuses_when_it_is_called_is_recorded(hook, settings):
    owner = make_member("owner")
    app = make_app(owner.workspace)
    make_rule(owner, webhook_url=hook.url())
    settings.LLMOPS_HTTP_ALLOWLIST = []  # the operator closed the address since the rule was saved
    traffic(app, ok=10, failed=10)
    evaluate()
    assert hook.received == [] and len(mail.outbox) == 1
    webhook = owner.client.get(alerts_url(owner)).json()["results"][0]["deliveries"][0]
    assert (webhook["channel"], webhook["ok"]) == ("webhook", False) and webhook["error"].startswith("ssrf_blocked")


@pytest.mark.django_db
def test_a_rule_that_cannot_be_evaluated_is_logged_and_the_others_still_run(hook, caplog):
    owner = make_member("owner")
    app = make_app(owner.workspace)
    broken = make_rule(owner, name="Broken", metric="evaluator_pass_rate", threshold=0.5, min_runs=1,
                       evaluator={"type": "json_valid"})
    # An evaluator this version no longer knows (a rule stored by an older one).
    AlertRule.objects.filter(pk=broken["id"]).update(evaluator={"type": "retired_evaluator"})
    make_rule(owner, name="Errors", webhook_url=hook.url())
    traffic(app, ok=10, failed=10)
    counts = evaluate_all()
    assert (counts["failed"], counts["fired"]) == (1, 1)
    assert [b["rule"] for b in hook.bodies] == ["Errors"]
    assert f"alert rule {broken['id']} failed" in caplog.text
    shown = owner.client.get(f"/api/workspaces/{owner.workspace.pk}/alert-rules/{broken['id']}/").json()
    assert "An alert's evaluator is one of" in shown["last_error"]


@pytest.mark.django_db(transaction=True)
def test_an_evaluation_skips_a_rule_another_one_holds():
    owner = make_member("owner")
    app = make_app(owner.workspace)
    rule = make_rule(owner, threshold=0.2)
    traffic(app, ok=10, failed=10)
    held, release = threading.Event(), threading.Event()

    def other_tick() -> None:
        try:
            with transaction.atomic():
                AlertRule.objects.select_for_update().get(pk=rule["id"])
                held.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=other_tick)
    thread.start()
    try:
        assert held.wait(timeout=30)
        assert rule_evaluate(rule["id"]) is None  # skipped, not waited for
        assert not Alert.objects.exists() and mail.outbox == []
    finally:
        release.set()
        thread.join(timeout=30)
    assert rule_evaluate(rule["id"]).change == "fired"
    assert rule_evaluate(rule["id"]).change == "firing"
    assert Alert.objects.count() == 1 and len(mail.outbox) == 1
