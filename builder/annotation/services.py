"""Writes of annotation: score configs, queues, items (by hand and from experiments), claiming,
reviews, skips, adjudication.

Claiming is safe under concurrency because every write that changes an item's slots — a claim, a
submission — first locks the item's row; a claim takes the first item it can lock (``SKIP
LOCKED``), so reviewers asking at once spread over different items instead of queueing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from builder.accounts.models import Workspace
from builder.annotation.errors import (
    ClaimLost,
    NotAReviewer,
    NotClaimed,
    QueueInvalid,
    RunNotFound,
    ScoreConfigInUse,
    ScoreConfigInvalid,
    ScoreInvalid,
    ScoreRequired,
    SkipReasonRequired,
)
from builder.annotation.models import (
    AnnotationQueue,
    ItemKind,
    ItemSource,
    ItemStatus,
    QueueItem,
    Review,
    ReviewStatus,
    Score,
    ScoreConfig,
    ScoreKind,
)
from builder.annotation.scores import config_settings_checked, score_checked
from builder.annotation.subjects import subject_input, subject_output
from builder.experiments.models import Cell, CellStatus, Experiment
from builder.experiments.results import cell_disagreements
from builder.replies.models import Reply, ReplySource
from builder.replies.services import reply_create
from builder.runs.models import NodeTrace, Run

MAX_REQUIRED_REVIEWS = 5
MAX_ITEMS_PER_CALL = 1_000
MAX_CLAIM_TRIES = 20


# --- score configs ----------------------------------------------------------------------------------


def score_config_create(*, workspace: Workspace, name: str, kind: str, description: str = "",
                        options: list[str] | None = None, min_value: float | None = None,
                        max_value: float | None = None, step: float | None = None) -> ScoreConfig:
    settings = config_settings_checked(kind=kind, options=options, min_value=min_value, max_value=max_value, step=step)
    try:
        with transaction.atomic():
            return ScoreConfig.objects.create(
                workspace=workspace, name=_name(name), kind=kind, description=description, **settings
            )
    except IntegrityError:
        raise ScoreConfigInvalid(f"A score config named {name!r} exists.", details={"field": "name"}) from None


def score_config_update(*, config: ScoreConfig, **changes: Any) -> ScoreConfig:
    """Rename, describe or archive at any time; change the scale only while no score uses it."""
    scale = {k: changes[k] for k in ("options", "min_value", "max_value", "step") if k in changes}
    if scale:
        if config.scores.exists():
            raise ScoreConfigInUse(
                "Scores use this config: its scale can no longer change. Archive it and make a new one.")
        current = {"options": config.options, "min_value": config.min_value, "max_value": config.max_value,
                   "step": config.step}
        for field, value in config_settings_checked(kind=config.kind, **{**current, **scale}).items():
            setattr(config, field, value)
    if "name" in changes:
        config.name = _name(changes["name"])
    for field in ("description", "archived"):
        if field in changes:
            setattr(config, field, changes[field])
    try:
        with transaction.atomic():
            config.save()
    except IntegrityError:
        raise ScoreConfigInvalid(f"A score config named {config.name!r} exists.", details={"field": "name"}) from None
    return config


def score_config_delete(*, config: ScoreConfig) -> None:
    if config.scores.exists():
        raise ScoreConfigInUse("Scores use this config: archive it instead.")
    config.delete()


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ScoreConfigInvalid("A name is required.", details={"field": "name"})
    return name[:120]


# --- queues --------------------------------------------------------------------------------------------


def queue_create(*, workspace: Workspace, user, name: str, score_config_ids: list[int],
                 reviewer_ids: list[int] | None = None, **settings: Any) -> AnnotationQueue:
    queue = AnnotationQueue(workspace=workspace, created_by=user)
    return queue_update(queue=queue, name=name, score_config_ids=score_config_ids,
                        reviewer_ids=reviewer_ids or [], **settings)


@transaction.atomic
def queue_update(*, queue: AnnotationQueue, score_config_ids: list[int] | None = None,
                 reviewer_ids: list[int] | None = None, **changes: Any) -> AnnotationQueue:
    """Set a queue's fields; ``reviewer_ids`` are members who may annotate (checked by the caller's
    ``annotators`` selector, passed in as ids)."""
    for field in ("name", "instructions", "required_reviews", "blind", "due_at", "lock_timeout_s"):
        if field in changes:
            setattr(queue, field, changes[field])
    queue.name = (queue.name or "").strip()[:200]
    if not queue.name:
        raise QueueInvalid("A queue needs a name.", details={"field": "name"})
    if not 1 <= queue.required_reviews <= MAX_REQUIRED_REVIEWS:
        raise QueueInvalid(f"Required reviews is 1 to {MAX_REQUIRED_REVIEWS}.", details={"field": "required_reviews"})
    queue.save()
    if score_config_ids is not None:
        configs = list(ScoreConfig.objects.filter(workspace_id=queue.workspace_id, pk__in=score_config_ids))
        if len(configs) != len(set(score_config_ids)):
            raise QueueInvalid("A score config is not in this workspace.", details={"field": "score_config_ids"})
        if not configs:
            raise QueueInvalid("A queue needs at least one score config.", details={"field": "score_config_ids"})
        queue.score_configs.set(configs)
    if reviewer_ids is not None:
        from builder.annotation.selectors import annotators

        reviewers = list(annotators(workspace=queue.workspace).filter(pk__in=reviewer_ids))
        if len(reviewers) != len(set(reviewer_ids)):
            raise QueueInvalid("Every reviewer must be a member who may annotate.", details={"field": "reviewer_ids"})
        queue.reviewers.set(reviewers)
    return queue


def queue_delete(*, queue: AnnotationQueue) -> None:
    queue.delete()


# --- items -----------------------------------------------------------------------------------------------


def items_add_runs(*, queue: AnnotationQueue, run_ids: list[str], node_ids: list[str] | None = None,
                   source: str = ItemSource.MANUAL, rule_id: int | None = None) -> tuple[int, int]:
    """Queue runs (or one node of each, ``node_ids`` parallel to ``run_ids``); a run already in the
    queue is counted, not queued again. Returns (added, already queued)."""
    node_ids = node_ids or [""] * len(run_ids)
    wanted = list(dict.fromkeys(zip(run_ids, node_ids, strict=True)))
    runs = {str(pk) for pk in Run.objects.filter(workspace_id=queue.workspace_id, pk__in=[r for r, _ in wanted])
            .values_list("pk", flat=True)}
    missing = [run_id for run_id, _ in wanted if run_id not in runs]
    if missing:
        raise RunNotFound(f"No run {missing[0]} in this workspace.", details={"run_id": missing[0]})
    with_nodes = [(r, n) for r, n in wanted if n]
    if with_nodes:
        traced = {(str(run), node) for run, node in NodeTrace.objects.filter(
            run_id__in=[r for r, _ in with_nodes]).values_list("run_id", "node_id")}
        absent = [(r, n) for r, n in with_nodes if (r, n) not in traced]
        if absent:
            raise RunNotFound(f"Run {absent[0][0]} has no node {absent[0][1]!r}.", details={"node_id": absent[0][1]})
    items = [QueueItem(queue=queue, kind=ItemKind.NODE if node else ItemKind.RUN, run_id=run_id, node_id=node,
                       source=source, rule_id=rule_id) for run_id, node in wanted]
    return _insert(queue, items)


def items_add_experiment(*, queue: AnnotationQueue, experiment: Experiment, mode: str = "all") -> tuple[int, int]:
    """Queue an experiment's finished cells: all of them, or those of rows where variants or
    evaluators disagree."""
    cells: QuerySet[Cell] = experiment.cells.filter(run__isnull=False).exclude(status=CellStatus.PENDING)
    if mode == "disagreements":
        cells = cells.filter(pk__in=cell_disagreements(experiment))
    items = [QueueItem(queue=queue, kind=ItemKind.CELL, run_id=run_id, cell_id=cell_id, source=ItemSource.EXPERIMENT)
             for cell_id, run_id in cells.values_list("pk", "run_id")]
    return _insert(queue, items)


def _insert(queue: AnnotationQueue, items: list[QueueItem]) -> tuple[int, int]:
    """Insert the items the queue does not hold yet. Returns (added, already queued); a concurrent
    insert of the same run is still kept out by the unique constraint, only the count may be off."""
    if len(items) > MAX_ITEMS_PER_CALL:
        raise QueueInvalid(f"Add at most {MAX_ITEMS_PER_CALL:,} items at once.")
    held = {(str(run), node) for run, node in QueueItem.objects.filter(
        queue=queue, run_id__in=[i.run_id for i in items]).values_list("run_id", "node_id")}
    new = [item for item in items if (str(item.run_id), item.node_id) not in held]
    QueueItem.objects.bulk_create(new, ignore_conflicts=True, batch_size=1_000)
    return len(new), len(items) - len(new)


# --- claiming and reviewing ------------------------------------------------------------------------------


def _live_claims(now: datetime) -> Q:
    return Q(status=ReviewStatus.CLAIMED, expires_at__gt=now)


def _taken_slots(now: datetime) -> Q:
    """Reviews that hold a slot: submitted ones, and claims that have not expired."""
    return Q(status=ReviewStatus.SUBMITTED) | _live_claims(now)


def may_review(queue: AnnotationQueue, user) -> bool:
    """A queue with a reviewer list is reviewed by those; one without, by every annotating member."""
    reviewers = [reviewer.pk for reviewer in queue.reviewers.all()]  # prefetched by the queue's selector
    return not reviewers or user.pk in reviewers


def _ensure_reviewer(queue: AnnotationQueue, user) -> None:
    if not may_review(queue, user):
        raise NotAReviewer("You are not a reviewer of this queue.")


def claimable_items(queue: AnnotationQueue, user, now: datetime) -> QuerySet[QueueItem]:
    """Items the user may still take: open, not reviewed or skipped by them, with a free slot."""
    slots_taken = Review.objects.filter(item=OuterRef("pk")).filter(_taken_slots(now)).exclude(reviewer=user)
    mine_done = Review.objects.filter(item=OuterRef("pk"), reviewer=user).exclude(
        status=ReviewStatus.CLAIMED, expires_at__lte=now)
    full = _slots_full(slots_taken, queue.required_reviews)
    return (QueueItem.objects.filter(queue=queue, status__in=[ItemStatus.PENDING, ItemStatus.IN_REVIEW])
            .exclude(Exists(mine_done)).exclude(full))


def _slots_full(slots_taken: QuerySet[Review], required: int) -> Q:
    """Every slot of the item taken: the ``required``-th taken review exists (an OFFSET probe is
    cheaper than counting and, unlike an aggregate, allowed next to FOR UPDATE)."""
    return Q(Exists(slots_taken.order_by("id")[required - 1: required]))


@transaction.atomic
def item_claim_next(*, queue: AnnotationQueue, user, exclude: list[int] | None = None) -> QueueItem | None:
    """The user's next item: the one they already hold, else the first open item with a free slot,
    claimed for ``lock_timeout_s``. None when nothing is left for them."""
    _ensure_reviewer(queue, user)
    now = timezone.now()
    passed = list(exclude or [])
    held = _held_item(queue, user, passed)
    if held is not None:
        return held
    for _ in range(MAX_CLAIM_TRIES):
        candidates = claimable_items(queue, user, now).exclude(pk__in=passed).order_by("id")
        item = candidates.select_for_update(skip_locked=True, of=("self",)).first()
        if item is None:
            # Every open item may be locked for a moment by another claim: wait for the first one.
            item = candidates.select_for_update(of=("self",)).first()
            if item is None:
                # The claim we waited for may be this user's own (the review screen claims the
                # next item in advance while the current one is submitted): then it is their next.
                return _held_item(queue, user, passed)
        # The lock is ours: a fresh statement sees every slot taken before we got it.
        if claimable_items(queue, user, timezone.now()).filter(pk=item.pk).exists():
            return _claim(item, user, queue.lock_timeout_s)
        if (held := _held_item(queue, user, passed)) is not None:
            return held
        passed.append(item.pk)
    return None


def _held_item(queue: AnnotationQueue, user, passed: list[int]) -> QueueItem | None:
    """The item the user holds a live claim on (the oldest), other than ``passed``; a fresh read."""
    held = (Review.objects.filter(item__queue=queue, reviewer=user).filter(_live_claims(timezone.now()))
            .exclude(item_id__in=passed).order_by("claimed_at").first())
    return QueueItem.objects.get(pk=held.item_id) if held is not None else None


def _claim(item: QueueItem, user, lock_timeout_s: int) -> QueueItem:
    now = timezone.now()
    Review.objects.update_or_create(item=item, reviewer=user, defaults={
        "status": ReviewStatus.CLAIMED, "claimed_at": now, "expires_at": now + timedelta(seconds=lock_timeout_s)})
    if item.status != ItemStatus.IN_REVIEW:
        item.status = ItemStatus.IN_REVIEW
        item.save(update_fields=["status"])
    return item


def _locked_review(item: QueueItem, user) -> tuple[QueueItem, Review]:
    """Lock the item, then find the user's claim; an expired claim still counts if its slot is free."""
    locked = QueueItem.objects.select_for_update(of=("self",)).select_related("queue").get(pk=item.pk)
    review = Review.objects.filter(item=locked, reviewer=user).first()
    if review is None:
        raise NotClaimed("Claim this item before reviewing it.")
    if review.status == ReviewStatus.CLAIMED and review.expires_at <= timezone.now():
        others = Review.objects.filter(item=locked).filter(_taken_slots(timezone.now())).exclude(pk=review.pk)
        if others.count() >= locked.queue.required_reviews:
            review.delete()
            raise ClaimLost("Your claim on this item expired and another reviewer took it.")
    return locked, review


