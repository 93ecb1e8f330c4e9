"""The filters every monitoring page shares: their options for a workspace, their values in the
page's query string (so a link, a reload or another page keeps them) and the :class:`Scope` they
make."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.db import connection
from django.utils import timezone

from builder.flows.models import App, AppVersion
from builder.monitoring.selectors import PUBLISHED_SOURCES, Scope, month_bounds
from builder.publishing.models import ApiKey

RANGES = {"1h": timedelta(hours=1), "6h": timedelta(hours=6), "24h": timedelta(hours=24), "7d": timedelta(days=7),
          "30d": timedelta(days=30), "90d": timedelta(days=90)}
RANGE_LABELS = {"1h": "Last hour", "6h": "Last 6 hours", "24h": "Last 24 hours", "7d": "Last 7 days",
                "30d": "Last 30 days", "90d": "Last 90 days", "month": "This month"}
DEFAULT_RANGE = "7d"
#: Filter ids (also the query string's keys) and whether their values are ids.
FILTERS = {"range": False, "app": True, "version": True, "label": False, "model": False, "key": True, "source": False}


def time_range(value: str | None, *, now: datetime | None = None) -> tuple[datetime, datetime]:
    now = now or timezone.now()
    if value == "month":
        start, end = month_bounds(now.astimezone(UTC).date())
        return start, min(end, now + timedelta(seconds=1))
    return now - RANGES.get(value or DEFAULT_RANGE, RANGES[DEFAULT_RANGE]), now + timedelta(seconds=1)


_MAX_ID = 2**63 - 1
_MAX_TEXT = 200


def an_id(value: Any) -> int | None:
    """An id the page sent, or None for anything that cannot be one (a crafted request's value)."""
    if isinstance(value, bool):
        return None
    try:
        number = int(value) if isinstance(value, (int, str)) and value != "" else None
    except ValueError:
        return None
    return number if number is not None and 0 < number <= _MAX_ID else None


def a_text(value: Any) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= _MAX_TEXT else None


def scope_of(workspace_id: int, values: dict[str, Any], *, now: datetime | None = None) -> Scope:
    """The scope of the filters' values; a value of the wrong kind counts as no filter."""
    chosen = values.get("range")
    since, until = time_range(chosen if isinstance(chosen, str) else None, now=now)
    return Scope(workspace_id, since, until, app_id=an_id(values.get("app")), version_id=an_id(values.get("version")),
                 label=a_text(values.get("label")), model=a_text(values.get("model")),
                 api_key_id=an_id(values.get("key")), source=a_text(values.get("source")))


def from_query(search: Any) -> dict[str, Any]:
    """Filter values from a query string (``?app=3&range=30d``); unknown keys are ignored."""
    values: dict[str, Any] = dict.fromkeys(FILTERS)
    for name, value in parse_qsl((search if isinstance(search, str) else "").lstrip("?")):
        if name in FILTERS:
            values[name] = an_id(value) if FILTERS[name] else a_text(value)
    if values["range"] not in RANGE_LABELS:
        values["range"] = DEFAULT_RANGE
    return values


def to_query(values: dict[str, Any]) -> str:
    pairs = [(k, v) for k, v in values.items() if k in FILTERS and v not in (None, "")
             and not (k == "range" and v == DEFAULT_RANGE)]
    return f"?{urlencode(pairs)}" if pairs else ""


def options(workspace_id: int, app_id: int | None) -> dict[str, list[dict[str, Any]]]:
    """The choices of each filter in a workspace (versions of the chosen app only)."""
    apps = [{"label": a["name"], "value": a["id"]}
            for a in App.objects.filter(workspace_id=workspace_id).order_by("name").values("id", "name")]
    versions = []
    if app_id is not None:
        versions = [{"label": f"v{v['number']}", "value": v["id"]} for v in AppVersion.objects.filter(
            app_id=app_id, app__workspace_id=workspace_id).order_by("-number").values("id", "number")]
    keys = [{"label": f"{k['name']} ({k['prefix']}…)", "value": k["id"]}
            for k in ApiKey.objects.filter(workspace_id=workspace_id).order_by("name").values("id", "name", "prefix")]
    with connection.cursor() as cursor:  # labels and models that have traffic (the rollup's day rows)
        cursor.execute("SELECT DISTINCT label FROM monitoring_runrollup WHERE workspace_id = %s AND grain = 'd' "
                       "AND label <> '' ORDER BY 1", [workspace_id])
        labels = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT DISTINCT models FROM monitoring_noderollup WHERE workspace_id = %s AND grain = 'd' "
                       "AND models <> '' ORDER BY 1", [workspace_id])
        models = [row[0] for row in cursor.fetchall()]
    return {
        "range": [{"label": text, "value": value} for value, text in RANGE_LABELS.items()],
        "app": apps, "version": versions, "label": [{"label": n, "value": n} for n in labels],
        "model": [{"label": m, "value": m} for m in models], "key": keys,
        "source": [{"label": {"api": "API", "chat": "Chat completions", "web": "Web chat"}[s], "value": s}
                   for s in PUBLISHED_SOURCES],
    }


def names(workspace_id: int) -> dict[str, dict[int, str]]:
    """Display names of the ids the rollups hold: apps, versions ("App v3"), API keys."""
    apps = dict(App.objects.filter(workspace_id=workspace_id).values_list("id", "name"))
    versions = {v["id"]: f"{apps.get(v['app_id'], 'deleted app')} v{v['number']}" for v in AppVersion.objects.filter(
        app__workspace_id=workspace_id).values("id", "app_id", "number")}
    keys = dict(ApiKey.objects.filter(workspace_id=workspace_id).values_list("id", "name"))
    return {"app": apps, "version": versions, "api_key": keys}
