"""Evaluating rules: the state machine that keeps alerts from storming.

Each evaluation locks its rule's row (``SELECT … FOR UPDATE SKIP LOCKED``), so two beat ticks —
or a tick and someone's "test" — never judge one rule at once: the second skips it. Under the
lock it reads the metric and moves the rule's state:

* OK and the condition holds → a new :class:`Alert`, one "firing" notification;
* firing and it still holds → the alert's latest value and window end are updated, nobody is told;
* firing and the window is back within the threshold → ``resolved_at`` set, one "resolved" notification;
* too few runs in the window (``min_runs``) or nothing to divide → no change either way: a
  broken app whose callers went away is not "recovered".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from builder.alerts.models import Alert, AlertRule
from builder.alerts.notifications import FIRING, RESOLVED, TEST, Notice, notify
from builder.alerts.readings import Reading, breached, reading_of

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    reading: Reading
    would_fire: bool
    change: str  # "fired", "resolved", "firing", "ok", "unknown"
    alert: Alert | None


def rule_evaluate(rule_id: int, *, now: datetime | None = None) -> Outcome | None:
    """Evaluate one enabled rule and notify on a change of state; None when another evaluation
    holds the rule (or it is gone or disabled)."""
    now = now or timezone.now()
    with transaction.atomic():
        rule = (AlertRule.objects.select_for_update(skip_locked=True, of=("self",)).select_related("app")
                .filter(pk=rule_id, enabled=True).first())
        if rule is None:
            return None
        try:
            with transaction.atomic():  # a savepoint: the error is kept on the rule even if the read broke SQL
                reading = reading_of(rule, now)
        except Exception as exc:  # noqa: BLE001 - kept on the rule, then raised again below
            failure = exc
            AlertRule.objects.filter(pk=rule.pk).update(last_evaluated_at=now, last_error=_error_text(exc))
        else:
            outcome = _advance(rule, reading, now)
            AlertRule.objects.filter(pk=rule.pk).update(last_evaluated_at=now, last_value=reading.value,
                                                        last_error="")
            return outcome
    raise failure


def _advance(rule: AlertRule, reading: Reading, now: datetime) -> Outcome:
    open_alert = rule.alerts.filter(resolved_at__isnull=True).first()
    holds = reading.known and breached(rule, reading.value)  # type: ignore[arg-type]
    if not reading.known:
        if open_alert is not None:
            open_alert.latest_at = now
            open_alert.save(update_fields=["latest_at"])
        return Outcome(reading, False, "unknown", open_alert)
    if open_alert is None and holds:
        alert = Alert.objects.create(
            rule=rule, metric=rule.metric, comparison=rule.comparison, threshold=rule.threshold,
            window_start=reading.start, window_end=reading.end, value=reading.value, latest_value=reading.value,
            latest_at=now, fired_at=now)
        alert.deliveries = notify(Notice(rule, FIRING, reading.value, reading.start, reading.end))
        alert.save(update_fields=["deliveries"])
        return Outcome(reading, True, "fired", alert)
    if open_alert is not None and holds:
        open_alert.latest_value, open_alert.latest_at, open_alert.window_end = reading.value, now, reading.end
        open_alert.save(update_fields=["latest_value", "latest_at", "window_end"])
        return Outcome(reading, True, "firing", open_alert)
    if open_alert is not None:
        open_alert.resolved_at, open_alert.resolved_value = now, reading.value
        open_alert.latest_value, open_alert.latest_at = reading.value, now
        open_alert.deliveries = [*open_alert.deliveries,
                                 *notify(Notice(rule, RESOLVED, reading.value, reading.start, reading.end))]
        open_alert.save(update_fields=["resolved_at", "resolved_value", "latest_value", "latest_at", "deliveries"])
        return Outcome(reading, False, "resolved", open_alert)
    return Outcome(reading, False, "ok", None)


def evaluate_all(*, now: datetime | None = None) -> dict[str, int]:
    """Every enabled rule of every workspace (the beat task). A rule that fails is logged (and its
    error kept on the rule for the page to show); the others still run."""
    counts = {"evaluated": 0, "fired": 0, "resolved": 0, "failed": 0, "skipped": 0}
    for rule_id in AlertRule.objects.filter(enabled=True).order_by("id").values_list("id", flat=True):
        try:
            outcome = rule_evaluate(rule_id, now=now)
        except Exception:  # one broken rule must not stop the others
            log.exception("alert rule %s failed to evaluate", rule_id)
            counts["failed"] += 1
            continue
        if outcome is None:
            counts["skipped"] += 1
            continue
        counts["evaluated"] += 1
        if outcome.change in ("fired", "resolved"):
            counts[outcome.change] += 1
    return counts


def rule_test(rule: AlertRule, *, notify_now: bool = False, now: datetime | None = None) -> dict:
    """Read the rule's metric now and say whether it would fire — without changing its state;
    with ``notify_now``, send a test notification on its channels."""
    now = now or timezone.now()
    reading = reading_of(rule, now)
    would_fire = reading.known and breached(rule, reading.value)  # type: ignore[arg-type]
    deliveries = notify(Notice(rule, TEST, reading.value, reading.start, reading.end)) if notify_now else []
    return {"value": reading.value, "would_fire": would_fire, "sample": reading.sample, "enough_data": reading.enough,
            "min_runs": rule.min_runs, "window": {"start": reading.start, "end": reading.end},
            "firing": rule.alerts.filter(resolved_at__isnull=True).exists(), "deliveries": deliveries}


def _error_text(exc: Exception) -> str:
    message = getattr(exc, "message", None) or str(exc)
    return f"{type(exc).__name__}: {message}"[:1000]
