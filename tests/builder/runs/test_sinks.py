"""One conformance suite for both run sinks (ORM for interactive runs, COPY for the public API):
the same record gives the same rows, secrets are redacted, any text is stored, and one run's bad
data never costs another run its row — nor does a connection that dies in the middle of a batch."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection, connections

from builder.core.text import StoredJson, storable_json
from builder.flows.services import app_create
from builder.publishing.models import ApiRun
from builder.publishing.services import api_key_create
from builder.runs.models import NodeTrace, Run
from builder.runs.recording import Attached, RunRecord, TraceRecorder, run_record
from builder.runs.sinks import CopySink, OrmSink, RunSink
from runtime import RunResult
from runtime.events import NodeFailed, NodeFinished, NodeInputs, NodeStarted, RunTotals
from tests.builder.flows.graphs import greeting_graph
from tests.support.members import make_member

SINKS = {"orm": OrmSink, "copy": CopySink}
RUN_FIELDS = ["workspace_id", "app_id", "version_id", "source", "status", "graph", "inputs", "outputs",
              "error_code", "error_message", "error_node_id", "tokens_in", "tokens_out", "cost", "latency_ms",
              "created_at", "started_at", "finished_at"]
TRACE_FIELDS = ["sequence", "node_id", "node_type", "status", "inputs", "outputs", "handle", "error_code",
                "error_message", "attempt", "latency_ms", "tokens_in", "tokens_out", "cost", "started_at",
                "finished_at"]
T0 = 1_780_000_000.0


@pytest.fixture
def app(db):
    member = make_member()
    return app_create(workspace=member.workspace, name="Greeter", user=member.user, graph=greeting_graph())


def record_for(app, *, inputs: dict[str, Any] | None = None, answer: Any = "Hello, Ada!",
               node_inputs: dict[str, Any] | None = None, node_id: str = "greet", failed: bool = False,
               attached: list[Attached] | None = None, run_id: str | None = None) -> RunRecord:
    """A record as the recorder makes it from a run's events."""
    run_id = run_id or str(uuid.uuid4())
    recorder = TraceRecorder()
    recorder.on_event(NodeStarted(run_id, T0, node_id, "template"))
    recorder.on_event(NodeInputs(run_id, T0, node_id, node_inputs or {"template": "Hello, {{ name }}!"}))
    if failed:
        recorder.on_event(NodeFailed(run_id, T0 + 0.1, node_id, "template", "boom", f"failed: {answer}"))
        result = RunResult(run_id, "failed", {}, {"code": "boom", "message": f"failed: {answer}", "node_id": node_id})
    else:
        recorder.on_event(NodeFinished(run_id, T0 + 0.1, node_id, "template", {"text": answer}, None, 12.5, 3, 4,
                                       0.001))
        totals = RunTotals(latency_ms=12.5, steps=1, tokens_in=3, tokens_out=4, cost=0.001)
        result = RunResult(run_id, "succeeded", {"answer": answer}, None, totals)
    context = {"workspace_id": app.workspace_id, "app_id": app.pk, "version_id": None, "source": "api",
               "graph": app.draft, "created_at": datetime.fromtimestamp(T0, UTC)}
    return run_record(run_id=run_id, result=result, traces=recorder, inputs=inputs or {"name": "Ada"},
                      started_at=T0, finished_at=T0 + 0.2, context=context, attached=attached or [])


