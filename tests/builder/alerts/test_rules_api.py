"""Setting rules up: clear refusals with stable codes, the address policy on webhooks, roles,
workspace isolation, and "test" that reads the metric now without changing anything."""

from __future__ import annotations

import pytest
from django.core import mail

from builder.alerts.models import Alert, AlertRule
from tests.builder.alerts.support import alerts_url, make_rule, rules_url, traffic, webhook_receiver
from tests.builder.annotation.support import make_app
from tests.support.errors import assert_error_shape
from tests.support.isolation import Call, assert_isolated
from tests.support.members import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return make_member("owner")


def test_a_rule_gets_the_metrics_defaults(owner):
    rule = make_rule(owner, metric="evaluator_pass_rate", threshold=0.9, min_runs=10,
                     evaluator={"type": "json_valid"})
    assert (rule["comparison"], rule["window_minutes"], rule["enabled"], rule["firing"]) == ("below", 15, True, False)
    assert make_rule(owner, name="Spend", metric="daily_cost", threshold=10)["comparison"] == "above"
    listed = owner.client.get(rules_url(owner)).json()
    assert listed["count"] == 2 and {r["name"] for r in listed["results"]} == {"Errors", "Spend"}


@pytest.mark.parametrize(("fields", "field"), [
    ({"threshold": 5}, "threshold"),  # a rate above 1
    ({"metric": "p95_latency_ms", "threshold": 0}, "threshold"),
    ({"window_minutes": 0}, "window_minutes"),
    ({"metric": "evaluator_pass_rate", "threshold": 0.5}, "evaluator"),
    ({"metric": "evaluator_pass_rate", "threshold": 0.5, "evaluator": {"type": "llm_judge"}}, "evaluator"),
    ({"metric": "evaluator_pass_rate", "threshold": 0.5, "evaluator": {"type": "regex", "pattern": "("}}, "evaluator"),
    ({"metric": "evaluator_pass_rate", "threshold": 0.5, "evaluator": {"type": "json_valid"}, "min_runs": 60},
     "min_runs"),
    ({"metric": "uptime"}, "metric"),
    ({"emails": ["not an address"]}, "emails"),
    ({"app_id": 999_999}, "app_id"),
])
def test_an_invalid_rule_is_refused_naming_the_field(owner, fields, field):
    body = {"name": "Errors", "metric": "error_rate", "threshold": 0.2, **fields}
    error = assert_error_shape(owner.client.post(rules_url(owner), body, format="json"), 400, "rule_invalid")
    assert field in error["details"], error
    assert not AlertRule.objects.exists()


def test_another_workspaces_app_is_no_app(owner):
    other_app = make_app(make_member("owner").workspace)
    body = {"name": "Errors", "metric": "error_rate", "threshold": 0.2, "app_id": other_app.pk}
    error = assert_error_shape(owner.client.post(rules_url(owner), body, format="json"), 400, "rule_invalid")
    assert "app_id" in error["details"]


def test_a_webhook_to_a_private_address_is_refused_unless_allowlisted(owner, settings):
    body = {"name": "Errors", "metric": "error_rate", "threshold": 0.2, "webhook_url": "http://10.0.0.5/hook"}
    error = assert_error_shape(owner.client.post(rules_url(owner), body, format="json"), 400, "url_not_allowed")
    assert error["details"]["field"] == "webhook_url" and "LLMOPS_HTTP_ALLOWLIST" in error["message"]
    metadata = {**body, "webhook_url": "http://169.254.169.254/latest"}
    assert_error_shape(owner.client.post(rules_url(owner), metadata, format="json"), 400, "url_not_allowed")

    settings.LLMOPS_HTTP_ALLOWLIST = ["10.0.0.5"]
    assert owner.client.post(rules_url(owner), body, format="json").status_code == 201


