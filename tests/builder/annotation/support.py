"""Annotation test data: an app with recorded runs (as the published endpoint stores them), score
configs and a queue."""

from __future__ import annotations

from typing import Any

from builder.accounts.models import Workspace
from builder.annotation import services
from builder.annotation.models import AnnotationQueue, ScoreConfig
from builder.flows.models import App
from builder.runs.models import NodeTrace, Run, RunSource, RunStatus


def make_app(workspace: Workspace, name: str = "Support bot") -> App:
    return App.objects.create(workspace=workspace, name=name, slug=name.lower().replace(" ", "-"), draft={})


def make_run(app: App, question: str = "How do I reset my password?", answer: str = "Open Settings.",
             *, source: str = RunSource.API, status: str = RunStatus.SUCCEEDED, latency_ms: float = 100.0,
             traced: bool = True) -> Run:
    run = Run.objects.create(workspace_id=app.workspace_id, app=app, source=source, status=status, graph={},
                             inputs={"question": question}, outputs={"answer": answer}, latency_ms=latency_ms)
    if traced:
        NodeTrace.objects.create(run=run, app=app, sequence=1, node_id="llm_1", node_type="llm", status="succeeded",
                                 inputs={"prompt": question}, outputs={"text": answer}, latency_ms=latency_ms)
    return run


def make_configs(workspace: Workspace) -> tuple[ScoreConfig, ScoreConfig, ScoreConfig]:
    correct = services.score_config_create(workspace=workspace, name="Correct", kind="categorical",
                                           options=["yes", "partly", "no"], description="Is it right?")
    polite = services.score_config_create(workspace=workspace, name="Polite", kind="boolean")
    note = services.score_config_create(workspace=workspace, name="Note", kind="text")
    return correct, polite, note


def make_queue(workspace: Workspace, user: Any, configs: list[ScoreConfig], **settings: Any) -> AnnotationQueue:
    return services.queue_create(workspace=workspace, user=user, name=settings.pop("name", "Answers"),
                                 score_config_ids=[c.pk for c in configs], **settings)
