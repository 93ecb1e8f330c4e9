"""Telling people: a JSON POST to the rule's webhook (through the SSRF-safe client, under the
platform's address policy) and an e-mail to the rule's addresses or the workspace's owners.

A delivery never raises: what failed is returned (and stored on the alert) so that the other
channel, and the other rules, still go. The webhook's URL may carry a token in its query string:
it is never logged nor stored in a delivery record."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from builder.accounts.models import Membership, Role
from builder.alerts.models import AlertRule, Metric
from builder.core.addresses import address_policy
from runtime.net import NetError, SafeHttpClient

log = logging.getLogger(__name__)

WEBHOOK_TIMEOUT_S = 10.0
FIRING, RESOLVED, TEST = "firing", "resolved", "test"

_PAGE = {
    Metric.ERROR_RATE: "performance",
    Metric.P95_LATENCY: "performance",
    Metric.DAILY_COST: "cost",
    Metric.NEGATIVE_FEEDBACK_SHARE: "quality",
    Metric.EVALUATOR_PASS_RATE: "quality",
}


@dataclass(frozen=True, slots=True)
class Notice:
    """The facts every channel carries."""

    rule: AlertRule
    status: str  # firing | resolved | test
    value: float | None
    window_start: datetime
    window_end: datetime

    @property
    def url(self) -> str:
        return monitoring_url(self.rule)

    def payload(self) -> dict[str, Any]:
        rule = self.rule
        return {
            "rule": rule.name, "rule_id": rule.pk, "metric": rule.metric, "comparison": rule.comparison,
            "value": self.value, "threshold": rule.threshold,
            "window": {"start": self.window_start.isoformat(), "end": self.window_end.isoformat()},
            "status": self.status, "app": rule.app.name if rule.app_id else None, "app_id": rule.app_id,
            "workspace_id": rule.workspace_id, "url": self.url,
        }


def monitoring_url(rule: AlertRule) -> str:
    """The monitoring page that shows the rule's metric (a path: the platform has no base URL setting)."""
    return f"/monitoring/w/{rule.workspace_id}/{_PAGE[Metric(rule.metric)]}"


def format_value(metric: str, value: float | None) -> str:
    if value is None:
        return "no data"
    if metric == Metric.P95_LATENCY:
        return f"{value:,.0f} ms"
    if metric == Metric.DAILY_COST:
        return f"${value:,.4f}"
    return f"{value * 100:.1f} %"


def notify(notice: Notice) -> list[dict[str, Any]]:
    """Send ``notice`` on every channel of its rule; one delivery record per channel tried."""
    deliveries = []
    if notice.rule.webhook_url:
        deliveries.append(_record(notice, "webhook", _post_webhook(notice)))
    if notice.rule.send_email:
        recipients = recipients_of(notice.rule)
        if recipients:
            deliveries.append({**_record(notice, "email", _send_email(notice, recipients)), "to": len(recipients)})
    return deliveries


def recipients_of(rule: AlertRule) -> list[str]:
    if rule.emails:
        return list(rule.emails)
    owners = Membership.objects.filter(workspace_id=rule.workspace_id, role=Role.OWNER, user__email__isnull=False)
    return sorted(owners.values_list("user__email", flat=True))


def _record(notice: Notice, channel: str, error: str | None) -> dict[str, Any]:
    return {"status": notice.status, "channel": channel, "ok": error is None, "error": error or "",
            "at": timezone.now().isoformat()}


def _post_webhook(notice: Notice) -> str | None:
    async def post() -> str | None:
        async with SafeHttpClient(policy=address_policy()) as client:
            response = await client.request("POST", notice.rule.webhook_url, json=notice.payload(),
                                            timeout_s=WEBHOOK_TIMEOUT_S, follow_redirects=False)
        return None if response.status < 300 else f"The webhook answered HTTP {response.status}."

    # Only the rule is named in the log: the URL may carry a token (and httpx, which would log it
    # at INFO, logs at WARNING and above only: builder.settings.base.LOGGING).
    try:
        error = asyncio.run(post())
    except NetError as exc:
        error = f"{exc.code}: {exc.message}"
    if error is not None:
        log.warning("alert rule %s: webhook delivery failed: %s", notice.rule.pk, error)
    return error


def _send_email(notice: Notice, recipients: list[str]) -> str | None:
    rule = notice.rule
    value, threshold = format_value(rule.metric, notice.value), format_value(rule.metric, rule.threshold)
    state = {FIRING: "Firing", RESOLVED: "Resolved", TEST: "Test"}[notice.status]
    subject = f"[{state}] {rule.name}: {rule.get_metric_display()} {value}"
    lines = [
        f"{state}: the alert rule \u201c{rule.name}\u201d"
        + (" is a test notification." if notice.status == TEST else
           " has fired." if notice.status == FIRING else " has recovered."),
        "",
        f"Metric: {rule.get_metric_display()}" + (f" of {rule.app.name}" if rule.app_id else " of all published apps"),
        f"Value: {value} (alert when {rule.comparison} {threshold})",
        f"Window: {notice.window_start:%Y-%m-%d %H:%M} to {notice.window_end:%Y-%m-%d %H:%M} UTC",
        "",
        f"See it on the monitoring page: {notice.url}",
    ]
    try:
        send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception as exc:  # noqa: BLE001 - a mail server that fails must not stop the webhook or other rules
        log.warning("alert rule %s: e-mail delivery failed (%s)", rule.pk, type(exc).__name__)
        return f"The e-mail could not be sent: {type(exc).__name__}: {exc}"
    return None
