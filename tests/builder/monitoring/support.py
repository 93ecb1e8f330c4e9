"""Published traffic for monitoring tests: runs stored the way the endpoint stores them (the run,
its node traces, then its API row, in one transaction: the row that makes the database count it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from builder.flows.models import App, AppVersion
from builder.publishing.models import ApiRun, Feedback
from builder.runs.models import NodeTrace, Run


def make_version(app: App, number: int) -> AppVersion:
    return AppVersion.objects.create(app=app, number=number, graph={"nodes": [], "edges": []})


def published_run(app: App, *, at: datetime, version: AppVersion | None = None, status: str = "succeeded",
                  error_code: str = "", latency_ms: float = 100.0, cost: float = 0.0, tokens: tuple[int, int] = (0, 0),
                  model: str | None = "standin/gpt-x", label: str = "production", source: str = "api",
                  end_user: str = "", api_key_id: int | None = None, stream: bool = False,
                  first_token_ms: float | None = None, nodes: list[dict[str, Any]] | None = None) -> Run:
    with transaction.atomic():
        run = Run.objects.create(workspace_id=app.workspace_id, app=app, version=version, source=source, status=status,
                                 graph={}, error_code=error_code, tokens_in=tokens[0], tokens_out=tokens[1], cost=cost,
                                 latency_ms=latency_ms, started_at=at, finished_at=at)
        Run.objects.filter(pk=run.pk).update(created_at=at)  # auto_now_add: dated as the gateway dates them
        for i, node in enumerate(nodes if nodes is not None else [
                {"node_type": "llm", "latency_ms": latency_ms, "cost": cost, "tokens": tokens,
                 "status": "succeeded" if status == "succeeded" else "failed"}], start=1):
            node_model = node.get("model", model)
            NodeTrace.objects.create(
                run=run, app=app, sequence=i, node_id=f"n{i}", node_type=node["node_type"], status=node["status"],
                inputs={"model": node_model} if node_model else {}, latency_ms=node["latency_ms"],
                cost=node.get("cost"), tokens_in=node.get("tokens", (0, 0))[0],
                tokens_out=node.get("tokens", (0, 0))[1])
        ApiRun.objects.create(run=run, label=label, end_user=end_user, api_key_id=api_key_id, stream=stream,
                              first_token_ms=first_token_ms)
    return run


def rate(run: Run, rating: int | None, score: float | None = None) -> Feedback:
    return Feedback.objects.create(run=run, rating=rating, score=score)
