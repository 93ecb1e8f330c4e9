"""Alert rules on published traffic and the alerts they fire.

A rule compares one metric of a window of published traffic (:mod:`builder.monitoring`'s
rollups, or an evaluator over the window's latest runs) with a threshold. Its state is whether it
has an open :class:`Alert`: OK → firing (one Alert row, one notification) → still firing (the
row's latest value is updated, nobody is told again) → resolved (``resolved_at`` set, one
"resolved" notification) → may fire again later, as a new row. At most one open alert per rule:
a constraint holds it even if two evaluations raced."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Metric(models.TextChoices):
    ERROR_RATE = "error_rate", "Error rate"
    P95_LATENCY = "p95_latency_ms", "p95 latency (ms)"
    DAILY_COST = "daily_cost", "Cost today (UTC)"
    NEGATIVE_FEEDBACK_SHARE = "negative_feedback_share", "Share of negative ratings"
    EVALUATOR_PASS_RATE = "evaluator_pass_rate", "Evaluator pass rate"


class Comparison(models.TextChoices):
    ABOVE = "above", "above"
    BELOW = "below", "below"


#: Which way a metric goes bad, when a rule does not say.
DEFAULT_COMPARISON = {
    Metric.ERROR_RATE: Comparison.ABOVE,
    Metric.P95_LATENCY: Comparison.ABOVE,
    Metric.DAILY_COST: Comparison.ABOVE,
    Metric.NEGATIVE_FEEDBACK_SHARE: Comparison.ABOVE,
    Metric.EVALUATOR_PASS_RATE: Comparison.BELOW,
}
#: Metrics that are a share between 0 and 1.
RATE_METRICS = frozenset({Metric.ERROR_RATE, Metric.NEGATIVE_FEEDBACK_SHARE, Metric.EVALUATOR_PASS_RATE})


class AlertRule(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="alert_rules")
    name = models.CharField(max_length=200)
    metric = models.CharField(max_length=32, choices=Metric.choices)
    app = models.ForeignKey("flows.App", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                            help_text="Only this app's traffic; all published apps when empty.")
    comparison = models.CharField(max_length=8, choices=Comparison.choices)
    threshold = models.FloatField()
    window_minutes = models.PositiveIntegerField(default=15, help_text="Ignored by daily_cost: the UTC day so far.")
    min_runs = models.PositiveIntegerField(
        default=20, help_text="Runs in the window (runs judged, for an evaluator) before the rule may fire or recover.")
    evaluator = models.JSONField(null=True, blank=True, help_text="evaluator_pass_rate: the evaluator's config.")
    webhook_url = models.URLField(max_length=2000, blank=True, default="")
    emails = models.JSONField(default=list, blank=True,
                              help_text="Addresses to tell; the workspace's owners when empty.")
    send_email = models.BooleanField(default=True)
    enabled = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_evaluated_at = models.DateTimeField(null=True, blank=True)
    last_value = models.FloatField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="", help_text="Why the last evaluation failed, if it did.")

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["workspace", "enabled"], name="alert_rule_ws")]

    def __str__(self) -> str:
        return self.name


class Alert(models.Model):
    """One firing of a rule, from the evaluation that found the condition to the one that found it
    gone. ``deliveries`` lists each notification: status (firing / resolved), channel, ok, error."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts")
    metric = models.CharField(max_length=32, choices=Metric.choices)
    comparison = models.CharField(max_length=8, choices=Comparison.choices)
    threshold = models.FloatField()
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    value = models.FloatField(help_text="The value that fired it.")
    latest_value = models.FloatField(null=True, blank=True)
    latest_at = models.DateTimeField()
    fired_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_value = models.FloatField(null=True, blank=True)
    deliveries = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-fired_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["rule"], condition=Q(resolved_at__isnull=True),
                                               name="one_open_alert_per_rule")]
        indexes = [models.Index(fields=["rule", "-fired_at"], name="alert_rule_fired")]

    @property
    def firing(self) -> bool:
        return self.resolved_at is None