def stored(run_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    run = Run.objects.values(*RUN_FIELDS).get(pk=run_id)
    traces = list(NodeTrace.objects.filter(run_id=run_id).order_by("sequence").values(*TRACE_FIELDS))
    return run, traces


@pytest.fixture(params=list(SINKS))
def sink(request) -> RunSink:
    return SINKS[request.param](connection_retry_seconds=5)


def test_both_sinks_store_the_same_rows_for_the_same_record(app):
    record = record_for(app)

    OrmSink().write([record])
    by_orm = stored(record.id)
    Run.objects.filter(pk=record.id).delete()
    CopySink().write([record])
    by_copy = stored(record.id)

    assert by_orm == by_copy
    run, traces = by_copy
    assert (run["status"], run["outputs"], run["tokens_out"], run["created_at"].timestamp()) == (
        "succeeded", {"answer": "Hello, Ada!"}, 4, T0)
    assert [(t["node_id"], t["status"], t["outputs"], t["inputs"]) for t in traces] == [
        ("greet", "succeeded", {"text": "Hello, Ada!"}, {"template": "Hello, {{ name }}!"})]


def test_the_orm_sink_completes_a_run_row_its_service_created(app):
    record = record_for(app)
    Run.objects.create(id=record.id, workspace_id=app.workspace_id, app=app, graph=app.draft, inputs={"name": "Ada"},
                       status="running", target_node_id="")

    report = OrmSink().write([record])

    assert report.stored == [record.id]
    run, traces = stored(record.id)
    assert run["status"] == "succeeded" and len(traces) == 1


def test_secrets_are_redacted_in_inputs_outputs_and_traces(app, sink):
    secret = "sk-" + "a1b2c3d4" * 4
    record = record_for(app, inputs={"name": "Ada", "api_key": secret}, answer=f"your key is {secret}",
                        node_inputs={"headers": {"Authorization": f"Bearer {secret}"}})

    sink.write([record])

    run, traces = stored(record.id)
    everything = repr((run, traces))
    assert secret not in everything and "[redacted]" in everything


@pytest.mark.parametrize("text", ["Grüße, 你好, مرحبا 👋🏽", "a" * 1_000_000], ids=["unicode", "one-megabyte"])
def test_any_real_text_is_stored_exactly(app, sink, text):
    record = record_for(app, answer=text, inputs={"name": text})

    sink.write([record])

    run, traces = stored(record.id)
    assert run["outputs"] == {"answer": text} and run["inputs"] == {"name": text}
    assert traces[0]["outputs"] == {"text": text}


@pytest.mark.parametrize("poison", ["lone \ud800 surrogate", "a NUL \x00 byte", float("nan")],
                         ids=["surrogate", "nul", "nan"])
def test_text_the_database_cannot_hold_is_made_storable_and_the_batch_keeps_every_run(app, sink, poison):
    good = [record_for(app, answer=f"Hello, {i}!") for i in range(5)]
    bad = record_for(app, answer=poison, inputs={"name": poison}, failed=isinstance(poison, str))

    report = sink.write([*good[:2], bad, *good[2:]])

    assert sorted(report.stored) == sorted(r.id for r in [*good, bad]) and not report.lost
    for record in good:
        assert stored(record.id)[0]["outputs"] == record.run["outputs"]
    run, traces = stored(bad.id)
    if isinstance(poison, str):
        assert run["inputs"]["name"] == poison.replace("\ud800", "\ufffd").replace("\x00", "\ufffd")
        assert run["error_message"].startswith("failed: ") and "\x00" not in run["error_message"]
    else:
        assert run["outputs"] == {"answer": "nan"} and traces[0]["outputs"] == {"text": "nan"}


def test_a_node_id_longer_than_its_column_is_cut_not_refused(app, sink):
    long_id = "loop[12]/" + "n" * 120
    record = record_for(app, node_id=long_id, failed=True)

    sink.write([record])

    run, traces = stored(record.id)
    assert run["error_node_id"] == long_id[:64] and traces[0]["node_id"] == long_id


def test_a_run_whose_app_is_gone_is_left_out_and_the_others_are_stored(app, sink):
    good = record_for(app)
    orphan = record_for(app)
    orphan.run["app_id"] = app.pk + 10_000
    for trace in orphan.traces:
        trace["app_id"] = app.pk + 10_000

    report = sink.write([orphan, good])

    assert report.stored == [good.id] and report.lost == [orphan.id]
    assert Run.objects.filter(pk=good.id).exists()


def test_an_attached_row_that_collides_is_stored_without_its_unique_field(app, sink):
    member_key = api_key_create(workspace=app.workspace, name="k", user=None)[0]

    def api_row(run_id: str) -> Attached:
        return Attached(ApiRun, {"run_id": run_id, "api_key_id": member_key.pk, "idempotency_key": "same",
                                 "events": [{"id": 1}]}, payload={"events": []}, droppable=("idempotency_key",))

    first, second = record_for(app, run_id=str(uuid.uuid4())), record_for(app, run_id=str(uuid.uuid4()))
    first.attached, second.attached = [api_row(first.id)], [api_row(second.id)]

    report = sink.write([first, second])

    assert sorted(report.stored) == sorted([first.id, second.id]) and not report.reduced
    keys = dict(ApiRun.objects.values_list("run_id", "idempotency_key"))
    assert sorted(keys.values(), key=str) == [None, "same"]
    assert ApiRun.objects.get(run_id=second.id).events == [{"id": 1}]


def test_a_record_the_database_still_refuses_is_stored_reduced_with_a_marker(app, sink):
    good = record_for(app)
    record = record_for(app, answer={("not", "json"): 1})  # a key JSON cannot hold: refused as it is

    report = sink.write([good, record])

    assert report.reduced == [record.id] and sorted(report.stored) == sorted([good.id, record.id])
    run, traces = stored(record.id)
    assert (run["status"], run["error_code"], run["tokens_out"]) == ("succeeded", "unstorable_payload", 4)
    assert set(run["outputs"]) == {"_unstorable"} and set(run["inputs"]) == {"_unstorable"}
    assert [(t["node_id"], set(t["outputs"])) for t in traces] == [("greet", {"_unstorable"})]
    assert stored(good.id)[0]["outputs"] == {"answer": "Hello, Ada!"}


@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_in_the_middle_of_a_batch_loses_nothing(app):
    """The writer is inside its COPY transaction, waiting on a lock, when its backend is
    terminated; it reconnects and stores the whole batch."""
    records = [record_for(app) for _ in range(20)]
    holder = connections.create_connection("default")
    holder.set_autocommit(False)
    with holder.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {NodeTrace._meta.db_table} IN ACCESS EXCLUSIVE MODE")
    reports = []
    writer = threading.Thread(target=lambda: reports.append(CopySink(connection_retry_seconds=30).write(records)))
    writer.start()
    try:
        with connection.cursor() as cursor:
            deadline = time.monotonic() + 10
            while True:
                cursor.execute("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                               "AND datname = current_database() AND pid <> pg_backend_pid()")
                waiting = [row[0] for row in cursor.fetchall()]
                if waiting:
                    break
                assert time.monotonic() < deadline, "the writer never reached its COPY"
                time.sleep(0.02)
            cursor.execute("SELECT pg_terminate_backend(%s)", [waiting[0]])
    finally:
        holder.rollback()
        holder.close()
    writer.join(30)

    assert reports and sorted(reports[0].stored) == sorted(r.id for r in records) and not reports[0].lost
    assert Run.objects.filter(pk__in=[r.id for r in records]).count() == 20
    assert NodeTrace.objects.filter(run_id__in=[r.id for r in records]).count() == 20


def test_an_event_log_kept_as_json_text_is_stored_as_the_same_json(app, sink):
    key = api_key_create(workspace=app.workspace, name="k", user=None)[0]
    events = [{"id": 1, "event": "delta", "data": {"text": "Grüße \ud800"}}, {"id": 2, "event": "run.finished"}]
    record = record_for(app)
    record.attached = [Attached(ApiRun, {"run_id": record.id, "api_key_id": key.pk,
                                         "events": StoredJson(storable_json(events))})]

    sink.write([record])

    assert ApiRun.objects.get(run_id=record.id).events == [
        {"id": 1, "event": "delta", "data": {"text": "Grüße \ufffd"}}, {"id": 2, "event": "run.finished"}]
