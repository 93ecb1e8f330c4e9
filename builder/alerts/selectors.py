"""Reads of alerts: a workspace's rules (with whether each is firing) and its fired alerts,
firing first. Another workspace's rule answers NotFound, like one that does not exist."""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, QuerySet

from builder.accounts.models import Workspace
from builder.alerts.models import Alert, AlertRule
from builder.core.errors import NotFound

ALERT_STATUSES = ("firing", "resolved")


def rules_of(*, workspace: Workspace) -> QuerySet[AlertRule]:
    return (AlertRule.objects.filter(workspace=workspace).select_related("app")
            .annotate(firing=Exists(Alert.objects.filter(rule=OuterRef("pk"), resolved_at__isnull=True))))


def rule_get(*, workspace: Workspace, rule_id: int) -> AlertRule:
    rule = rules_of(workspace=workspace).filter(pk=rule_id).first()
    if rule is None:
        raise NotFound("Alert rule not found.")
    return rule


def alerts_of(*, workspace: Workspace, status: str | None = None, rule_id: int | None = None) -> QuerySet[Alert]:
    """Fired alerts, those still firing first, then the latest fired."""
    alerts = Alert.objects.filter(rule__workspace=workspace).select_related("rule", "rule__app")
    if status == "firing":
        alerts = alerts.filter(resolved_at__isnull=True)
    elif status == "resolved":
        alerts = alerts.filter(resolved_at__isnull=False)
    if rule_id is not None:
        alerts = alerts.filter(rule_id=rule_id)
    return alerts.order_by(F("resolved_at").desc(nulls_first=True), "-fired_at", "-id")
