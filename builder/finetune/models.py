"""Fine-tuning jobs: which base model, method and data; the loss curve as it goes; the adapter."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from runtime.finetune.methods import LABELS, Method


class TuneStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


FINISHED = (TuneStatus.SUCCEEDED, TuneStatus.FAILED, TuneStatus.CANCELLED)


class TuneSource(models.TextChoices):
    TRAINED = "trained", "Trained here"
    UPLOADED = "uploaded", "Uploaded"


class MergeStatus(models.TextChoices):
    NONE = "", "Not merged"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Merging"
    DONE = "done", "Merged"
    FAILED = "failed", "Failed"


class FineTuneJob(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="finetune_jobs")
    name = models.SlugField(max_length=60, help_text="The adapter's name: the tuned model is served as base+name.")
    base_model = models.CharField(max_length=200)
    method = models.CharField(max_length=16, choices=[(m.value, LABELS[m]) for m in Method])
    method_settings = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=16, choices=TuneSource.choices, default=TuneSource.TRAINED)
    dataset_version = models.ForeignKey("datasets.DatasetVersion", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", help_text="The training data (none for an uploaded adapter).")
    validation_share = models.FloatField(default=0.2)
    epochs = models.PositiveSmallIntegerField(default=3)
    learning_rate = models.FloatField(default=3e-4)
    batch_size = models.PositiveSmallIntegerField(default=4)
    max_length = models.PositiveIntegerField(default=256)
    seed = models.PositiveIntegerField(default=0)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=TuneStatus.choices, default=TuneStatus.QUEUED)
    step = models.PositiveIntegerField(default=0)
    total_steps = models.PositiveIntegerField(default=0)
    losses = models.JSONField(default=list, blank=True, help_text="[[step, training loss], …]")
    val_losses = models.JSONField(default=list, blank=True, help_text="[[step, validation loss], …]")
    tokens_per_s = models.FloatField(null=True, blank=True)
    eta_s = models.FloatField(null=True, blank=True)
    trainable_params = models.BigIntegerField(null=True, blank=True)
    total_params = models.BigIntegerField(null=True, blank=True)
    train_rows = models.PositiveIntegerField(default=0)
    validation_rows = models.PositiveIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    evaluation = models.ForeignKey("experiments.Experiment", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", help_text="Base vs tuned on the held-out rows.")
    merge_status = models.CharField(max_length=16, choices=MergeStatus.choices, blank=True, default=MergeStatus.NONE)
    merge_error = models.TextField(blank=True, default="")
    error_code = models.CharField(max_length=64, blank=True, default="")
    error_message = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="finetune_name_unique")]

    def __str__(self) -> str:
        return f"{self.base_model}+{self.name}"

    @property
    def model_name(self) -> str:
        """How apps, the playground and experiments name the tuned model."""
        return f"{self.base_model}+{self.name}"
