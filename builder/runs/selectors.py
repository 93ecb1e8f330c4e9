from __future__ import annotations

import uuid

from django.db.models import QuerySet

from builder.core.errors import NotFound
from builder.runs.models import NodeTrace, Run


def runs_of(*, workspace, app=None) -> QuerySet[Run]:
    runs = Run.objects.filter(workspace=workspace)
    return runs.filter(app=app) if app is not None else runs


def run_get(*, workspace, run_id) -> Run:
    try:
        pk = uuid.UUID(str(run_id))
    except ValueError:
        raise NotFound("Run not found.") from None
    run = runs_of(workspace=workspace).filter(pk=pk).first()
    if run is None:
        raise NotFound("Run not found.")
    return run


def last_traces(*, app) -> dict[str, NodeTrace]:
    """Each node's most recent trace in the app's runs (the editor's "Last run" tab)."""
    latest = (
        NodeTrace.objects.filter(app=app).exclude(status="running")
        .order_by("node_id", "-run__created_at", "-sequence").distinct("node_id")
    )
    return {trace.node_id: trace for trace in latest}
