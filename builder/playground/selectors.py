"""Reads of the playground: a prompt version to run, the history of runs grouped as started."""

from __future__ import annotations

import uuid
from itertools import groupby
from typing import Any

from django.db.models import Min

from builder.core.errors import NotFound
from builder.prompts.models import PromptVersion
from builder.runs.models import Run, RunSource

HISTORY_GROUPS = 50


def prompt_version_get(*, workspace, version_id: int) -> PromptVersion:
    version = PromptVersion.objects.select_related("prompt").filter(
        pk=version_id, prompt__workspace=workspace).first()
    if version is None:
        raise NotFound("There is no such prompt version here.", code="prompt_version_not_found")
    return version


def group_exists(*, workspace, group_id: uuid.UUID) -> bool:
    return Run.objects.filter(workspace=workspace, source=RunSource.PLAYGROUND, group_id=group_id).exists()


def playground_groups(*, workspace, prompt_id: int | None = None, limit: int = HISTORY_GROUPS) -> list[dict[str, Any]]:
    """The latest ``limit`` groups of playground runs, newest first, each with its columns."""
    runs = Run.objects.filter(workspace=workspace, source=RunSource.PLAYGROUND).exclude(group_id=None)
    if prompt_id is not None:
        runs = runs.filter(prompt_version__prompt_id=prompt_id)
    wanted = list(
        runs.values("group_id").annotate(started=Min("created_at")).order_by("-started")
        .values_list("group_id", flat=True)[:limit]
    )
    rows = (
        runs.filter(group_id__in=wanted).select_related("prompt_version__prompt")
        .order_by("group_id", "group_index", "created_at")
    )
    groups = []
    for group_id, members in groupby(rows, key=lambda run: run.group_id):
        columns = list(members)
        first = min(columns, key=lambda run: run.created_at)
        node = _prompt_node(first)
        groups.append({
            "group_id": group_id, "created_at": first.created_at, "prompt_version": first.prompt_version,
            "values": first.inputs, "messages": node.get("messages", []),
            "runs": [_column(run) for run in columns],
        })
    groups.sort(key=lambda g: g["created_at"], reverse=True)
    return groups


def _prompt_node(run: Run) -> dict[str, Any]:
    nodes = run.graph.get("nodes", []) if isinstance(run.graph, dict) else []
    return next((n.get("config", {}) for n in nodes if n.get("id") == "prompt"), {})


def _column(run: Run) -> dict[str, Any]:
    outputs = run.outputs if isinstance(run.outputs, dict) else {}
    text = outputs.get("text")
    return {
        "id": run.pk, "group_index": run.group_index, "status": run.status, "model": _prompt_node(run).get("model", {}),
        "output_text": text if isinstance(text, str) else None,
        "error": {"code": run.error_code, "message": run.error_message} if run.error_code else None,
        "tokens_in": run.tokens_in, "tokens_out": run.tokens_out, "cost": run.cost, "latency_ms": run.latency_ms,
    }
