"""Writes of alerts: rules created, changed and deleted, with their settings checked."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from builder.accounts.models import User, Workspace
from builder.alerts.errors import RuleInvalid
from builder.alerts.models import DEFAULT_COMPARISON, RATE_METRICS, Alert, AlertRule, Metric
from builder.alerts.readings import EVALUATED_PER_READING, rule_evaluator
from builder.core.addresses import configured_url_check
from builder.flows.models import App

MAX_WINDOW_MINUTES = 7 * 24 * 60


def rule_settings_checked(data: dict[str, Any], *, workspace: Workspace, check_webhook: bool = True) -> dict[str, Any]:
    """A rule's settings as stored, or RuleInvalid with ``details`` {field: [messages]} (the
    webhook's address: ``url_not_allowed`` from the address policy, unless ``check_webhook`` is
    off: an unchanged URL was checked when saved, and every call is checked again anyway)."""
    problems: dict[str, list[str]] = {}
    metric = Metric(data["metric"])
    data["comparison"] = data.get("comparison") or DEFAULT_COMPARISON[metric]
    threshold = data["threshold"]
    if metric in RATE_METRICS and not 0 <= threshold <= 1:
        problems["threshold"] = ["A rate's threshold is a share between 0 and 1 (0.05 is 5 %)."]
    elif metric == Metric.P95_LATENCY and threshold <= 0:
        problems["threshold"] = ["A latency threshold is a number of milliseconds above 0."]
    elif threshold < 0:
        problems["threshold"] = ["A cost threshold is 0 or more."]
    if not 1 <= data["window_minutes"] <= MAX_WINDOW_MINUTES:
        problems["window_minutes"] = [f"A window is 1 to {MAX_WINDOW_MINUTES} minutes (7 days)."]
    if metric == Metric.EVALUATOR_PASS_RATE:
        if data.get("evaluator") is None:
            problems["evaluator"] = ["An evaluator pass rate needs an evaluator."]
        else:
            try:
                rule_evaluator(data["evaluator"])
            except RuleInvalid as exc:
                problems.update(exc.details)
        if data["min_runs"] > EVALUATED_PER_READING:
            problems["min_runs"] = [f"An evaluator judges at most the window's {EVALUATED_PER_READING} latest runs: "
                                    f"min_runs is {EVALUATED_PER_READING} or less."]
    else:
        data["evaluator"] = None
    app_id = data.pop("app_id", None)
    data["app"] = None
    if app_id is not None:
        data["app"] = App.objects.filter(pk=app_id, workspace=workspace).first()
        if data["app"] is None:
            problems["app_id"] = ["No such app in this workspace."]
    if problems:
        raise RuleInvalid("Some fields are invalid: " + ", ".join(sorted(problems)) + ".", details=problems)
    if check_webhook and data.get("webhook_url"):
        configured_url_check(data["webhook_url"], field="webhook_url")
    return data


def rule_create(*, workspace: Workspace, user: User | None, **fields: Any) -> AlertRule:
    checked = rule_settings_checked(fields, workspace=workspace)
    return AlertRule.objects.create(workspace=workspace, created_by=user, **checked)


def rule_update(*, rule: AlertRule, **fields: Any) -> AlertRule:
    """Change a rule. Disabling it, or changing what it measures, closes its open alert without a
    notification (nothing recovered: the rule stopped watching)."""
    current = {"name": rule.name, "metric": rule.metric, "app_id": rule.app_id, "comparison": rule.comparison,
               "threshold": rule.threshold, "window_minutes": rule.window_minutes, "min_runs": rule.min_runs,
               "evaluator": rule.evaluator, "webhook_url": rule.webhook_url, "emails": rule.emails,
               "send_email": rule.send_email, "enabled": rule.enabled}
    if "metric" in fields and fields["metric"] != rule.metric and "comparison" not in fields:
        current["comparison"] = None  # the new metric's default
    checked = rule_settings_checked({**current, **fields}, workspace=rule.workspace,
                                    check_webhook=fields.get("webhook_url", rule.webhook_url) != rule.webhook_url)
    measured = (rule.metric, rule.app_id, rule.evaluator)
    with transaction.atomic():
        for field, value in checked.items():
            setattr(rule, field, value)
        rule.save()
        closes = not rule.enabled or (rule.metric, rule.app_id, rule.evaluator) != measured
        if closes:
            _close_open_alert(rule)
    return rule


def _close_open_alert(rule: AlertRule) -> None:
    open_alert = Alert.objects.select_for_update().filter(rule=rule, resolved_at__isnull=True).first()
    if open_alert is not None:
        open_alert.resolved_at = timezone.now()
        open_alert.deliveries = [*open_alert.deliveries, {
            "status": "closed", "channel": "", "ok": True, "error": "", "at": open_alert.resolved_at.isoformat(),
            "note": "The rule was disabled or changed; nobody was notified."}]
        open_alert.save(update_fields=["resolved_at", "deliveries"])


def rule_delete(*, rule: AlertRule) -> None:
    rule.delete()
