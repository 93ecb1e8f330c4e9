"""How rules and alerts look to API clients. A webhook URL may hold a token in its query string:
only members who may change rules (owners, builders) see it; others see that there is one."""

from __future__ import annotations

from typing import Any

from builder.accounts.models import Membership
from builder.alerts.models import Alert, AlertRule
from builder.alerts.notifications import monitoring_url


def rule_data(rule: AlertRule, membership: Membership) -> dict[str, Any]:
    return {
        "id": rule.pk, "name": rule.name, "metric": rule.metric, "metric_label": rule.get_metric_display(),
        "app_id": rule.app_id, "app_name": rule.app.name if rule.app_id else None,
        "comparison": rule.comparison, "threshold": rule.threshold, "window_minutes": rule.window_minutes,
        "min_runs": rule.min_runs, "evaluator": rule.evaluator,
        "webhook_url": rule.webhook_url if membership.can("build") else None, "has_webhook": bool(rule.webhook_url),
        "emails": rule.emails, "send_email": rule.send_email, "enabled": rule.enabled,
        "firing": bool(getattr(rule, "firing", False)), "last_evaluated_at": rule.last_evaluated_at,
        "last_value": rule.last_value, "last_error": rule.last_error, "monitoring_url": monitoring_url(rule),
        "created_at": rule.created_at, "updated_at": rule.updated_at,
    }


def alert_data(alert: Alert) -> dict[str, Any]:
    rule = alert.rule
    return {
        "id": alert.pk, "rule_id": rule.pk, "rule_name": rule.name, "metric": alert.metric,
        "app_id": rule.app_id, "app_name": rule.app.name if rule.app_id else None,
        "comparison": alert.comparison, "threshold": alert.threshold,
        "status": "firing" if alert.firing else "resolved",
        "window": {"start": alert.window_start, "end": alert.window_end},
        "value": alert.value, "latest_value": alert.latest_value, "latest_at": alert.latest_at,
        "fired_at": alert.fired_at, "resolved_at": alert.resolved_at, "resolved_value": alert.resolved_value,
        "deliveries": alert.deliveries, "monitoring_url": monitoring_url(rule),
    }
