"""Runs reach an OpenTelemetry collector: one trace per run, node spans under it with GenAI
attributes, each run once — also runs committed late — and a failing collector is retried."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from builder.runs.models import Run, RunSource, RunStatus
from builder.telemetry import services
from builder.telemetry.delivery import RetryPlan
from builder.telemetry.models import ExportTarget
from tests.builder.telemetry.collector import attributes
from tests.builder.telemetry.support import SECRET, make_app, record_run

FAST = RetryPlan(attempts=3, base_delay_s=0.01, max_delay_s=0.05)
pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def target(owner, collector) -> ExportTarget:
    return services.target_save(workspace=owner.workspace, user=owner.user, endpoint=collector.url,
                                headers=[{"name": "Authorization", "value": SECRET}])


def export(target: ExportTarget) -> services.ExportReport:
    return services.export_target(target=target, retry=FAST)


def test_each_run_is_one_trace_with_a_span_per_node(owner, collector, target):
    app, version = make_app(owner.workspace)
    run = record_run(app, version, tool_fails=True, status=RunStatus.FAILED)

    report = export(target)

    assert (report.runs, report.spans) == (1, 3)
    assert collector.received[0].headers["authorization"] == SECRET
    root, llm, tool = collector.spans
    assert {s.trace_id for s in collector.spans} == {run.id.bytes}
    assert root.name == "run support-bot" and not root.parent_span_id
    assert llm.parent_span_id == root.span_id and tool.parent_span_id == root.span_id
    assert attributes(root).items() >= {
        "llmops.app.slug": "support-bot", "llmops.version": 3, "llmops.label": "production", "llmops.source": "api",
        "llmops.status": "failed", "error.type": "tool_failed", "llmops.usage.input_tokens": 42,
        "llmops.usage.output_tokens": 7, "llmops.cost": 0.0012, "user.id": "user-17",
    }.items()
    assert root.status.code == root.status.STATUS_CODE_ERROR
    assert root.end_time_unix_nano - root.start_time_unix_nano == 900_000_000

    assert llm.name == "chat gpt-4o-mini"
    genai = attributes(llm)
    assert genai.items() >= {"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o-mini",
                             "gen_ai.provider.name": "openai", "gen_ai.usage.input_tokens": 42,
                             "gen_ai.usage.output_tokens": 7, "gen_ai.request.temperature": 0.2}.items()
    assert json.loads(genai["gen_ai.input.messages"])[-1] == {
        "role": "user", "parts": [{"type": "text", "content": "How do I reset my password?"}]}
    assert json.loads(genai["gen_ai.output.messages"])[0]["parts"][0]["content"] == "Open Settings."
    assert llm.end_time_unix_nano - llm.start_time_unix_nano == 600_000_000

    assert tool.status.code == tool.status.STATUS_CODE_ERROR
    assert tool.status.message == "tool_failed: the lookup tool failed"
    assert attributes(tool)["llmops.node.type"] == "tool" and "gen_ai.operation.name" not in attributes(tool)

    target.refresh_from_db()
    assert (target.exported_runs, target.exported_spans, target.last_error_code) == (1, 3, "")


def test_nothing_is_exported_twice(owner, collector, target):
    app, version = make_app(owner.workspace)
    runs = [record_run(app, version) for _ in range(3)]

    export(target)
    record_run(app, version)
    export(target)
    export(target)

    trace_ids = [s.trace_id for s in collector.roots()]
    assert len(trace_ids) == 4 == len(set(trace_ids))
    assert {r.id.bytes for r in runs} <= set(trace_ids)


def test_a_run_committed_late_with_an_early_date_is_still_exported(owner, collector, target):
    app, version = make_app(owner.workspace)
    record_run(app, version)
    export(target)

    # A batch that commits after the export, holding a run that started before the exported one.
    late = record_run(app, version, started=timezone.now() - timedelta(hours=2))
    export(target)

    assert late.id.bytes in {s.trace_id for s in collector.roots()}


def test_a_run_is_exported_when_it_finishes_not_before(owner, collector, target):
    app, version = make_app(owner.workspace)
    run = record_run(app, version, status=RunStatus.RUNNING)
    assert export(target).runs == 0

    Run.objects.filter(pk=run.pk).update(status=RunStatus.SUCCEEDED)
    assert export(target).runs == 1
    assert collector.roots()[0].trace_id == run.id.bytes


def test_only_the_chosen_sources_are_exported(owner, collector, target):
    app, version = make_app(owner.workspace)
    record_run(app, version, source=RunSource.DEBUG)
    web = record_run(app, version, source=RunSource.WEB)
    export(target)
    assert [s.trace_id for s in collector.roots()] == [web.id.bytes]

    services.target_save(workspace=owner.workspace, user=owner.user, endpoint=collector.url,
                         headers=[{"name": "Authorization"}], sources=["debug"])
    debug = record_run(app, version, source=RunSource.DEBUG)
    export(target)
    assert collector.roots()[-1].trace_id == debug.id.bytes
    assert collector.received[-1].headers["authorization"] == SECRET  # kept: given without a value


def test_a_failing_collector_is_retried_and_its_error_recorded(owner, collector, target):
    app, version = make_app(owner.workspace)
    run = record_run(app, version)
    collector.failures = [500, 500, 500]

    report = export(target)

    assert report.runs == 0 and report.delivery.attempts == 3 and not collector.received
    target.refresh_from_db()
    assert target.last_error_code == "collector_error" and "HTTP 500" in target.last_error_message
    assert target.failed_attempts == 1 and target.last_success_at is None

    collector.failures = [503]  # the next tick: one more failure, then the retry gets through
    report = export(target)
    assert report.runs == 1 and report.delivery.attempts == 2
    assert collector.roots()[0].trace_id == run.id.bytes
    target.refresh_from_db()
    assert target.failed_attempts == 0 and target.last_success_at is not None


def test_a_refusal_that_another_try_cannot_fix_is_not_retried(owner, collector, target):
    app, version = make_app(owner.workspace)
    record_run(app, version)
    collector.failures = [401]

    report = export(target)

    assert report.delivery.attempts == 1 and report.delivery.code == "auth_failed"
    assert export(target).runs == 1  # still waiting, sent next time


def test_the_beat_task_exports_every_enabled_target_and_survives_a_dead_one(owner, member_factory, collector,
                                                                             target, settings):
    other = member_factory("owner")
    settings.LLMOPS_HTTP_ALLOWLIST = [collector.netloc, "127.0.0.1:9"]  # nothing listens on port 9
    services.target_save(workspace=other.workspace, user=other.user, endpoint="http://127.0.0.1:9/v1/traces",
                         headers=[])
    app, version = make_app(owner.workspace)
    dead_app, dead_version = make_app(other.workspace)
    record_run(app, version)
    record_run(dead_app, dead_version)

    assert services.export_all(retry=FAST) == 1
    dead = ExportTarget.objects.get(workspace=other.workspace)
    assert dead.last_error_code == "unreachable"


def test_secret_header_values_never_reach_logs(owner, collector, target, caplog):
    app, version = make_app(owner.workspace)
    record_run(app, version)
    collector.failures = [500, 500, 500]
    with caplog.at_level(logging.DEBUG):
        export(target)
    assert "collector_error" in caplog.text
    assert SECRET not in caplog.text and "sk-otlp" not in caplog.text