@transaction.atomic
def review_submit(*, item: QueueItem, user, scores: dict[str, Any], corrected_output: str | None = None,
                  comment: str = "") -> Review:
    """Store the user's scores, corrected output and comment; a reviewer may change a submitted
    review. Every categorical, numeric and boolean config of the queue needs a score."""
    locked, review = _locked_review(item, user)
    if review.status == ReviewStatus.SKIPPED:
        raise NotClaimed("You skipped this item.")
    checked = checked_scores(locked.queue, scores, required=True)
    first_submission = review.status != ReviewStatus.SUBMITTED
    corrected = (corrected_output or "").strip()
    original = subject_output(locked).strip()
    review.corrected_output = corrected if corrected and corrected != original else None
    review.comment = comment or ""
    review.status = ReviewStatus.SUBMITTED
    review.submitted_at = timezone.now()
    review.save()
    review.scores.all().delete()
    Score.objects.bulk_create([Score(review=review, config=config, value=value) for config, value in checked])
    if first_submission:
        locked.reviews_submitted += 1
        _settle(locked)
    return review


@transaction.atomic
def review_skip(*, item: QueueItem, user, reason: str) -> Review:
    if not (reason or "").strip():
        raise SkipReasonRequired("Say why you skip this item.", details={"field": "reason"})
    locked, review = _locked_review(item, user)
    if review.status == ReviewStatus.SUBMITTED:
        raise NotClaimed("You already reviewed this item.")
    review.status = ReviewStatus.SKIPPED
    review.skip_reason = reason.strip()[:2_000]
    review.save(update_fields=["status", "skip_reason"])
    _settle(locked)
    return review


