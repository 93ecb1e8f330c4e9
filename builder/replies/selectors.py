"""Reads of annotation replies: an app's replies and its switch, one reply, and the match — the
nearest enabled reply to a question, when it is close enough."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from pgvector.django import CosineDistance

from builder.flows.models import App
from builder.replies.errors import ReplyNotFound
from builder.replies.models import DEFAULT_THRESHOLD, Reply, ReplySettings
from builder.replies.vectors import question_vector

SIMILARITY_TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class ReplySwitch:
    """Whether an app serves its replies and the similarity a question needs (what serving caches)."""

    enabled: bool
    threshold: float


def reply_settings_get(*, app: App) -> ReplySettings:
    """The app's settings; an unsaved default (off, 0.9) when a builder never changed them."""
    found = ReplySettings.objects.filter(app=app).first()
    return found if found is not None else ReplySettings(app=app)


def reply_switch(*, app_id: int) -> ReplySwitch:
    row = ReplySettings.objects.filter(app_id=app_id).values_list("enabled", "threshold").first()
    return ReplySwitch(*row) if row else ReplySwitch(False, DEFAULT_THRESHOLD)


def replies_of(*, app: App) -> QuerySet[Reply]:
    """The app's replies, newest first (the vectors are left out: nobody reads them)."""
    return Reply.objects.filter(app=app).defer("embedding").select_related("created_by")


def reply_get(*, app: App, reply_id: int) -> Reply:
    reply = Reply.objects.filter(app=app, pk=reply_id).first()
    if reply is None:
        raise ReplyNotFound("Reply not found.")
    return reply


def reply_nearest(*, app_id: int, vector: list[float], threshold: float) -> tuple[Reply, float] | None:
    """The app's enabled reply nearest to ``vector`` and its cosine similarity, when that is at
    least ``threshold``. An exact scan of the app's replies (see ``Reply.Meta.indexes``)."""
    found = (
        Reply.objects.filter(app_id=app_id, enabled=True)
        .annotate(distance=CosineDistance("embedding", vector))
        .defer("embedding")
        .order_by("distance", "-id")
        .first()
    )
    if found is None:
        return None
    similarity = 1.0 - float(found.distance)
    # float rounding must not keep the very same question from a threshold of 1.0
    return (found, similarity) if similarity >= threshold - SIMILARITY_TOLERANCE else None


def reply_match(*, app: App, question: str) -> tuple[Reply, float] | None:
    """The reply ``app`` would serve for ``question`` and its similarity: only while the app's
    replies are on, only enabled replies, only at or above the app's threshold."""
    switch = reply_switch(app_id=app.pk)
    if not switch.enabled or not question.strip():
        return None
    return reply_nearest(app_id=app.pk, vector=question_vector(question.strip()), threshold=switch.threshold)
