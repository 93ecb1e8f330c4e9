"""What the monitoring pages and alerts read: aggregates of published traffic from the rollups
(:mod:`builder.monitoring.models`), never from scanning raw runs. Only the list of runs behind a
point reads runs, through the runs' (workspace, created_at) index and a limit.

Every read takes a :class:`Scope` — the workspace, a time range and the filters all pages share
— and picks the grain from the range (:func:`grain_for`): minutes for up to six hours (within the
minutes kept), hours for up to eight days, days beyond. A range is widened to whole buckets of its
grain."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import F
from django.utils import timezone
from scipy.stats import binomtest

from builder.annotation.models import Score
from builder.monitoring.models import BIN_BASE, MINUTE_RETENTION, Budget, Grain

PUBLISHED_SOURCES = ("api", "chat", "web")
_TRUNC = {Grain.MINUTE: "minute", Grain.HOUR: "hour", Grain.DAY: "day"}
_STEP = {Grain.MINUTE: timedelta(minutes=1), Grain.HOUR: timedelta(hours=1), Grain.DAY: timedelta(days=1)}


@dataclass(frozen=True, slots=True)
class Scope:
    """A workspace, a time range [since, until) and the shared filters (None: all)."""

    workspace_id: int
    since: datetime
    until: datetime
    app_id: int | None = None
    version_id: int | None = None
    label: str | None = None
    model: str | None = None
    api_key_id: int | None = None
    source: str | None = None

    @property
    def grain(self) -> str:
        return grain_for(self.since, self.until)


def grain_for(since: datetime, until: datetime, *, now: datetime | None = None) -> str:
    span = until - since
    now = now or timezone.now()
    if span <= timedelta(hours=6) and since >= now - MINUTE_RETENTION:
        return Grain.MINUTE
    if span <= timedelta(days=8):
        return Grain.HOUR
    return Grain.DAY


def bucket_start(at: datetime, grain: str) -> datetime:
    at = at.astimezone(UTC)
    if grain == Grain.MINUTE:
        return at.replace(second=0, microsecond=0)
    if grain == Grain.HOUR:
        return at.replace(minute=0, second=0, microsecond=0)
    return at.replace(hour=0, minute=0, second=0, microsecond=0)


def bucket_step(grain: str) -> timedelta:
    return _STEP[Grain(grain)]


# --- SQL ---------------------------------------------------------------------------------------

def _where(scope: Scope, *, node_model: bool = False, grain: str | None = None) -> tuple[str, list[Any]]:
    grain = grain or scope.grain
    clauses = ["workspace_id = %s", "grain = %s", "bucket >= %s", "bucket < %s"]
    params: list[Any] = [scope.workspace_id, grain, bucket_start(scope.since, grain), scope.until]
    for column, value in (("app_id", scope.app_id), ("version_id", scope.version_id), ("label", scope.label),
                          ("api_key_id", scope.api_key_id), ("source", scope.source)):
        if value is not None:
            clauses.append(f"{column} = %s")
            params.append(value)
    if scope.model:
        if node_model:  # a node rollup's models is the node's one model
            clauses.append("models = %s")
        else:  # a run called this model (among others)
            clauses.append("strpos(',' || models || ',', ',' || %s || ',') > 0")
        params.append(scope.model)
    return " AND ".join(clauses), params


def _rows(sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


_RUN_SUMS = ("coalesce(sum(runs), 0)::bigint AS runs, coalesce(sum(failed), 0)::bigint AS failed, "
             "coalesce(sum(streamed), 0)::bigint AS streamed, coalesce(sum(tokens_in), 0)::bigint AS tokens_in, "
             "coalesce(sum(tokens_out), 0)::bigint AS tokens_out, coalesce(sum(cost), 0) AS cost, "
             "coalesce(sum(latency_ms_sum), 0) AS latency_ms_sum")


def totals(scope: Scope) -> dict[str, Any]:
    """Runs, failures, tokens, cost and mean latency in the scope."""
    where, params = _where(scope)
    row = _rows(f"SELECT {_RUN_SUMS} FROM monitoring_runrollup WHERE {where}", params)[0]
    row["error_rate"] = row["failed"] / row["runs"] if row["runs"] else None
    row["latency_ms_mean"] = row["latency_ms_sum"] / row["runs"] if row["runs"] else None
    return row


def series(scope: Scope) -> list[dict[str, Any]]:
    """Per bucket of the scope's grain: runs, failures, tokens, cost (buckets without runs left out)."""
    where, params = _where(scope)
    return _rows(f"SELECT bucket, {_RUN_SUMS} FROM monitoring_runrollup WHERE {where} GROUP BY bucket ORDER BY bucket",
                 params)


