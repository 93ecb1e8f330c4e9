"""Recorded runs as the run pipeline stores them: a published app's run with a model node and a
failing tool node, and the endpoint's row beside it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from builder.accounts.models import Workspace
from builder.flows.models import App, AppVersion
from builder.publishing.models import ApiRun
from builder.runs.models import NodeTrace, Run, RunSource, RunStatus

SECRET = "Bearer sk-otlp-collector-secret-9f8e7d"


def make_app(workspace: Workspace, name: str = "Support bot") -> tuple[App, AppVersion]:
    app = App.objects.create(workspace=workspace, name=name, slug=name.lower().replace(" ", "-"), draft={})
    return app, AppVersion.objects.create(app=app, number=3, graph={})


def record_run(app: App, version: AppVersion | None = None, *, source: str = RunSource.API,
               status: str = RunStatus.SUCCEEDED, started: datetime | None = None, label: str = "production",
               tool_fails: bool = False) -> Run:
    """A run stored finished in one transaction with its traces, as the COPY sink writes it."""
    started = started or timezone.now() - timedelta(seconds=5)
    run = Run.objects.create(
        workspace_id=app.workspace_id, app=app, version=version, source=source, status=status, graph={},
        inputs={"question": "How do I reset my password?"}, outputs={"answer": "Open Settings."},
        tokens_in=42, tokens_out=7, cost=0.0012, latency_ms=900.0, started_at=started,
        finished_at=started + timedelta(milliseconds=900),
        error_code="tool_failed" if tool_fails else "", error_message="the lookup tool failed" if tool_fails else "",
    )
    Run.objects.filter(pk=run.pk).update(created_at=started)  # dated by its start, as the sinks do
    NodeTrace.objects.create(
        run=run, app=app, sequence=1, node_id="llm_1", node_type="prompt", status="succeeded",
        inputs={"model": "openai/gpt-4o-mini", "temperature": 0.2, "messages": [
            {"role": "system", "content": "You help."}, {"role": "user", "content": "How do I reset my password?"}]},
        outputs={"text": "Open Settings.", "usage": {"input_tokens": 42, "output_tokens": 7}},
        tokens_in=42, tokens_out=7, cost=0.0012, latency_ms=600.0,
        started_at=started + timedelta(milliseconds=100), finished_at=started + timedelta(milliseconds=700),
    )
    NodeTrace.objects.create(
        run=run, app=app, sequence=2, node_id="lookup", node_type="tool",
        status="failed" if tool_fails else "succeeded", inputs={"query": "password"}, outputs={},
        error_code="tool_failed" if tool_fails else "", error_message="the lookup tool failed" if tool_fails else "",
        latency_ms=100.0, started_at=started + timedelta(milliseconds=700),
        finished_at=started + timedelta(milliseconds=800),
    )
    if source == RunSource.API:
        ApiRun.objects.create(run=run, label=label, end_user="user-17")
    return run
