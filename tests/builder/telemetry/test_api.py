"""The telemetry settings API: one target per workspace, header values write-only, the address
policy on the endpoint, roles and workspace isolation, "Send test span" and "Export now"."""

from __future__ import annotations

import logging

import pytest

from builder.telemetry.models import PendingRun
from tests.builder.telemetry.collector import attributes
from tests.builder.telemetry.support import SECRET, make_app, record_run
from tests.support.errors import assert_error_shape

pytestmark = pytest.mark.django_db


def url(member, tail: str = "") -> str:
    return f"/api/workspaces/{member.workspace.pk}/telemetry/{tail}"


def save(member, collector, **changes):
    body = {"endpoint": collector.url, "headers": [{"name": "Authorization", "value": SECRET}], **changes}
    return member.client.put(url(member), body, format="json")


def test_a_saved_target_answers_with_hints_never_the_header_value(owner, collector, caplog):
    with caplog.at_level(logging.DEBUG):
        answer = save(owner, collector)
        read = owner.client.get(url(owner))

    assert answer.status_code == 200, answer.content
    for response in (answer, read):
        assert SECRET not in response.content.decode() and "sk-otlp" not in response.content.decode()
    body = read.json()
    assert body["headers"] == [{"name": "Authorization", "hint": "…" + SECRET[-4:]}]
    assert body["sources"] == ["api", "chat", "web"] and body["enabled"] is True
    assert (body["exported_runs"], body["pending_runs"], body["last_error_code"]) == (0, 0, "")
    assert SECRET not in caplog.text


def test_no_target_yet_answers_404(owner):
    assert_error_shape(owner.client.get(url(owner)), 404, "telemetry_target_not_found")


def test_a_private_address_is_refused_unless_the_operator_opens_it(owner, collector, settings):
    settings.LLMOPS_HTTP_ALLOWLIST = []
    error = assert_error_shape(save(owner, collector), 400, "url_not_allowed")
    assert error["details"]["field"] == "endpoint"


def test_bad_headers_and_sources_are_refused(owner, collector):
    assert_error_shape(save(owner, collector, headers=[{"name": "Bad Name", "value": "x"}]), 400,
                       "telemetry_header_invalid")
    assert_error_shape(save(owner, collector, headers=[{"name": "X-Team"}]), 400, "telemetry_header_invalid")
    assert_error_shape(save(owner, collector, sources=["nowhere"]), 400)


def test_send_test_span(owner, collector):
    save(owner, collector)

    answer = owner.client.post(url(owner, "test/"))

    assert answer.status_code == 200 and answer.json()["ok"] is True, answer.content
    (span,) = collector.spans
    assert span.name == "llmops test span" and attributes(span)["llmops.test"] is True
    assert collector.received[0].headers["authorization"] == SECRET


def test_send_test_span_says_what_failed(owner, collector):
    save(owner, collector)
    collector.failures = [404]

    body = owner.client.post(url(owner, "test/")).json()

    assert body["ok"] is False and body["code"] == "not_found" and "/v1/traces" in body["message"]


def test_export_now_sends_the_waiting_runs_and_shows_the_counters(owner, collector):
    save(owner, collector)
    app, version = make_app(owner.workspace)
    run = record_run(app, version)

    body = owner.client.post(url(owner, "export/")).json()

    assert (body["runs"], body["spans"], body["delivery"]["ok"]) == (1, 3, True)
    assert body["target"]["exported_runs"] == 1 and body["target"]["pending_runs"] == 0
    assert collector.roots()[0].trace_id == run.id.bytes


def test_a_failed_export_is_shown_on_the_target(owner, collector):
    save(owner, collector)
    app, version = make_app(owner.workspace)
    record_run(app, version)
    collector.failures = [400]

    body = owner.client.post(url(owner, "export/")).json()

    assert body["delivery"]["code"] == "rejected"
    target = owner.client.get(url(owner)).json()
    assert target["last_error_code"] == "rejected" and "HTTP 400" in target["last_error_message"]
    assert target["pending_runs"] == 1 and target["failed_attempts"] == 1


def test_delete_stops_the_export(owner, collector):
    save(owner, collector)
    assert owner.client.delete(url(owner)).status_code == 204
    app, version = make_app(owner.workspace)
    record_run(app, version)
    assert_error_shape(owner.client.get(url(owner)), 404, "telemetry_target_not_found")
    assert not PendingRun.objects.exists()


def test_viewers_read_but_cannot_change_it(owner, member_factory, collector):
    save(owner, collector)
    viewer = member_factory("viewer", workspace=owner.workspace)

    assert viewer.client.get(url(viewer)).status_code == 200
    assert_error_shape(save(viewer, collector), 403, "role_forbidden")
    assert_error_shape(viewer.client.delete(url(viewer)), 403, "role_forbidden")
    assert_error_shape(viewer.client.post(url(viewer, "test/")), 403, "role_forbidden")
    assert_error_shape(viewer.client.post(url(viewer, "export/")), 403, "role_forbidden")


def test_builders_change_it(owner, member_factory, collector):
    builder = member_factory("builder", workspace=owner.workspace)
    assert save(builder, collector).status_code == 200


def test_another_workspace_answers_404(owner, outsider, collector):
    save(owner, collector)
    foreign = f"/api/workspaces/{owner.workspace.pk}/telemetry/"
    assert_error_shape(outsider.client.get(foreign), 404)
    assert_error_shape(outsider.client.put(foreign, {"endpoint": collector.url}, format="json"), 404)
    assert_error_shape(outsider.client.post(foreign + "export/"), 404)
    assert_error_shape(outsider.client.delete(foreign), 404)


def test_anonymous_callers_are_refused(client, owner):
    assert client.get(url(owner)).status_code in (401, 403)
