"""The runs the published endpoint writes — whole batches by COPY, dated by their start — are
queued for export by the trigger in the batch's own transaction, traces included."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from builder.flows.services import app_create
from builder.runs.recording import TraceRecorder, run_record
from builder.runs.sinks import CopySink, OrmSink
from builder.telemetry import services
from builder.telemetry.delivery import RetryPlan
from builder.telemetry.models import PendingRun
from runtime import RunResult
from runtime.events import NodeFinished, NodeInputs, NodeStarted, RunTotals
from tests.builder.flows.graphs import greeting_graph
from tests.builder.telemetry.collector import attributes

T0 = 1_780_000_000.0  # long before the export ran: a watermark on dates would skip these


def record(app, source: str = "api"):
    run_id = str(uuid.uuid4())
    recorder = TraceRecorder()
    recorder.on_event(NodeStarted(run_id, T0, "llm", "prompt"))
    recorder.on_event(NodeInputs(run_id, T0, "llm", {"model": "local/smollm2", "messages": [
        {"role": "user", "content": "Hi"}]}))
    recorder.on_event(NodeFinished(run_id, T0 + 0.1, "llm", "prompt", {"text": "Hello!"}, None, 100.0, 3, 4, 0.0))
    result = RunResult(run_id, "succeeded", {"answer": "Hello!"}, None,
                       RunTotals(latency_ms=100.0, steps=1, tokens_in=3, tokens_out=4, cost=0.0))
    context = {"workspace_id": app.workspace_id, "app_id": app.pk, "version_id": None, "source": source,
               "graph": app.draft, "created_at": datetime.fromtimestamp(T0, UTC)}
    return run_record(run_id=run_id, result=result, traces=recorder, inputs={"name": "Ada"}, started_at=T0,
                      finished_at=T0 + 0.2, context=context)


@pytest.mark.django_db
@pytest.mark.parametrize("sink", [CopySink, OrmSink], ids=["copy", "orm"])
def test_runs_stored_by_either_sink_are_exported_with_their_traces(owner, collector, sink):
    target = services.target_save(workspace=owner.workspace, user=owner.user, endpoint=collector.url, headers=[])
    app = app_create(workspace=owner.workspace, name="Greeter", user=owner.user, graph=greeting_graph())
    records = [record(app) for _ in range(3)] + [record(app, source="debug")]

    sink().write(records)

    assert PendingRun.objects.count() == 3  # the debug run is not exported by default
    report = services.export_target(target=target, retry=RetryPlan(attempts=1))
    assert (report.runs, report.spans) == (3, 6)
    assert {s.trace_id for s in collector.roots()} == {uuid.UUID(r.id).bytes for r in records[:3]}
    llm = next(s for s in collector.spans if s.parent_span_id)
    assert attributes(llm)["gen_ai.request.model"] == "smollm2"
    assert attributes(llm)["gen_ai.usage.output_tokens"] == 4
    assert not PendingRun.objects.exists()
