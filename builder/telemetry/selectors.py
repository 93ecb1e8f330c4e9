"""Reads of telemetry export: the workspace's target as answers show it (header values never,
their hints only) and the runs waiting for export with everything their traces are made of."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from django.db.models import Prefetch

from builder.publishing.models import ApiRun
from builder.runs.models import NodeTrace, Run
from builder.telemetry.errors import TargetNotFound
from builder.telemetry.models import ExportTarget, PendingRun
from builder.telemetry.spans import RunTrace


def target_get(*, workspace) -> ExportTarget:
    target = ExportTarget.objects.filter(workspace=workspace).first()
    if target is None:
        raise TargetNotFound("This workspace exports no telemetry yet.")
    return target


def target_row(target: ExportTarget) -> dict[str, Any]:
    return {
        "endpoint": target.endpoint,
        "headers": [{"name": h["name"], "hint": h.get("hint", "…")} for h in target.headers],
        "enabled": target.enabled, "sources": list(target.sources), "include_content": target.include_content,
        "pending_runs": PendingRun.objects.filter(workspace_id=target.workspace_id).count(),
        "exported_runs": target.exported_runs, "exported_spans": target.exported_spans,
        "failed_attempts": target.failed_attempts,
        "last_attempt_at": target.last_attempt_at, "last_success_at": target.last_success_at,
        "last_error_at": target.last_error_at, "last_error_code": target.last_error_code,
        "last_error_message": target.last_error_message,
        "created_at": target.created_at, "updated_at": target.updated_at,
    }


def run_traces(run_ids: Sequence[UUID]) -> list[RunTrace]:
    """The runs (those that still exist) with app, version, node traces and the endpoint's row."""
    runs = (Run.objects.filter(pk__in=run_ids).select_related("app", "version")
            .prefetch_related(Prefetch("traces", queryset=NodeTrace.objects.order_by("sequence"))))
    extras = {a.run_id: a for a in ApiRun.objects.filter(run_id__in=run_ids).select_related("api_key")}
    out = []
    for run in runs:
        api = extras.get(run.pk)
        out.append(RunTrace(run=run, traces=list(run.traces.all()), label=api.label if api else "",
                            end_user=api.end_user if api else "",
                            api_key_name=api.api_key.name if api and api.api_key else ""))
    return out