BREAKDOWNS = ("app", "version", "label", "source", "api_key", "model", "error_code")


def breakdown(scope: Scope, by: str) -> list[dict[str, Any]]:
    """Runs, failures, tokens and cost per value of one dimension (``model``: per model called, from
    the node calls: a run's cost is the sum of its model nodes' costs), largest cost first. ``key``
    is the dimension's value (an id for app, version and API key; 0 for none)."""
    if by not in BREAKDOWNS:
        raise ValueError(f"no breakdown by {by!r}")
    if by == "model":
        where, params = _where(scope, node_model=True)
        return _rows(
            "SELECT models AS key, sum(calls)::bigint AS runs, sum(failed)::bigint AS failed, "
            "sum(tokens_in)::bigint AS tokens_in, sum(tokens_out)::bigint AS tokens_out, sum(cost) AS cost "
            f"FROM monitoring_noderollup WHERE {where} AND models <> '' GROUP BY models ORDER BY cost DESC, runs DESC",
            params)
    column = {"app": "app_id", "version": "version_id", "api_key": "api_key_id"}.get(by, by)
    where, params = _where(scope)
    return _rows(f"SELECT {column} AS key, {_RUN_SUMS} FROM monitoring_runrollup WHERE {where} "
                 f"GROUP BY {column} ORDER BY cost DESC, runs DESC", params)


def end_users(scope: Scope, *, limit: int = 10) -> list[dict[str, Any]]:
    """The end users (the ``user`` callers name) who cost the most, by whole days (app filter only)."""
    clauses = ["workspace_id = %s", "day >= %s", "day <= %s"]
    params: list[Any] = [scope.workspace_id, scope.since.astimezone(UTC).date(), scope.until.astimezone(UTC).date()]
    if scope.app_id is not None:
        clauses.append("app_id = %s")
        params.append(scope.app_id)
    return _rows(
        "SELECT end_user, sum(runs)::bigint AS runs, sum(tokens_in)::bigint AS tokens_in, "
        f"sum(tokens_out)::bigint AS tokens_out, sum(cost) AS cost FROM monitoring_enduserrollup "
        f"WHERE {' AND '.join(clauses)} GROUP BY end_user ORDER BY cost DESC, runs DESC LIMIT %s",
        [*params, limit])


# --- latency -----------------------------------------------------------------------------------

QUANTILES = (0.5, 0.95, 0.99)


def quantiles_of(bins: dict[int, int], qs: Iterable[float] = QUANTILES) -> dict[float, float | None]:
    """Quantiles from a histogram {bin: count}: the geometric middle of the bin that holds each."""
    total = sum(bins.values())
    out: dict[float, float | None] = {}
    ordered = sorted(bins.items())
    for q in qs:
        if not total:
            out[q] = None
            continue
        rank = max(1, math.ceil(q * total))
        seen = 0
        for b, count in ordered:
            seen += count
            if seen >= rank:
                out[q] = BIN_BASE ** (b + 0.5) if b > 0 else 1.0
                break
    return out


