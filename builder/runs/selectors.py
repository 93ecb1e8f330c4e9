from __future__ import annotations

import uuid

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F, Prefetch, QuerySet

from builder.core.errors import NotFound
from builder.runs.filters import DRAFT, RunFilters, full_run_id
from builder.runs.models import NodeTrace, Run

# What a run's row shows besides its own columns: the app, the version number, and for calls
# through the public endpoint the key and label (one query for a whole page, whatever its size).
ROW_RELATIONS = ("app", "version", "api", "api__api_key", "prompt_version__prompt")
# Their large columns, which no run view reads: the app's draft, the version's graph, the call's events.
LARGE_RELATED = ("app__draft", "version__graph", "api__events", "prompt_version__messages")


def runs_of(*, workspace, app=None) -> QuerySet[Run]:
    runs = Run.objects.filter(workspace=workspace)
    return runs.filter(app=app) if app is not None else runs


def runs_list(*, workspace, filters: RunFilters) -> QuerySet[Run]:
    """The workspace's runs (every app and source) that pass ``filters``, newest first.

    The graph snapshot and the payloads are left out: a list shows neither, and they can be large."""
    runs = runs_of(workspace=workspace)
    if filters.app_id is not None:
        runs = runs.filter(app_id=filters.app_id)
    if filters.version == DRAFT:
        runs = runs.filter(version__isnull=True)
    elif filters.version is not None:
        runs = runs.filter(version__number=filters.version)
    if filters.statuses:
        runs = runs.filter(status__in=filters.statuses)
    if filters.sources:
        runs = runs.filter(source__in=filters.sources)
    if filters.key_id is not None:
        runs = runs.filter(api__api_key=filters.key_id)
    if filters.label:
        runs = runs.filter(api__label=filters.label)
    if filters.since is not None:
        runs = runs.filter(created_at__gte=filters.since)
    if filters.until is not None:
        runs = runs.filter(created_at__lt=filters.until)
    if filters.run_id:
        exact = full_run_id(filters.run_id)
        runs = runs.filter(pk=exact) if exact else runs.filter(id__startswith=filters.run_id)
    runs = runs.select_related(*ROW_RELATIONS).defer("graph", "inputs", "outputs", *LARGE_RELATED)
    # Runs created in the same instant (a debug run is dated when queued, an API run when it started):
    # their start, then their id, decide.
    return runs.order_by("-created_at", F("started_at").desc(nulls_first=True), "-pk")


def _one_run(*, workspace, run_id) -> QuerySet[Run]:
    try:
        pk = uuid.UUID(str(run_id))
    except ValueError:
        raise NotFound("Run not found.") from None
    return runs_of(workspace=workspace).filter(pk=pk).select_related(*ROW_RELATIONS).defer(*LARGE_RELATED)


def run_get(*, workspace, run_id) -> Run:
    run = _one_run(workspace=workspace, run_id=run_id).first()
    if run is None:
        raise NotFound("Run not found.")
    return run


def run_with_traces(*, workspace, run_id) -> Run:
    """One run with its app, version, key and label, and its node traces in order (two queries)."""
    traces = Prefetch("traces", queryset=NodeTrace.objects.order_by("sequence"))
    run = _one_run(workspace=workspace, run_id=run_id).prefetch_related(traces).first()
    if run is None:
        raise NotFound("Run not found.")
    return run


def api_call_of(run: Run):
    """What the public endpoint recorded for ``run`` (key, label, end user), or None for other runs.

    Reads the relation loaded with the run (see ``ROW_RELATIONS``): no query."""
    try:
        return run.api
    except ObjectDoesNotExist:
        return None


def last_traces(*, app) -> dict[str, NodeTrace]:
    """Each node's most recent trace in the app's runs (the editor's "Last run" tab)."""
    latest = (
        NodeTrace.objects.filter(app=app).exclude(status="running")
        .order_by("node_id", "-run__created_at", "-sequence").distinct("node_id")
    )
    return {trace.node_id: trace for trace in latest}