@transaction.atomic
def claim_release(*, item: QueueItem, user) -> None:
    locked = QueueItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    Review.objects.filter(item=locked, reviewer=user, status=ReviewStatus.CLAIMED).delete()
    _settle(locked)


def _settle(item: QueueItem) -> None:
    """The item's status from its reviews (the caller holds the item's lock)."""
    if item.status == ItemStatus.SKIPPED:
        return
    if item.reviews_submitted >= item.queue.required_reviews or item.adjudicated_at:
        item.status = ItemStatus.COMPLETED
        item.completed_at = item.completed_at or timezone.now()
    elif Review.objects.filter(item=item).filter(_live_claims(timezone.now())).exists():
        item.status = ItemStatus.IN_REVIEW
    else:
        item.status = ItemStatus.PENDING
    item.save(update_fields=["status", "completed_at", "reviews_submitted"])


def checked_scores(queue: AnnotationQueue, scores: dict[str, Any], *, required: bool) -> list[tuple[ScoreConfig, Any]]:
    configs = {str(c.pk): c for c in queue.score_configs.all()}
    unknown = [key for key in scores if str(key) not in configs]
    if unknown:
        raise ScoreInvalid(f"Score config {unknown[0]} is not one of this queue's.",
                           details={str(unknown[0]): "not a score config of this queue"})
    checked = [(configs[str(key)], score_checked(configs[str(key)], value)) for key, value in scores.items()
               if value is not None and value != ""]
    if required:
        given = {str(config.pk) for config, _ in checked}
        missing = [c for key, c in configs.items() if key not in given and c.kind != ScoreKind.TEXT and not c.archived]
        if missing:
            raise ScoreRequired(f"Score {missing[0].name} before submitting.",
                                details={str(c.pk): "required" for c in missing})
    return checked


