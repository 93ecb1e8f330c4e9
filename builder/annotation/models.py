"""Annotation: score configs, review queues fed by hand, by sampling rules and from experiments,
items claimed by reviewers with a lock timeout, one review per reviewer and item with its scores,
and the owner's adjudicated final result.

Claims are review rows: an item that wants ``required_reviews`` reviews has that many slots; a
claimed review holds one until it expires, and (item, reviewer) is unique, so an item that wants
two reviews always goes to two different people.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ScoreKind(models.TextChoices):
    CATEGORICAL = "categorical", "Categorical"
    NUMERIC = "numeric", "Numeric"
    BOOLEAN = "boolean", "Boolean"
    TEXT = "text", "Free text"


class ScoreConfig(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="score_configs")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=ScoreKind.choices)
    description = models.TextField(blank=True, default="", help_text="Shown to reviewers.")
    options = models.JSONField(default=list, blank=True, help_text="Categorical: the option names, in order.")
    min_value = models.FloatField(null=True, blank=True)
    max_value = models.FloatField(null=True, blank=True)
    step = models.FloatField(null=True, blank=True)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="score_config_name_unique")]

    def __str__(self) -> str:
        return self.name


class AnnotationQueue(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="annotation_queues")
    name = models.CharField(max_length=200)
    instructions = models.TextField(blank=True, default="", help_text="Markdown, shown on the review screen.")
    score_configs = models.ManyToManyField(ScoreConfig, related_name="queues", blank=True)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="annotation_queues", blank=True,
        help_text="Who reviews; empty: every member who may annotate.",
    )
    required_reviews = models.PositiveSmallIntegerField(default=1)
    blind = models.BooleanField(default=True, help_text="Reviewers never see others' scores before submitting.")
    due_at = models.DateTimeField(null=True, blank=True)
    lock_timeout_s = models.PositiveIntegerField(default=600)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class SamplingRule(models.Model):
    """Takes a share of new runs that match its filters into the queue, at most ``daily_cap`` a day."""

    queue = models.ForeignKey(AnnotationQueue, on_delete=models.CASCADE, related_name="rules")
    app = models.ForeignKey("flows.App", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    version_number = models.PositiveIntegerField(null=True, blank=True)
    label = models.CharField(max_length=40, blank=True, default="")
    status = models.CharField(max_length=16, blank=True, default="")
    min_latency_ms = models.FloatField(null=True, blank=True)
    negative_feedback = models.BooleanField(default=False)
    evaluator = models.JSONField(null=True, blank=True, help_text="A run is taken when it fails this evaluator.")
    sample_percent = models.FloatField(default=10.0)
    daily_cap = models.PositiveIntegerField(default=100)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_scanned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]


class ItemKind(models.TextChoices):
    RUN = "run", "Run"
    NODE = "node", "One node of a run"
    CELL = "cell", "Experiment cell"


class ItemStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    IN_REVIEW = "in_review", "In review"
    COMPLETED = "completed", "Completed"
    SKIPPED = "skipped", "Skipped"


class ItemSource(models.TextChoices):
    MANUAL = "manual", "By hand"
    RULE = "rule", "Sampling rule"
    EXPERIMENT = "experiment", "Experiment"


class QueueItem(models.Model):
    queue = models.ForeignKey(AnnotationQueue, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=8, choices=ItemKind.choices)
    run = models.ForeignKey("runs.Run", on_delete=models.CASCADE, related_name="+")
    node_id = models.TextField(blank=True, default="", help_text="Node items: the node reviewed.")
    cell = models.ForeignKey("experiments.Cell", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    source = models.CharField(max_length=16, choices=ItemSource.choices, default=ItemSource.MANUAL)
    rule = models.ForeignKey(SamplingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="items")
    reviews_submitted = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    final_scores = models.JSONField(null=True, blank=True, help_text="Adjudicated: {config id: value}.")
    final_output = models.TextField(null=True, blank=True)
    adjudicated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    adjudicated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["queue", "run", "node_id"], name="queue_item_once"),
        ]
        indexes = [models.Index(fields=["queue", "status", "id"])]

    def __str__(self) -> str:
        return f"item {self.pk} of {self.queue_id}"


class ReviewStatus(models.TextChoices):
    CLAIMED = "claimed", "Claimed"
    SUBMITTED = "submitted", "Submitted"
    SKIPPED = "skipped", "Skipped"


class Review(models.Model):
    """One reviewer's slot on an item: claimed until ``expires_at``, then submitted or skipped."""

    item = models.ForeignKey(QueueItem, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.CLAIMED)
    claimed_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    corrected_output = models.TextField(null=True, blank=True)
    comment = models.TextField(blank=True, default="")
    skip_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "reviewer"], name="one_review_per_reviewer")]
        indexes = [models.Index(fields=["reviewer", "status"])]


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    config = models.ForeignKey(ScoreConfig, on_delete=models.PROTECT, related_name="scores")
    value = models.JSONField()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["review", "config"], name="one_score_per_config")]