def test_changing_a_webhook_checks_the_new_address(owner):
    rule = make_rule(owner)
    url = f"{rules_url(owner)}{rule['id']}/"
    refused = owner.client.patch(url, {"webhook_url": "http://192.168.1.10/hook"}, format="json")
    assert_error_shape(refused, 400, "url_not_allowed")
    changed = owner.client.patch(url, {"threshold": 0.3, "enabled": False}, format="json").json()
    assert (changed["threshold"], changed["enabled"], changed["webhook_url"]) == (0.3, False, "")


def test_viewers_read_rules_without_the_webhook_and_change_nothing(owner, settings):
    settings.LLMOPS_HTTP_ALLOWLIST = ["10.0.0.5"]
    rule = make_rule(owner, webhook_url="http://10.0.0.5/hook?token=s3cret")
    assert rule["webhook_url"] == "http://10.0.0.5/hook?token=s3cret"
    viewer = make_member("viewer", workspace=owner.workspace)
    seen = viewer.client.get(rules_url(viewer)).json()["results"][0]
    assert seen["webhook_url"] is None and seen["has_webhook"] is True
    assert viewer.client.get(alerts_url(viewer)).status_code == 200
    url = f"{rules_url(viewer)}{rule['id']}/"
    for response in (viewer.client.post(rules_url(viewer), {"name": "x"}, format="json"),
                     viewer.client.patch(url, {"threshold": 0.9}, format="json"),
                     viewer.client.delete(url),
                     viewer.client.post(url + "test/", {}, format="json")):
        assert_error_shape(response, 403, "role_forbidden")
    annotator = make_member("annotator", workspace=owner.workspace)
    assert_error_shape(annotator.client.get(rules_url(annotator)), 403, "role_forbidden")
    assert_error_shape(annotator.client.get(alerts_url(annotator)), 403, "role_forbidden")
    assert AlertRule.objects.get().threshold == 0.2


def test_another_workspace_sees_nothing(owner):
    rule = make_rule(owner)
    outsider = make_member("owner")
    theirs = f"/api/workspaces/{owner.workspace.pk}/"
    mine = rules_url(outsider)
    assert_isolated(outsider.client, [
        Call("GET", f"{mine}{rule['id']}/"),
        Call("PATCH", f"{mine}{rule['id']}/", {"threshold": 0.9}),
        Call("DELETE", f"{mine}{rule['id']}/"),
        Call("POST", f"{mine}{rule['id']}/test/", {}),
        Call("GET", f"{theirs}alert-rules/"),
        Call("GET", f"{theirs}alerts/"),
        Call("GET", f"{theirs}alert-rules/{rule['id']}/"),
    ], watch=[AlertRule.objects.all(), Alert.objects.all()])
    assert outsider.client.get(mine).json()["count"] == 0


def test_a_rule_can_be_tested_now_without_firing_it(owner, settings):
    app = make_app(owner.workspace)
    with webhook_receiver() as hook:
        settings.LLMOPS_HTTP_ALLOWLIST = [hook.netloc]
        rule = make_rule(owner, threshold=0.2, min_runs=20, webhook_url=hook.url())
        url = f"{rules_url(owner)}{rule['id']}/test/"
        traffic(app, failed=5)
        few = owner.client.post(url, {}, format="json").json()
        assert (few["value"], few["sample"], few["enough_data"], few["would_fire"]) == (1.0, 5, False, False)
        traffic(app, ok=15)
        now = owner.client.post(url, {"notify": True}, format="json").json()
        assert (now["value"], now["enough_data"], now["would_fire"], now["firing"]) == (0.25, True, True, False)
        assert [(d["channel"], d["ok"]) for d in now["deliveries"]] == [("webhook", True), ("email", True)]
        assert [b["status"] for b in hook.bodies] == ["test"]
        assert "[Test]" in mail.outbox[0].subject
    assert not Alert.objects.exists()  # a test changes no state


def test_the_alert_list_filter_is_checked(owner):
    assert_error_shape(owner.client.get(alerts_url(owner, status="sleeping")), 400, "invalid_filter")


def test_deleting_a_rule_deletes_its_alerts(owner):
    rule = make_rule(owner)
    assert owner.client.delete(f"{rules_url(owner)}{rule['id']}/").status_code == 204
    assert not AlertRule.objects.exists()