def _bins(scope: Scope, metric_sql: str, metric_params: list[Any], *, by: str | None,
          node_model: bool = False) -> dict[Any, dict[int, int]]:
    where, params = _where(scope, node_model=node_model)
    group = f"{by}, " if by else ""
    rows = _rows(f"SELECT {group}bin, sum(count)::bigint AS n FROM monitoring_latencybin "
                 f"WHERE {where} AND {metric_sql} GROUP BY {group}bin", [*params, *metric_params])
    out: dict[Any, dict[int, int]] = defaultdict(dict)
    for row in rows:
        out[row[by] if by else None][row["bin"]] = row["n"]
    return out


def latency(scope: Scope) -> dict[float, float | None]:
    """Whole-run latency p50/p95/p99 (ms) in the scope."""
    return quantiles_of(_bins(scope, "metric = %s", ["run"], by=None).get(None, {}))


def latency_profile(scope: Scope) -> dict[str, Any]:
    """Whole-run latency and the time to first token of streamed answers, from one read of the
    histograms: ``run`` and ``first_token`` p50/p95/p99 (ms) over the scope, and ``series`` per
    bucket (whole-run p50/p95/p99 and the first token's p50, ``ttft_p50``)."""
    where, params = _where(scope)
    rows = _rows("SELECT metric, bucket, bin, sum(count)::bigint AS n FROM monitoring_latencybin "
                 f"WHERE {where} AND metric IN ('run', 'first_token') GROUP BY metric, bucket, bin", params)
    per: dict[str, dict[Any, dict[int, int]]] = {"run": defaultdict(dict), "first_token": defaultdict(dict)}
    overall: dict[str, Counter[int]] = {"run": Counter(), "first_token": Counter()}
    for row in rows:
        per[row["metric"]][row["bucket"]][row["bin"]] = row["n"]
        overall[row["metric"]][row["bin"]] += row["n"]
    first = per["first_token"]
    return {
        "run": quantiles_of(overall["run"]), "first_token": quantiles_of(overall["first_token"]),
        "series": [{"bucket": bucket, **{f"p{round(q * 100)}": v for q, v in quantiles_of(bins).items()},
                    "ttft_p50": quantiles_of(first.get(bucket, {}), (0.5,))[0.5]}
                   for bucket, bins in sorted(per["run"].items())],
    }


def node_latency(scope: Scope) -> list[dict[str, Any]]:
    """Per node type: calls, failures, mean and p50/p95/p99 latency (ms), slowest p95 first."""
    per = _bins(scope, "metric LIKE %s", ["node:%"], by="metric", node_model=True)
    where, params = _where(scope, node_model=True)
    sums = {row["node_type"]: row for row in _rows(
        "SELECT node_type, sum(calls)::bigint AS calls, sum(failed)::bigint AS failed, sum(latency_ms_sum) AS "
        f"latency_ms_sum, sum(cost) AS cost FROM monitoring_noderollup WHERE {where} GROUP BY node_type", params)}
    out = []
    for metric, bins in per.items():
        node_type = metric.removeprefix("node:")
        row = sums.get(node_type, {"calls": 0, "failed": 0, "latency_ms_sum": 0.0, "cost": 0.0})
        qs = quantiles_of(bins)
        out.append({"node_type": node_type, "calls": row["calls"], "failed": row["failed"], "cost": row["cost"],
                    "mean": row["latency_ms_sum"] / row["calls"] if row["calls"] else None,
                    **{f"p{round(q * 100)}": v for q, v in qs.items()}})
    return sorted(out, key=lambda r: -(r["p95"] or 0))


# --- quality -----------------------------------------------------------------------------------

def _feedback_sums(scope: Scope, group: str | None) -> list[dict[str, Any]]:
    where, params = _where(scope)
    select = f"{group}, " if group else ""
    tail = f" GROUP BY {group} ORDER BY {group}" if group else ""
    return _rows(f"SELECT {select}coalesce(sum(feedback), 0)::bigint AS feedback, coalesce(sum(positive), 0)::bigint "
                 "AS positive, coalesce(sum(negative), 0)::bigint AS negative, coalesce(sum(scored), 0)::bigint AS "
                 f"scored, coalesce(sum(score_sum), 0) AS score_sum FROM monitoring_feedbackrollup WHERE {where}{tail}",
                 params)


