"""Test data: a workspace's datasets and their immutable versions of rows (inputs, an optional
expected output, tags naming the task). An experiment records the version it ran on, so editing a
dataset makes a new version and never changes what an experiment saw."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Dataset(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="datasets")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="dataset_name_unique_in_workspace")]

    def __str__(self) -> str:
        return self.name


class ImmutableDatasetVersion(Exception):
    pass


class DatasetVersion(models.Model):
    """One version of a dataset's rows. Never changes once written."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    note = models.CharField(max_length=500, blank=True, default="", help_text="What changed and where it came from.")
    row_count = models.PositiveIntegerField(default=0)
    columns = models.JSONField(default=list, help_text="The input names its rows use, in first-seen order.")
    tags = models.JSONField(default=list, help_text="The tags (tasks) its rows carry, sorted.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["dataset", "number"], name="dataset_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.dataset_id} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableDatasetVersion(f"version {self.number} of dataset {self.dataset_id} is immutable")
        super().save(*args, **kwargs)


class DatasetRow(models.Model):
    version = models.ForeignKey(DatasetVersion, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField()
    inputs = models.JSONField(default=dict)
    expected = models.TextField(null=True, blank=True, help_text="The expected output, when there is one.")
    tags = models.JSONField(default=list, help_text="The task(s) the row belongs to.")
    metadata = models.JSONField(default=dict, blank=True)
    source_run = models.ForeignKey(
        "runs.Run", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The traced run the row was taken from.",
    )

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="dataset_row_position_unique")]
