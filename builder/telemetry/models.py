"""Where a workspace's runs go besides our own trace store: one OpenTelemetry (OTLP/HTTP)
collector per workspace, and the outbox of finished runs it has not received yet.

The outbox is filled by a PostgreSQL trigger on ``runs_run`` (migration 0002), in the transaction
that finishes the run — so a run is queued exactly when it becomes visible with its node traces,
whatever order batches commit in and whatever date the run carries. A watermark on a timestamp
cannot promise that: the COPY sink writes runs dated by their *start*, and a batch that commits
late holds runs older than ones already exported. The exporter deletes the rows it has sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models

#: What is exported unless the workspace picks otherwise: what the published app answered.
DEFAULT_SOURCES = ("api", "chat", "web")


def default_sources() -> list[str]:
    return list(DEFAULT_SOURCES)


class ExportTarget(models.Model):
    """A workspace's OTLP/HTTP trace endpoint (``https://collector:4318/v1/traces``).

    ``headers`` holds ``[{"name", "value_encrypted", "hint"}]``: values are encrypted with
    :mod:`builder.providers.crypto` and never returned; answers carry the hint."""

    workspace = models.OneToOneField("accounts.Workspace", on_delete=models.CASCADE, related_name="telemetry_target")
    endpoint = models.CharField(max_length=500)
    headers = models.JSONField(default=list, blank=True)
    enabled = models.BooleanField(default=True)
    sources = models.JSONField(default=default_sources, help_text="Run sources exported (RunSource values).")
    include_content = models.BooleanField(
        default=True, help_text="Send prompts, answers, inputs and outputs (truncated); off: only metadata."
    )
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_error_code = models.CharField(max_length=64, blank=True, default="")
    last_error_message = models.TextField(blank=True, default="")
    exported_runs = models.PositiveBigIntegerField(default=0)
    exported_spans = models.PositiveBigIntegerField(default=0)
    failed_attempts = models.PositiveIntegerField(default=0, help_text="Failed exports since the last success.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"telemetry export of workspace {self.workspace_id} to {self.endpoint}"

    def __repr__(self) -> str:
        return f"ExportTarget(id={self.pk}, workspace={self.workspace_id}, endpoint={self.endpoint!r}, headers=***)"


class PendingRun(models.Model):
    """A finished run its workspace's collector has not received yet (written by the trigger)."""

    id = models.BigAutoField(primary_key=True)
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    # No database constraint: a run deleted by any means leaves a row the exporter drops.
    run = models.OneToOneField("runs.Run", on_delete=models.CASCADE, db_constraint=False, related_name="+")
    queued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "id"])]

    def __str__(self) -> str:
        return f"run {self.run_id} waiting for export"
