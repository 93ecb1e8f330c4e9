"""Writes of annotation replies: add one (by hand, or from an approved annotation), change its
question, answer or whether it is served, delete it, count its hits; and the app's switch."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from builder.accounts.models import User
from builder.flows.models import App
from builder.replies.errors import ReplyInvalid, ThresholdInvalid
from builder.replies.models import MAX_THRESHOLD, MIN_THRESHOLD, Reply, ReplySettings, ReplySource
from builder.replies.vectors import question_vector

QUESTION_MAX_CHARS = 4_000
ANSWER_MAX_CHARS = 20_000


def _text(value: str, *, field: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ReplyInvalid(f"The {field} of a reply cannot be empty.", details={"field": field})
    if len(text) > limit:
        raise ReplyInvalid(f"The {field} of a reply is at most {limit} characters.", details={"field": field})
    return text


def reply_create(
    *,
    app: App,
    question: str,
    answer: str,
    created_by: User | None,
    source: str = "manual",
    source_item_id: int | None = None,
) -> Reply:
    """Store an approved answer to ``question`` (its vector computed now); served, once the app's
    replies are on, for every question close enough to this one."""
    if source not in ReplySource.values:
        raise ReplyInvalid(f"Unknown reply source {source!r}.", details={"field": "source"})
    question = _text(question, field="question", limit=QUESTION_MAX_CHARS)
    answer = _text(answer, field="answer", limit=ANSWER_MAX_CHARS)
    return Reply.objects.create(
        workspace_id=app.workspace_id, app=app, question=question, answer=answer,
        embedding=question_vector(question), source=source, source_item_id=source_item_id, created_by=created_by,
    )


def reply_update(
    *, reply: Reply, question: str | None = None, answer: str | None = None, enabled: bool | None = None
) -> Reply:
    """Change what is given (None: unchanged); a new question is embedded again."""
    changed = ["updated_at"]
    if question is not None:
        question = _text(question, field="question", limit=QUESTION_MAX_CHARS)
        if question != reply.question:
            reply.question, reply.embedding = question, question_vector(question)
            changed += ["question", "embedding"]
    if answer is not None:
        reply.answer = _text(answer, field="answer", limit=ANSWER_MAX_CHARS)
        changed.append("answer")
    if enabled is not None:
        reply.enabled = enabled
        changed.append("enabled")
    reply.save(update_fields=changed)
    return reply


def reply_delete(*, reply: Reply) -> None:
    reply.delete()


def reply_hit(*, reply_id: int) -> None:
    """Count one serving of the reply (in the database: concurrent hits all count)."""
    Reply.objects.filter(pk=reply_id).update(hit_count=F("hit_count") + 1, last_hit_at=timezone.now())


@transaction.atomic
def reply_settings_update(
    *, app: App, user: User | None, enabled: bool | None = None, threshold: float | None = None
) -> ReplySettings:
    """Turn the app's replies on or off and set the similarity a question needs (0.5–1.0). Every
    serving process sees the change within about a second (it caches the switch that long)."""
    if threshold is not None and not MIN_THRESHOLD <= threshold <= MAX_THRESHOLD:
        raise ThresholdInvalid(
            f"The threshold is a cosine similarity between {MIN_THRESHOLD} and {MAX_THRESHOLD}.",
            details={"field": "threshold", "min": MIN_THRESHOLD, "max": MAX_THRESHOLD},
        )
    found, _ = ReplySettings.objects.select_for_update().get_or_create(app=app)
    if enabled is not None:
        found.enabled = enabled
    if threshold is not None:
        found.threshold = threshold
    found.updated_by = user
    found.save()
    return found
