"""Batch experiments: variants (a prompt version on a model, or an app version) × the rows of one
dataset version. Each (variant, row) is one cell, computed exactly once as a recorded run, judged
by the experiment's evaluators and labelled good or bad by people."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ExperimentStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"


class Experiment(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="experiments")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    dataset_version = models.ForeignKey("datasets.DatasetVersion", on_delete=models.PROTECT, related_name="+")
    evaluators = models.JSONField(default=list, help_text="[{name, type, ...settings}], run on every cell.")
    primary_evaluator = models.CharField(
        max_length=100, blank=True, default="", help_text="The evaluator whose verdict counts where no human labelled.",
    )
    concurrency = models.PositiveSmallIntegerField(default=4, help_text="Cells at once per model provider.")
    status = models.CharField(max_length=16, choices=ExperimentStatus.choices, default=ExperimentStatus.QUEUED)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cells_total = models.PositiveIntegerField(default=0)
    cells_done = models.PositiveIntegerField(default=0, help_text="Cells finished, failed ones included.")
    cells_failed = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-created_at"])]

    def __str__(self) -> str:
        return self.name


class Variant(models.Model):
    """One column of the experiment: what runs on every row."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="variants")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    prompt_version = models.ForeignKey(
        "prompts.PromptVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    app_version = models.ForeignKey("flows.AppVersion", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    model = models.JSONField(null=True, blank=True, help_text="The model configuration (prompt variants).")
    provider = models.CharField(max_length=100, blank=True, default="", help_text="For the concurrency bound.")
    graph = models.JSONField(help_text="The graph every cell of this variant runs (a snapshot).")

    class Meta:
        ordering = ["experiment", "position"]
        constraints = [models.UniqueConstraint(fields=["experiment", "position"], name="variant_position_unique")]


class CellStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class Cell(models.Model):
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="cells")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="cells")
    row = models.ForeignKey("datasets.DatasetRow", on_delete=models.PROTECT, related_name="+")
    run = models.OneToOneField("runs.Run", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=CellStatus.choices, default=CellStatus.PENDING)
    output = models.TextField(null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True, default="")
    verdicts = models.JSONField(default=list, help_text="[{evaluator, type, score, passed, reason}]")
    passed = models.BooleanField(null=True, blank=True, help_text="The primary evaluator's verdict.")
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    cost = models.FloatField(default=0.0)
    latency_ms = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["row__position", "variant__position"]
        constraints = [models.UniqueConstraint(fields=["variant", "row"], name="cell_unique_per_variant_and_row")]
        indexes = [models.Index(fields=["experiment", "status"])]


class CellLabel(models.Model):
    """One person's judgement of a cell: good or bad, an optional 1–5 score and a comment."""

    cell = models.ForeignKey(Cell, on_delete=models.CASCADE, related_name="labels")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    good = models.BooleanField()
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cell", "user"], name="cell_label_unique_per_user")]
