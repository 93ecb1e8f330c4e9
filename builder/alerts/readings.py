"""What a rule reads: its window of published traffic and the metric's value over it.

Traffic metrics come from the monitoring rollups (:func:`builder.monitoring.selectors.window_metrics`);
an evaluator's pass rate is judged here, on the window's latest succeeded runs (at most
:data:`EVALUATED_PER_READING`), with the answer-only evaluators annotation's sampling rules use."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from builder.alerts.errors import RuleInvalid
from builder.alerts.models import AlertRule, Comparison, Metric
from builder.annotation.sampling import PUBLISHED_SOURCES, RULE_EVALUATORS
from builder.monitoring.selectors import window_metrics
from builder.runs.models import Run, RunStatus
from runtime.evaluation.evaluators import Cell, EvalTools, Evaluator, EvaluatorConfigError, evaluator_from_config

EVALUATED_PER_READING = 50


@dataclass(frozen=True, slots=True)
class Reading:
    """One look at a rule's metric: ``value`` (None: nothing to divide) over [start, end), from
    ``sample`` runs (runs judged, for an evaluator); ``enough`` when the sample reaches the rule's
    minimum (always, for daily cost)."""

    start: datetime
    end: datetime
    value: float | None
    sample: int
    enough: bool

    @property
    def known(self) -> bool:
        return self.enough and self.value is not None


def window_of(rule: AlertRule, now: datetime) -> tuple[datetime, datetime]:
    if rule.metric == Metric.DAILY_COST:
        now = now.astimezone(UTC)
        return now.replace(hour=0, minute=0, second=0, microsecond=0), now
    return now - timedelta(minutes=rule.window_minutes), now


def reading_of(rule: AlertRule, now: datetime) -> Reading:
    start, end = window_of(rule, now)
    if rule.metric == Metric.EVALUATOR_PASS_RATE:
        passed, judged = _pass_count(rule, start, end)
        return Reading(start, end, passed / judged if judged else None, judged, judged >= rule.min_runs)
    metrics = window_metrics(workspace_id=rule.workspace_id, since=start, until=end, app_id=rule.app_id)
    runs = metrics["runs"]
    value: Any = {
        Metric.ERROR_RATE: metrics["error_rate"],
        Metric.P95_LATENCY: metrics["p95_latency_ms"],
        Metric.DAILY_COST: metrics["cost"],
        Metric.NEGATIVE_FEEDBACK_SHARE: metrics["negative_share"],
    }[Metric(rule.metric)]
    enough = rule.metric == Metric.DAILY_COST or runs >= rule.min_runs
    return Reading(start, end, float(value) if value is not None else None, runs, enough)


def breached(rule: AlertRule, value: float) -> bool:
    return value > rule.threshold if rule.comparison == Comparison.ABOVE else value < rule.threshold


def rule_evaluator(config: Any) -> Evaluator:
    """The evaluator a rule names, or RuleInvalid on ``evaluator``: one of the answer-only
    evaluators (:data:`builder.annotation.sampling.RULE_EVALUATORS`), with valid settings."""
    if not isinstance(config, dict) or config.get("type") not in RULE_EVALUATORS:
        message = (f"An alert's evaluator is one of {', '.join(RULE_EVALUATORS)}: they judge an answer without an "
                   "expected output or a model.")
        raise RuleInvalid(message, details={"evaluator": [message]})
    try:
        return evaluator_from_config({k: v for k, v in config.items() if k != "name"})
    except EvaluatorConfigError as exc:
        raise RuleInvalid(f"The evaluator is invalid: {exc}", details={"evaluator": [str(exc)]}) from None


def _pass_count(rule: AlertRule, start: datetime, end: datetime) -> tuple[int, int]:
    evaluator = rule_evaluator(rule.evaluator)
    runs = Run.objects.filter(workspace_id=rule.workspace_id, source__in=PUBLISHED_SOURCES,
                              status=RunStatus.SUCCEEDED, created_at__gte=start, created_at__lt=end)
    if rule.app_id is not None:
        runs = runs.filter(app_id=rule.app_id)
    cells = [Cell(output=run.answer or "", inputs=run.inputs or {})
             for run in runs.order_by("-created_at").only("id", "inputs", "outputs")[:EVALUATED_PER_READING]]
    if not cells:
        return 0, 0

    async def judge_all() -> list[bool]:
        tools = EvalTools()
        return [verdict.passed for verdict in await asyncio.gather(*(evaluator.evaluate(c, tools) for c in cells))]

    verdicts = asyncio.run(judge_all())
    return sum(verdicts), len(verdicts)
