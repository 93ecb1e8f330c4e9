"""The JSON the annotation API answers: configs, queues with counts, items as a list row and in
full. Blind queues hide other reviewers' work from a reviewer until they have submitted theirs."""

from __future__ import annotations

from typing import Any

from builder.accounts.models import Membership
from builder.annotation.models import AnnotationQueue, QueueItem, Review, ReviewStatus, ScoreConfig
from builder.annotation.selectors import final_result, queue_counts, reviewer_progress, submitted_reviews
from builder.annotation.subjects import (
    preview,
    subject_expected,
    subject_input,
    subject_output,
    subject_summary,
    subject_trace,
)


def config_data(config: ScoreConfig) -> dict[str, Any]:
    return {
        "id": config.pk, "name": config.name, "kind": config.kind, "description": config.description,
        "options": config.options, "min": config.min_value, "max": config.max_value, "step": config.step,
        "archived": config.archived, "in_use": bool(getattr(config, "in_use", False)),
        "created_at": config.created_at,
    }


def queue_data(queue: AnnotationQueue, membership: Membership) -> dict[str, Any]:
    progress = reviewer_progress(queue=queue, user=membership.user)
    return {
        "id": queue.pk, "name": queue.name, "instructions": queue.instructions,
        "score_configs": [config_data(c) for c in queue.score_configs.all()],
        "reviewers": [{"id": u.pk, "username": u.username} for u in queue.reviewers.all()],
        "required_reviews": queue.required_reviews, "blind": queue.blind, "due_at": queue.due_at,
        "lock_timeout_s": queue.lock_timeout_s, "created_at": queue.created_at,
        "counts": queue_counts(queue=queue), "my_remaining": progress["remaining"],
        "can_manage": membership.can("build"), "can_adjudicate": membership.can("adjudicate"),
    }


def item_row(item: QueueItem) -> dict[str, Any]:
    return {
        "id": item.pk, "kind": item.kind, "status": getattr(item, "shown_status", item.status),
        "source": item.source, "created_at": item.created_at, "subject": subject_summary(item),
        "input_preview": preview(" ".join(str(v) for v in subject_input(item).values())),
        "output_preview": preview(subject_output(item)),
        "reviews_submitted": item.reviews_submitted, "disagreement": bool(getattr(item, "disagreement", False)),
        "adjudicated": item.adjudicated_at is not None,
    }


def _review_data(review: Review) -> dict[str, Any]:
    return {
        "reviewer": review.reviewer.username, "status": review.status,
        "scores": {str(s.config_id): s.value for s in review.scores.all()},
        "corrected_output": review.corrected_output, "comment": review.comment,
        "skip_reason": review.skip_reason, "submitted_at": review.submitted_at,
    }


def item_full(item: QueueItem, membership: Membership, progress: dict[str, int] | None = None) -> dict[str, Any]:
    """The item as the review screen shows it; ``progress`` is the caller's (worked out when not given)."""
    reviews = list(item.reviews.all())
    mine = next((r for r in reviews if r.reviewer_id == membership.user_id), None)
    # Blind holds for anyone reviewing the item, owners included; builders and owners who are not
    # (they watch the queue, adjudicate) see every review.
    reviewing = mine is not None and mine.status == ReviewStatus.CLAIMED
    sees_others = (not item.queue.blind or (mine is not None and mine.status == ReviewStatus.SUBMITTED)
                   or (membership.can("build") and not reviewing))
    others = [_review_data(r) for r in submitted_reviews(item) if r.reviewer_id != membership.user_id]
    claim = None
    if mine is not None and mine.status == ReviewStatus.CLAIMED:
        claim = {"expires_at": mine.expires_at, "mine": True}
    final = final_result(item) if sees_others else None
    progress = progress or reviewer_progress(queue=item.queue, user=membership.user)
    row = item_row(item)
    if not sees_others:
        row.update(reviews_submitted=None, disagreement=None)
    return {
        **row, "queue": item.queue_id,
        "input": subject_input(item), "output": subject_output(item), "expected": subject_expected(item),
        "trace": subject_trace(item), "claim": claim,
        "my_review": _review_data(mine) if mine else None,
        "reviews": others if sees_others else [],
        "final": final if final and (final["scores"] or final["corrected_output"] is not None) else None,
        "position": {"done": progress["done"], "total": progress["total"]},
    }
