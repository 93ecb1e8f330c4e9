"""Every execution of an app — debug, single node, API, chat, web chat — and of a prompt in the
playground, with its node traces."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from runtime.engine.compiled import answer_of


class RunSource(models.TextChoices):
    DEBUG = "debug", "Debug run"
    NODE = "node", "Single-node run"
    API = "api", "API"
    CHAT = "chat", "Chat"
    WEB = "web", "Web chat"
    PLAYGROUND = "playground", "Playground"
    EXPERIMENT = "experiment", "Experiment"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


FINISHED = (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED)


class Run(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="runs")
    app = models.ForeignKey(
        "flows.App", null=True, blank=True, on_delete=models.CASCADE, related_name="runs",
        help_text="None for a prompt run in the playground.",
    )
    group_id = models.UUIDField(
        null=True, blank=True, db_index=True, help_text="Runs started together (a playground's columns)."
    )
    prompt_version = models.ForeignKey(
        "prompts.PromptVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The library prompt version a playground or experiment run ran.",
    )
    group_index = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Its place in the group (a playground's column)."
    )
    version = models.ForeignKey(
        "flows.AppVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    source = models.CharField(max_length=16, choices=RunSource.choices, default=RunSource.DEBUG)
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    graph = models.JSONField(help_text="The graph that ran (a snapshot: drafts change).")
    cancel_requested = models.BooleanField(default=False)
    target_node_id = models.CharField(max_length=64, blank=True, default="", help_text="Single-node runs.")
    inputs = models.JSONField(default=dict, blank=True)
    outputs = models.JSONField(default=dict, blank=True)
    error_code = models.CharField(max_length=64, blank=True, default="")
    error_message = models.TextField(blank=True, default="")
    error_node_id = models.CharField(max_length=64, blank=True, default="")
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    cost = models.FloatField(default=0.0)
    latency_ms = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["workspace", "-created_at"]),
            models.Index(fields=["app", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def answer(self) -> str | None:
        """The text the run answered (see :func:`runtime.engine.compiled.answer_of`)."""
        return answer_of(self.outputs)


class NodeTrace(models.Model):
    """What one node did in a run: the last attempt's inputs, outcome, outputs, cost and timing."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="traces")
    app = models.ForeignKey("flows.App", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    sequence = models.PositiveIntegerField()
    node_id = models.TextField(help_text="The node's id; inside an iteration <node>[<index>]/<sub-node>.")
    node_type = models.CharField(max_length=64)
    status = models.CharField(max_length=16)
    inputs = models.JSONField(
        default=dict, blank=True, help_text="What the node sent out: rendered messages, request, query."
    )
    outputs = models.JSONField(default=dict, blank=True)
    handle = models.CharField(max_length=64, blank=True, default="")
    error_code = models.CharField(max_length=64, blank=True, default="")
    error_message = models.TextField(blank=True, default="")
    attempt = models.PositiveIntegerField(default=1)
    latency_ms = models.FloatField(default=0.0)
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    cost = models.FloatField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "sequence"]
        indexes = [models.Index(fields=["app", "node_id", "-finished_at"])]

    def __str__(self) -> str:
        return f"{self.node_id} in {self.run_id} ({self.status})"
