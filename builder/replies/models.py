"""Annotation replies: reviewed answers a published app returns, without calling its model, to a
question close enough to the one they were written for; and each app's switch for them.

The switch lives here (:class:`ReplySettings`) and not on ``publishing.Publication``: the matcher
reads it, and publishing sits above this app in the layers (publishing calls the matcher, never
the other way), so the setting belongs to the domain that uses it. No row: replies are off."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from pgvector.django import VectorField

from runtime.providers.embeddings import EMBEDDING_DIMS

#: Cosine similarity a new question needs to a reviewed one, until a builder sets another.
DEFAULT_THRESHOLD = 0.9
MIN_THRESHOLD = 0.5
MAX_THRESHOLD = 1.0


class ReplySource(models.TextChoices):
    MANUAL = "manual", "Added by hand"
    ANNOTATION = "annotation", "Approved in an annotation queue"


class Reply(models.Model):
    """A reviewed question and its approved answer; ``embedding`` is the question's vector (the
    local MiniLM model, as knowledge bases use by default)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    app = models.ForeignKey("flows.App", on_delete=models.CASCADE, related_name="replies")
    question = models.TextField()
    answer = models.TextField()
    embedding = VectorField(dimensions=EMBEDDING_DIMS)
    enabled = models.BooleanField(default=True)
    hit_count = models.PositiveIntegerField(default=0)
    last_hit_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=ReplySource.choices, default=ReplySource.MANUAL)
    # An annotation queue item; no foreign key: the annotation app sits above this one.
    source_item_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # Matching is an exact scan of one app's enabled replies ordered by ``embedding <=> query``,
        # not an HNSW search: an app has hundreds of replies, which a B-tree on (app, enabled)
        # narrows to in microseconds, and an approximate index filtered by app afterwards can miss
        # the one reply that matches (it returns its nearest candidates over all apps first).
        indexes = [models.Index(fields=["app", "enabled"], name="reply_app_enabled")]

    def __str__(self) -> str:
        return f"reply {self.pk}: {self.question[:40]}"


class ReplySettings(models.Model):
    """Whether an app serves its replies, and how close a question must be (cosine similarity)."""

    app = models.OneToOneField("flows.App", on_delete=models.CASCADE, related_name="reply_settings")
    enabled = models.BooleanField(default=False)
    threshold = models.FloatField(default=DEFAULT_THRESHOLD)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(threshold__gte=MIN_THRESHOLD, threshold__lte=MAX_THRESHOLD),
                name="reply_threshold_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"replies of {self.app_id} ({'on' if self.enabled else 'off'} at {self.threshold})"
