"""Sampling rules: which new runs of published apps go into a queue.

A rule filters runs (app, version, label, status, latency, negative feedback, an evaluator's
failure) and takes ``sample_percent`` of them. Whether a run is in the sample is a hash of the run
and the rule, so a scan can be repeated at will: the same runs are chosen, and the queue's unique
(run, node) keeps each one out a second time. At most ``daily_cap`` runs a day per rule.

Rules run every minute in the background (``annotation.sample``, on Celery beat) and on demand.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from builder.annotation.errors import RuleInvalid
from builder.annotation.models import AnnotationQueue, ItemSource, QueueItem, SamplingRule
from builder.annotation.services import items_add_runs
from builder.core.locks import advisory_lock
from builder.publishing.models import Feedback
from builder.runs.models import FINISHED, Run, RunSource, RunStatus
from runtime.evaluation.evaluators import Cell as EvalCell
from runtime.evaluation.evaluators import EvalTools, Evaluator, EvaluatorConfigError, evaluator_from_config

log = logging.getLogger(__name__)

PUBLISHED_SOURCES = (RunSource.API, RunSource.CHAT, RunSource.WEB)
# Feedback comes after the run it rates: rules on negative feedback look this far back, the others
# from where their last scan stopped (less an overlap for runs stored late).
FEEDBACK_LOOKBACK = timedelta(days=7)
SCAN_OVERLAP = timedelta(minutes=10)
# Evaluators a rule may use: those that judge an answer alone (no expected output, no model).
RULE_EVALUATORS = ("contains", "not_contains", "regex", "json_valid", "json_schema", "numeric", "length")
EVALUATED_PER_SCAN = 2_000
LOCK_CLASS = 0x616E  # advisory-lock namespace of rule scans ("an")


def rule_settings_checked(data: dict[str, Any], workspace_id: int) -> dict[str, Any]:
    """A rule's settings as stored, or RuleInvalid naming the field."""
    from builder.flows.models import App

    app_id = data.pop("app_id", None)
    if app_id is not None:
        app = App.objects.filter(pk=app_id, workspace_id=workspace_id).first()
        if app is None:
            raise RuleInvalid("No such app in this workspace.", details={"field": "app_id"})
        data["app"] = app
    if data.get("version_number") is not None and data.get("app") is None:
        raise RuleInvalid("A version filter needs an app.", details={"field": "version_number"})
    if data.get("status") and data["status"] not in FINISHED:
        raise RuleInvalid(f"status is one of {', '.join(FINISHED)}.", details={"field": "status"})
    if data.get("evaluator") is not None:
        _rule_evaluator(data["evaluator"])
    return data


def _rule_evaluator(config: Any) -> Evaluator:
    if not isinstance(config, dict) or config.get("type") not in RULE_EVALUATORS:
        raise RuleInvalid(f"A rule's evaluator is one of {', '.join(RULE_EVALUATORS)}: they judge an answer "
                          "without an expected output or a model.", details={"field": "evaluator"})
    try:
        return evaluator_from_config({k: v for k, v in config.items() if k != "name"})
    except EvaluatorConfigError as exc:
        raise RuleInvalid(str(exc), details={"field": "evaluator"}) from None


def matching_runs(rule: SamplingRule, now) -> QuerySet[Run]:
    """The runs the rule would sample now, oldest first, not yet in its queue."""
    if rule.negative_feedback:
        start = now - FEEDBACK_LOOKBACK
    else:
        start = (rule.last_scanned_at or rule.created_at) - SCAN_OVERLAP
    runs = Run.objects.filter(workspace_id=rule.queue.workspace_id, source__in=PUBLISHED_SOURCES,
                              status__in=FINISHED, created_at__gte=max(start, rule.created_at - SCAN_OVERLAP))
    if rule.app_id:
        runs = runs.filter(app_id=rule.app_id)
    if rule.version_number is not None:
        runs = runs.filter(version__number=rule.version_number)
    if rule.label:
        runs = runs.filter(api__label=rule.label)
    if rule.status:
        runs = runs.filter(status=rule.status)
    if rule.min_latency_ms is not None:
        runs = runs.filter(latency_ms__gte=rule.min_latency_ms)
    if rule.negative_feedback:
        runs = runs.filter(Exists(Feedback.objects.filter(run=OuterRef("pk"), rating__lt=0)))
    queued = QueueItem.objects.filter(queue_id=rule.queue_id, run=OuterRef("pk"), node_id="")
    runs = runs.exclude(Exists(queued))
    if rule.sample_percent < 100:
        # hashtext() is stable across PostgreSQL sessions; 10,000 buckets give 0.01 % steps.
        bucket = RawSQL(f"abs(hashtext({Run._meta.db_table}.id::text || ':' || %s::text)) %% 10000", [rule.pk])
        runs = runs.alias(bucket=bucket).filter(bucket__lt=round(rule.sample_percent * 100))
    return runs.order_by("created_at")


def rule_scan(rule: SamplingRule) -> int:
    """Queue what the rule samples now, within today's cap. Returns how many runs were added."""
    with advisory_lock(LOCK_CLASS, rule.pk) as mine:
        if not mine:
            return 0  # another scan of this rule is under way
        now = timezone.now()
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        room = rule.daily_cap - QueueItem.objects.filter(rule=rule, created_at__gte=today).count()
        added = 0
        if room > 0 and rule.sample_percent > 0:
            chosen = _chosen(rule, matching_runs(rule, now), room)
            if chosen:
                added, _ = items_add_runs(queue=rule.queue, run_ids=chosen, source=ItemSource.RULE, rule_id=rule.pk)
        SamplingRule.objects.filter(pk=rule.pk).update(last_scanned_at=now)
        return added


def _chosen(rule: SamplingRule, runs: QuerySet[Run], room: int) -> list[str]:
    if rule.evaluator is None:
        return [str(pk) for pk in runs.values_list("pk", flat=True)[:room]]
    evaluator = _rule_evaluator(rule.evaluator)
    chosen: list[str] = []
    for run in runs.only("id", "inputs", "outputs", "status")[:EVALUATED_PER_SCAN]:
        if run.status != RunStatus.SUCCEEDED:
            continue
        verdict = asyncio.run(evaluator.evaluate(EvalCell(output=run.answer or "", inputs=run.inputs or {}),
                                                 EvalTools()))
        if not verdict.passed:
            chosen.append(str(run.pk))
            if len(chosen) >= room:
                break
    return chosen


def queue_scan(queue: AnnotationQueue) -> int:
    return sum(rule_scan(rule) for rule in queue.rules.filter(enabled=True).select_related("queue"))


def scan_all() -> int:
    """Every enabled rule of every queue (the minute task)."""
    added = 0
    for rule in SamplingRule.objects.filter(enabled=True).select_related("queue").order_by("id"):
        try:
            added += rule_scan(rule)
        except Exception:  # one broken rule must not stop the others
            log.exception("sampling rule %s failed", rule.pk)
    return added
