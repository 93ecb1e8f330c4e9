"""Reads of annotation: configs, the queues a member may see with their counts, items with what a
reviewer sees, each item's final result, agreement per score config. Other workspaces' objects
answer NotFound, like objects that do not exist.

An item's shown status is worked out on read: a claim that expired returns the item to
*pending* without any write."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from builder.accounts.models import ROLE_CAPABILITIES, Membership, Workspace
from builder.annotation.errors import ItemNotFound
from builder.annotation.models import (
    AnnotationQueue,
    ItemStatus,
    QueueItem,
    Review,
    ReviewStatus,
    SamplingRule,
    Score,
    ScoreConfig,
    ScoreKind,
)
from builder.annotation.scores import level_of
from builder.annotation.services import claimable_items
from builder.core.errors import NotFound
from builder.runs.models import NodeTrace
from runtime.evaluation.agreement import agreement

ANNOTATING_ROLES = [role for role, capabilities in ROLE_CAPABILITIES.items() if "annotate" in capabilities]


def annotators(*, workspace: Workspace) -> QuerySet[Any]:
    """Members who may review."""
    return get_user_model().objects.filter(
        memberships__workspace=workspace, memberships__role__in=ANNOTATING_ROLES).order_by("username")


def score_configs_of(*, workspace: Workspace, archived: bool = False) -> QuerySet[ScoreConfig]:
    configs = ScoreConfig.objects.filter(workspace=workspace).annotate(
        in_use=Exists(Score.objects.filter(config=OuterRef("pk"))))
    return configs if archived else configs.filter(archived=False)


def score_config_get(*, workspace: Workspace, config_id: int) -> ScoreConfig:
    config = score_configs_of(workspace=workspace, archived=True).filter(pk=config_id).first()
    if config is None:
        raise NotFound("Score config not found.", code="score_config_not_found")
    return config


def queues_of(*, membership: Membership) -> QuerySet[AnnotationQueue]:
    """Builders see every queue; reviewers without the build capability only those they review."""
    queues = AnnotationQueue.objects.filter(workspace_id=membership.workspace_id).prefetch_related(
        "score_configs", "reviewers")
    if membership.can("build"):
        return queues
    return queues.annotate(n_reviewers=Count("reviewers")).filter(
        Q(n_reviewers=0) | Q(reviewers=membership.user_id)).distinct()


def queue_get(*, membership: Membership, queue_id: int) -> AnnotationQueue:
    queue = queues_of(membership=membership).filter(pk=queue_id).first()
    if queue is None:
        raise NotFound("Queue not found.", code="queue_not_found")
    return queue


def rules_of(*, queue: AnnotationQueue) -> QuerySet[SamplingRule]:
    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    return queue.rules.select_related("app").annotate(
        added_total=Count("items"), added_today=Count("items", filter=Q(items__created_at__gte=today)))


def rule_get(*, queue: AnnotationQueue, rule_id: int) -> SamplingRule:
    rule = rules_of(queue=queue).filter(pk=rule_id).first()
    if rule is None:
        raise NotFound("Rule not found.", code="rule_not_found")
    return rule


# --- items ---------------------------------------------------------------------------------------------


def _live_claim(now: datetime) -> Exists:
    return Exists(Review.objects.filter(item=OuterRef("pk"), status=ReviewStatus.CLAIMED, expires_at__gt=now))


def _disagreeing() -> Exists:
    """Two submitted reviews of the item gave one config different values."""
    split = (Score.objects.filter(review__item=OuterRef("pk"), review__status=ReviewStatus.SUBMITTED)
             .values("config").annotate(values=Count("value", distinct=True)).filter(values__gt=1))
    return Exists(split)


def items_of(*, queue: AnnotationQueue, status: str = "", disagreements: bool = False) -> QuerySet[QueueItem]:
    now = timezone.now()
    items = queue.items.annotate(
        shown_status=Case(
            When(status__in=[ItemStatus.PENDING, ItemStatus.IN_REVIEW], then=Case(
                When(_live_claim(now), then=Value(ItemStatus.IN_REVIEW.value)),
                default=Value(ItemStatus.PENDING.value))),
            default="status"),
        disagreement=_disagreeing(),
    ).select_related("queue", "run__app", "run__version", "cell__row", "adjudicated_by").order_by("id")
    if status:
        items = items.filter(shown_status=status)
    if disagreements:
        items = items.filter(disagreement=True)
    return items


def with_content(items: QuerySet[QueueItem]) -> QuerySet[QueueItem]:
    """Items with their reviews, scores and traces fetched in a fixed number of queries."""
    return items.prefetch_related(
        Prefetch("reviews", queryset=Review.objects.select_related("reviewer").prefetch_related("scores")),
        Prefetch("run__traces", queryset=NodeTrace.objects.order_by("sequence"), to_attr="prefetched_traces"),
    )


def item_get(*, queue: AnnotationQueue, item_id: int) -> QueueItem:
    """One item with its content. Its shown status and disagreement are worked out from the fetched
    reviews (the list's SQL annotations cost more to build than one item needs)."""
    item = with_content(queue.items.select_related("queue", "run__app", "run__version", "cell__row",
                                                   "adjudicated_by")).filter(pk=item_id).first()
    if item is None:
        raise ItemNotFound("Item not found.")
    reviews = list(item.reviews.all())
    now = timezone.now()
    item.shown_status = item.status
    if item.status in (ItemStatus.PENDING, ItemStatus.IN_REVIEW):
        live = any(r.status == ReviewStatus.CLAIMED and r.expires_at > now for r in reviews)
        item.shown_status = ItemStatus.IN_REVIEW if live else ItemStatus.PENDING
    chosen: dict[int, set[str]] = {}
    for review in reviews:
        if review.status == ReviewStatus.SUBMITTED:
            for score in review.scores.all():
                chosen.setdefault(score.config_id, set()).add(repr(score.value))
    item.disagreement = any(len(values) > 1 for values in chosen.values())
    return item


def item_ref(*, queue: AnnotationQueue, item_id: int) -> QueueItem:
    item = QueueItem.objects.filter(queue=queue, pk=item_id).first()
    if item is None:
        raise ItemNotFound("Item not found.")
    return item


def queue_counts(*, queue: AnnotationQueue) -> dict[str, int]:
    shown = items_of(queue=queue).order_by().values("shown_status").annotate(n=Count("id"))
    counts = {status: 0 for status in ItemStatus.values}
    for row in shown:
        counts[row["shown_status"]] = row["n"]
    return {"total": sum(counts.values()), **counts}


def reviewer_progress(*, queue: AnnotationQueue, user) -> dict[str, int]:
    """(done, total) for one reviewer: items they finished, and those plus what they can still take
    (including the one they hold)."""
    now = timezone.now()
    done = Review.objects.filter(item__queue=queue, reviewer=user).exclude(status=ReviewStatus.CLAIMED).count()
    held = Review.objects.filter(item__queue=queue, reviewer=user, status=ReviewStatus.CLAIMED,
                                 expires_at__gt=now).count()
    remaining = claimable_items(queue, user, now).count()
    return {"done": done, "total": done + held + remaining, "remaining": held + remaining}


def submitted_reviews(item: QueueItem) -> list[Review]:
    return [r for r in item.reviews.all() if r.status == ReviewStatus.SUBMITTED]


def final_result(item: QueueItem) -> dict[str, Any]:
    """The item's result: the owner's adjudication where there is one, else what the reviewers
    agree on (per config the value most of them chose, none on a tie) and the latest correction."""
    reviews = submitted_reviews(item)
    scores: dict[str, Any] = {}
    votes: dict[str, Counter[str]] = {}
    values: dict[tuple[str, str], Any] = {}
    for review in reviews:
        for score in review.scores.all():
            key = repr(score.value)
            votes.setdefault(str(score.config_id), Counter())[key] += 1
            values[(str(score.config_id), key)] = score.value
    for config_id, counter in votes.items():
        ranked = counter.most_common(2)
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            scores[config_id] = values[(config_id, ranked[0][0])]
    corrections = [r.corrected_output for r in reviews if r.corrected_output]
    if item.adjudicated_at:
        return {"scores": {**scores, **(item.final_scores or {})},
                "corrected_output": item.final_output if item.final_output is not None else
                (corrections[-1] if corrections else None),
                "adjudicated_by": item.adjudicated_by.username if item.adjudicated_by else None,
                "adjudicated_at": item.adjudicated_at}
    return {"scores": scores, "corrected_output": corrections[-1] if corrections else None,
            "adjudicated_by": None, "adjudicated_at": None}


# --- agreement -----------------------------------------------------------------------------------------


def queue_agreement(*, queue: AnnotationQueue) -> list[dict[str, Any]]:
    """Per score config of the queue: percent agreement, Cohen's kappa (items with two ratings),
    Krippendorff's alpha at the config's level, and the n behind them. Text configs have none."""
    per_config: dict[int, dict[int, list[Any]]] = {}
    scores = Score.objects.filter(review__item__queue=queue, review__status=ReviewStatus.SUBMITTED).values_list(
        "config_id", "review__item_id", "value").order_by("review__submitted_at", "review_id")
    for config_id, item_id, value in scores:
        per_config.setdefault(config_id, {}).setdefault(item_id, []).append(value)
    figures = []
    for config in queue.score_configs.all():
        level = level_of(config)
        row: dict[str, Any] = {"config": config, "level": level, "items": 0, "ratings": 0,
                               "percent_agreement": None, "cohen_kappa": None, "krippendorff_alpha": None}
        if level is not None and config.kind != ScoreKind.TEXT:
            result = agreement(list(per_config.get(config.pk, {}).values()), level)  # type: ignore[arg-type]
            row.update(items=result.items, ratings=result.ratings, percent_agreement=result.percent_agreement,
                       cohen_kappa=result.cohen_kappa, krippendorff_alpha=result.krippendorff_alpha)
        figures.append(row)
    return figures


def completed_items(*, queue: AnnotationQueue) -> Iterable[QueueItem]:
    return with_content(items_of(queue=queue, status=ItemStatus.COMPLETED)).iterator(chunk_size=200)