@transaction.atomic
def item_adjudicate(*, item: QueueItem, user, scores: dict[str, Any], corrected_output: str | None) -> QueueItem:
    """The owner's final word: final scores and corrected output, the item completed."""
    locked = QueueItem.objects.select_for_update(of=("self",)).select_related("queue").get(pk=item.pk)
    checked = checked_scores(locked.queue, scores, required=False)
    locked.final_scores = {str(config.pk): value for config, value in checked}
    locked.final_output = (corrected_output or "").strip() or None
    locked.adjudicated_by = user
    locked.adjudicated_at = timezone.now()
    _settle(locked)
    locked.save(update_fields=["final_scores", "final_output", "adjudicated_by", "adjudicated_at"])
    return locked


@transaction.atomic
def item_skip(*, item: QueueItem) -> QueueItem:
    """Take an item out of review (a builder's decision: it is not worth reviewing)."""
    locked = QueueItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    locked.status = ItemStatus.SKIPPED
    locked.save(update_fields=["status"])
    Review.objects.filter(item=locked, status=ReviewStatus.CLAIMED).delete()
    return locked


# --- replies -------------------------------------------------------------------------------------------

QUESTION_KEYS = ("question", "query", "input", "message", "text")


def item_reply(*, item: QueueItem, user, question: str = "", answer: str = "") -> Reply:
    """Store the item's approved answer as a reply its app serves to the same question (see
    :mod:`builder.replies`): by default the run's question and the final corrected output, else the
    output the reviewers saw."""
    from builder.annotation.selectors import final_result

    if item.run.app_id is None:
        raise QueueInvalid("Only runs of an app can become replies.", code="reply_needs_app")
    inputs = subject_input(item)
    question = question.strip() or next(
        (str(inputs[k]) for k in QUESTION_KEYS if isinstance(inputs.get(k), str) and inputs[k].strip()),
        next((v for v in inputs.values() if isinstance(v, str) and v.strip()), ""))
    final = final_result(item)["corrected_output"]
    answer = answer.strip() or (final if final is not None else subject_output(item))
    return reply_create(app=item.run.app, question=question, answer=answer, created_by=user,
                        source=ReplySource.ANNOTATION, source_item_id=item.pk)