def feedback(scope: Scope) -> dict[str, Any]:
    """Feedback count, ratings up and down, the share positive of the ratings, and the feedback rate
    (feedback per run)."""
    row = _feedback_sums(scope, None)[0]
    runs = totals(scope)["runs"]
    rated = row["positive"] + row["negative"]
    row["rate"] = row["feedback"] / runs if runs else None
    row["positive_share"] = row["positive"] / rated if rated else None
    return row


def feedback_series(scope: Scope) -> list[dict[str, Any]]:
    """Per bucket and version: ratings up and down."""
    where, params = _where(scope)
    return _rows("SELECT bucket, version_id, sum(positive)::bigint AS positive, sum(negative)::bigint AS negative "
                 f"FROM monitoring_feedbackrollup WHERE {where} GROUP BY bucket, version_id ORDER BY bucket", params)


def proportion(successes: int, n: int) -> dict[str, float | int | None]:
    """A share with its 95 % Wilson interval."""
    if not n:
        return {"n": 0, "k": 0, "value": None, "low": None, "high": None}
    ci = binomtest(successes, n).proportion_ci(confidence_level=0.95, method="wilson")
    return {"n": n, "k": successes, "value": successes / n, "low": ci.low, "high": ci.high}


def versions_compared(scope: Scope, version_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Side by side for each version (the arms of a split, or any two): runs, error rate and share
    of positive ratings with 95 % intervals, p50/p95 latency, cost per run, and the annotation
    scores its runs got (mean per score config, with n)."""
    out = []
    for version_id in version_ids:
        arm = replace(scope, version_id=version_id)
        run_totals = totals(arm)
        fb = _feedback_sums(arm, None)[0]
        lat = latency(arm)
        out.append({
            "version_id": version_id, "runs": run_totals["runs"],
            "error_rate": proportion(run_totals["failed"], run_totals["runs"]),
            "positive_share": proportion(fb["positive"], fb["positive"] + fb["negative"]),
            "feedback": fb["feedback"], "p50": lat[0.5], "p95": lat[0.95],
            "cost_per_run": run_totals["cost"] / run_totals["runs"] if run_totals["runs"] else None,
            "scores": annotation_scores(arm),
        })
    return out


def annotation_scores(scope: Scope) -> list[dict[str, Any]]:
    """Reviewers' scores of the scope's runs per score config: ``n`` and ``mean`` — numbers as
    their mean, yes/no as the share yes, options as the share of the first option (``first``: the
    best one, as score configs list them: yes · partly · no). Text scores are not figures. Scores
    are few (people write them), so they are read from their table, joined to runs by primary key
    — through the ORM, which decodes their JSON values (a raw cursor hands jsonb back as text)."""
    runs = {"review__item__run__created_at__gte": scope.since, "review__item__run__created_at__lt": scope.until}
    for field, value in (("app_id", scope.app_id), ("version_id", scope.version_id), ("source", scope.source)):
        if value is not None:
            runs[f"review__item__run__{field}"] = value
    rows = Score.objects.filter(config__workspace_id=scope.workspace_id, **runs).values(
        "value", config_pk=F("config_id"), name=F("config__name"), kind=F("config__kind"),
        options=F("config__options"))
    per: dict[int, dict[str, Any]] = {}
    for row in rows:
        value = _score_number(row)
        if value is None:
            continue
        first = row["options"][0] if row["kind"] == "categorical" else "yes" if row["kind"] == "boolean" else None
        entry = per.setdefault(row["config_pk"], {"config_id": row["config_pk"], "name": row["name"],
                                                  "kind": row["kind"], "first": first, "n": 0, "total": 0.0})
        entry["n"] += 1
        entry["total"] += value
    return [{**{k: v for k, v in e.items() if k != "total"}, "mean": e["total"] / e["n"]}
            for e in sorted(per.values(), key=lambda e: e["name"])]


def _score_number(row: dict[str, Any]) -> float | None:
    value = row["value"]
    if row["kind"] == "boolean":
        return 1.0 if value is True else 0.0 if value is False else None
    if row["kind"] == "numeric" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if row["kind"] == "categorical" and row["options"] and value in row["options"]:
        return 1.0 if value == row["options"][0] else 0.0
    return None


_VARIANT_VERSIONS = ("FROM experiments_experiment e JOIN experiments_variant v ON v.experiment_id = e.id "
                     "JOIN flows_appversion av ON av.id = v.app_version_id")


def _finished_experiments(workspace_id: int, app_id: int | None, since: datetime,
                          until: datetime) -> tuple[str, list[Any]]:
    """WHERE of the experiments that finished in the range, their app-version variants only."""
    clauses = ["e.workspace_id = %s", "e.finished_at >= %s", "e.finished_at < %s", "v.app_version_id IS NOT NULL"]
    params: list[Any] = [workspace_id, since, until]
    if app_id is not None:
        clauses.append("av.app_id = %s")
        params.append(app_id)
    return " AND ".join(clauses), params


def good_result_ratios(workspace_id: int, *, app_id: int | None, since: datetime, until: datetime) -> list[dict]:
    """Experiments' good-result ratio per app version over time: for each finished experiment with
    an app-version variant in the range, its primary evaluator's pass rate per variant."""
    where, params = _finished_experiments(workspace_id, app_id, since, until)
    return _rows(
        "SELECT e.id AS experiment_id, e.name AS experiment, e.finished_at, av.app_id, av.number AS version, "
        "count(c.id) FILTER (WHERE c.passed IS NOT NULL)::bigint AS judged, "
        f"count(c.id) FILTER (WHERE c.passed)::bigint AS passed {_VARIANT_VERSIONS} "
        f"LEFT JOIN experiments_cell c ON c.variant_id = v.id WHERE {where} "
        "GROUP BY e.id, e.name, e.finished_at, av.app_id, av.number ORDER BY e.finished_at", params)


def evaluator_pass_rates(workspace_id: int, *, app_id: int | None, since: datetime, until: datetime) -> list[dict]:
    """Each evaluator's pass rate per app version, over the cells of the experiments that finished
    in the range (every evaluator of a cell, not only the primary one)."""
    where, params = _finished_experiments(workspace_id, app_id, since, until)
    return _rows(
        "SELECT av.app_id, av.number AS version, verdict->>'evaluator' AS evaluator, "
        "count(*) FILTER (WHERE verdict->>'passed' IS NOT NULL)::bigint AS judged, "
        f"count(*) FILTER (WHERE (verdict->>'passed')::boolean)::bigint AS passed {_VARIANT_VERSIONS} "
        "JOIN experiments_cell c ON c.variant_id = v.id "
        "CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(c.verdicts) = 'array' THEN c.verdicts "
        "ELSE '[]'::jsonb END) AS verdict "
        f"WHERE {where} GROUP BY 1, 2, 3 ORDER BY 3, 1, 2", params)


# --- cost --------------------------------------------------------------------------------------

def month_bounds(today: date) -> tuple[datetime, datetime]:
    start = datetime(today.year, today.month, 1, tzinfo=UTC)
    end = datetime(today.year + (today.month == 12), today.month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def budget_projection(workspace_id: int, *, now: datetime | None = None, app_id: int | None = None) -> dict:
    """This month's cost so far per day, its projection to the month's end (the mean daily cost of
    the last seven days with traffic, carried forward; the month so far when it is younger), the
    workspace's budget and the day the projection crosses it (None if it does not)."""
    now = (now or timezone.now()).astimezone(UTC)
    start, end = month_bounds(now.date())
    scope = Scope(workspace_id, start, end, app_id=app_id)
    days = {row["bucket"].date(): row["cost"] for row in _rows(
        *_daily_cost_sql(scope))}
    spent = sum(days.values())
    today = now.date()
    elapsed = (today - start.date()).days + 1
    recent = [days.get(today - timedelta(days=i), 0.0) for i in range(min(7, elapsed))]
    per_day = sum(recent) / len(recent) if recent else 0.0
    remaining_days = (end.date() - today).days - 1
    projected = spent + per_day * remaining_days
    budget = Budget.objects.filter(workspace_id=workspace_id).values_list("monthly", flat=True).first()
    crossing = None
    if budget is not None:
        limit = float(budget)
        if spent >= limit:
            running = 0.0
            for day in sorted(days):
                running += days[day]
                if running >= limit:
                    crossing = day
                    break
        elif per_day > 0 and projected >= limit:
            crossing = today + timedelta(days=math.ceil((limit - spent) / per_day))
    return {"month_start": start.date(), "month_end": (end - timedelta(days=1)).date(), "today": today,
            "days": sorted(days.items()), "spent": spent, "per_day": per_day, "projected": projected,
            "budget": float(budget) if budget is not None else None, "exceeds_on": crossing}


def _daily_cost_sql(scope: Scope) -> tuple[str, list[Any]]:
    where, params = _where(scope, grain=Grain.DAY)
    return (f"SELECT bucket, sum(cost) AS cost FROM monitoring_runrollup WHERE {where} GROUP BY bucket", params)


# --- alerts ------------------------------------------------------------------------------------

def window_metrics(*, workspace_id: int, since: datetime, until: datetime, app_id: int | None = None) -> dict:
    """What alert rules compare with their thresholds, over one window of published traffic:
    runs, failed, error_rate, p95_latency_ms, cost, feedback, negative, negative_share (rates
    None without runs or ratings)."""
    scope = Scope(workspace_id, since, until, app_id=app_id)
    run_totals = totals(scope)
    fb = _feedback_sums(scope, None)[0]
    rated = fb["positive"] + fb["negative"]
    return {"runs": run_totals["runs"], "failed": run_totals["failed"], "error_rate": run_totals["error_rate"],
            "p95_latency_ms": latency(scope)[0.95], "cost": run_totals["cost"], "feedback": fb["feedback"],
            "negative": fb["negative"], "negative_share": fb["negative"] / rated if rated else None}


# --- the runs behind a point -------------------------------------------------------------------

def runs_behind(scope: Scope, *, limit: int = 50, error_code: str | None = None,
                node_type: str | None = None) -> list[dict[str, Any]]:
    """The latest published runs in the scope (a clicked point's bucket), newest first."""
    from builder.runs.models import Run  # the one read of raw runs: by the (workspace, created_at) index

    runs = Run.objects.filter(workspace_id=scope.workspace_id, created_at__gte=scope.since,
                              created_at__lt=scope.until, source__in=PUBLISHED_SOURCES)
    if scope.source:
        runs = runs.filter(source=scope.source)
    if scope.app_id is not None:
        runs = runs.filter(app_id=scope.app_id)
    if scope.version_id is not None:
        runs = runs.filter(version_id=scope.version_id)
    if scope.label is not None:
        runs = runs.filter(api__label=scope.label)
    if scope.api_key_id is not None:
        runs = runs.filter(api__api_key_id=scope.api_key_id)
    if scope.model:
        runs = runs.filter(traces__inputs__model=scope.model).distinct()
    if error_code is not None:
        runs = runs.filter(error_code=error_code)
    if node_type:
        runs = runs.filter(traces__node_type=node_type).distinct()
    return list(runs.order_by("-created_at").values(
        "id", "created_at", "status", "source", "app_id", "app__name", "version__number", "latency_ms", "cost",
        "tokens_in", "tokens_out", "error_code")[:limit])
