"""Rollups of published traffic (``/v1`` runs, chat completions, web chat) that the monitoring
pages and alerts read instead of the raw runs.

They are kept up to date by the database itself: a statement-level trigger on the table of API
runs (``publishing_apirun``, written in the same transaction as the run and its node traces, after
them) adds each batch of runs to every grain in one ``INSERT … ON CONFLICT DO UPDATE`` per table;
one on feedback does the same for ratings (see ``migrations/0001_initial.py`` and
:mod:`builder.monitoring.rollups`). Nothing in Python has to remember to call them, and runs
loaded in bulk are counted like any other.

Rows are keyed by grain (minute, hour, day), the bucket's start (UTC) and the dimensions the pages
filter by: app, version, label, source, API key and the models the run called. Minute rows are
pruned after :data:`MINUTE_RETENTION`; hours and days are kept."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models

MINUTE_RETENTION = timedelta(days=2)

#: Latency histograms: bin ``b`` holds values in [BIN_BASE**b, BIN_BASE**(b+1)) ms (bin 0 also
#: everything below 1 ms): percentiles read from them are within ±5 % of the exact figure.
BIN_BASE = 1.1


class Grain(models.TextChoices):
    MINUTE = "m", "minute"
    HOUR = "h", "hour"
    DAY = "d", "day"


class _Dimensions(models.Model):
    """What every rollup row is keyed by. Ids are plain integers (0: none), not foreign keys: a
    rollup outlives nothing it counts, and the pages name apps and versions by joining them."""

    grain = models.CharField(max_length=1, choices=Grain.choices)
    bucket = models.DateTimeField()
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    app_id = models.IntegerField()
    version_id = models.IntegerField()
    label = models.CharField(max_length=40)
    source = models.CharField(max_length=16)
    api_key_id = models.IntegerField()
    models = models.CharField(max_length=300, help_text="The models the run called, sorted, comma-separated.")

    class Meta:
        abstract = True


class RunRollup(_Dimensions):
    error_code = models.CharField(max_length=64, help_text="'' for runs that succeeded.")
    runs = models.BigIntegerField()
    failed = models.BigIntegerField()
    streamed = models.BigIntegerField()
    tokens_in = models.BigIntegerField()
    tokens_out = models.BigIntegerField()
    cost = models.FloatField()
    latency_ms_sum = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["grain", "bucket", "workspace", "app_id", "version_id", "label", "source", "api_key_id",
                    "models", "error_code"], name="run_rollup_key")]
        indexes = [models.Index(fields=["workspace", "grain", "bucket"], name="run_rollup_time")]


class NodeRollup(_Dimensions):
    """Per node type and model (``models`` holds the node's own model)."""

    node_type = models.CharField(max_length=64)
    calls = models.BigIntegerField()
    failed = models.BigIntegerField()
    tokens_in = models.BigIntegerField()
    tokens_out = models.BigIntegerField()
    cost = models.FloatField()
    latency_ms_sum = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["grain", "bucket", "workspace", "app_id", "version_id", "label", "source", "api_key_id",
                    "models", "node_type"], name="node_rollup_key")]
        indexes = [models.Index(fields=["workspace", "grain", "bucket"], name="node_rollup_time")]


class LatencyBin(_Dimensions):
    """How many runs (``metric`` "run"), node calls ("node:<type>") or first tokens ("ttft") took
    a time in bin ``bin`` (see :data:`BIN_BASE`)."""

    metric = models.CharField(max_length=80)
    bin = models.SmallIntegerField()
    count = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["grain", "bucket", "workspace", "app_id", "version_id", "label", "source", "api_key_id",
                    "models", "metric", "bin"], name="latency_bin_key")]
        indexes = [models.Index(fields=["workspace", "metric", "grain", "bucket"], name="latency_bin_time")]


class FeedbackRollup(_Dimensions):
    """Feedback on runs, bucketed by the run's time (so that a rate divides by the same runs)."""

    feedback = models.BigIntegerField()
    positive = models.BigIntegerField()
    negative = models.BigIntegerField()
    scored = models.BigIntegerField()
    score_sum = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["grain", "bucket", "workspace", "app_id", "version_id", "label", "source", "api_key_id",
                    "models"], name="feedback_rollup_key")]
        indexes = [models.Index(fields=["workspace", "grain", "bucket"], name="feedback_rollup_time")]


class EndUserRollup(models.Model):
    """Daily use per end user (the ``user`` a caller names), for the cost page's top users."""

    day = models.DateField()
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    app_id = models.IntegerField()
    end_user = models.CharField(max_length=200)
    runs = models.BigIntegerField()
    tokens_in = models.BigIntegerField()
    tokens_out = models.BigIntegerField()
    cost = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "workspace", "app_id", "end_user"],
                                               name="end_user_rollup_key")]
        indexes = [models.Index(fields=["workspace", "day"], name="end_user_rollup_time")]


class Budget(models.Model):
    """A workspace's monthly spending budget (the cost page projects the month against it)."""

    workspace = models.OneToOneField("accounts.Workspace", on_delete=models.CASCADE, related_name="budget")
    monthly = models.DecimalField(max_digits=12, decimal_places=2)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
