"""The workspace's run list: every run of every app and source, newest first, narrowed by filters
(app, version, status, source, API key, label, time, run id); bad filters are refused with a code;
another workspace's runs never show; an API key's secret never leaves the server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from builder.flows.models import App, AppVersion
from builder.flows.services import app_create
from builder.publishing.models import ApiKey, ApiRun
from builder.publishing.services import api_key_create
from builder.runs.models import NodeTrace, Run
from tests.builder.flows.graphs import greeting_graph
from tests.support.isolation import Call, assert_isolated

pytestmark = pytest.mark.django_db


def make_app(member, name: str) -> App:
    return app_create(workspace=member.workspace, name=name, user=member.user, graph=greeting_graph())


def make_version(app: App, number: int) -> AppVersion:
    return AppVersion.objects.create(app=app, number=number, graph=app.draft)


def make_run(app: App, *, age: timedelta = timedelta(0), version=None, source="debug", status="succeeded",
             key: ApiKey | None = None, label: str = "", end_user: str = "", **fields) -> Run:
    run = Run.objects.create(workspace=app.workspace, app=app, version=version, source=source, status=status,
                             graph=app.draft, **fields)
    Run.objects.filter(pk=run.pk).update(created_at=timezone.now() - age)
    if source in ("api", "chat"):
        ApiRun.objects.create(run=run, api_key=key, label=label, end_user=end_user)
    return run


@dataclass
class Scene:
    """Two apps of one workspace with runs of every kind, and a stranger workspace with its own."""

    faq: App
    triage: App
    key_a: ApiKey
    key_b: ApiKey
    secrets: list[str]
    runs: dict[str, Run]
    stranger_app: App
    stranger_key: ApiKey

    def names(self, rows) -> set[str]:
        by_id = {str(run.pk): name for name, run in self.runs.items()}
        return {by_id.get(row["id"], f"unknown {row['id']}") for row in rows}


@pytest.fixture
def scene(owner, outsider) -> Scene:
    faq, triage = make_app(owner, "FAQ"), make_app(owner, "Triage")
    v1, v2 = make_version(faq, 1), make_version(faq, 2)
    key_a, secret_a = api_key_create(workspace=owner.workspace, name="backend", user=owner.user)
    key_b, secret_b = api_key_create(workspace=owner.workspace, name="mobile", user=owner.user, app=faq)
    runs = {
        "faq_debug": make_run(faq, age=timedelta(minutes=10), tokens_in=12, tokens_out=5, cost=0.0021,
                              latency_ms=850.0),
        "faq_api_v1": make_run(faq, age=timedelta(hours=2), version=v1, source="api", key=key_a, label="production",
                               end_user="u-42"),
        "faq_chat_v2_failed": make_run(faq, age=timedelta(hours=30), version=v2, source="chat", status="failed",
                                       key=key_b, label="staging", error_code="provider_error",
                                       error_message="The model said no.", error_node_id="ask"),
        "triage_node": make_run(triage, age=timedelta(days=3), source="node", status="cancelled"),
        "triage_running": make_run(triage, status="running"),
    }
    stranger_app = make_app(outsider, "Stranger")
    stranger_key, secret_c = api_key_create(workspace=outsider.workspace, name="theirs", user=outsider.user)
    make_run(stranger_app, source="api", key=stranger_key, label="production", status="failed")
    return Scene(faq, triage, key_a, key_b, [secret_a, secret_b, secret_c], runs, stranger_app, stranger_key)


def runs_url(member) -> str:
    return f"/api/workspaces/{member.workspace.pk}/runs/"


def listed(member, query: dict | str = "") -> dict:
    response = member.client.get(runs_url(member) + (f"?{query}" if isinstance(query, str) and query else ""),
                                 query if isinstance(query, dict) else None)
    assert response.status_code == 200, response.json()
    return response.json()


def iso(delta: timedelta) -> str:
    return (timezone.now() - delta).isoformat()


def test_the_list_shows_every_run_of_the_workspace_newest_first(owner, scene):
    body = listed(owner)

    assert body["count"] == 5
    assert [scene.names([row]).pop() for row in body["results"]] == [
        "triage_running", "faq_debug", "faq_api_v1", "faq_chat_v2_failed", "triage_node"]


def test_runs_stored_together_are_listed_by_when_they_started(owner, scene):
    at, now = timezone.now() - timedelta(seconds=1), timezone.now()
    first, second = (make_run(scene.faq, source="api", key=scene.key_a) for _ in range(2))
    Run.objects.filter(pk=first.pk).update(created_at=now, started_at=at)
    Run.objects.filter(pk=second.pk).update(created_at=now, started_at=at + timedelta(milliseconds=5))

    ids = [row["id"] for row in listed(owner, {"limit": 2})["results"]]

    assert ids == [str(second.pk), str(first.pk)]


def test_a_row_has_the_app_version_outcome_usage_and_for_api_calls_the_key_and_label(owner, scene):
    rows = {scene.names([row]).pop(): row for row in listed(owner)["results"]}

    debug, api, failed = rows["faq_debug"], rows["faq_api_v1"], rows["faq_chat_v2_failed"]
    assert debug["app"] == {"id": scene.faq.pk, "name": "FAQ", "slug": scene.faq.slug}
    assert (debug["source"], debug["status"], debug["version"]) == ("debug", "succeeded", None)
    assert (debug["tokens_in"], debug["tokens_out"], debug["cost"], debug["latency_ms"]) == (12, 5, 0.0021, 850.0)
    assert debug["label"] is None and debug["key"] is None and debug["error"] is None
    assert debug["created_at"] and "finished_at" in debug
    assert (api["source"], api["version"], api["label"], api["end_user"]) == ("api", 1, "production", "u-42")
    assert api["key"] == {"id": scene.key_a.pk, "name": "backend", "prefix": scene.key_a.prefix}
    assert failed["error"] == {"code": "provider_error", "message": "The model said no.", "node_id": "ask"}
    assert "inputs" not in debug and "graph" not in debug


def test_no_secret_of_an_api_key_ever_appears(owner, scene):
    run = scene.runs["faq_api_v1"]
    texts = [
        owner.client.get(runs_url(owner)).content.decode(),
        owner.client.get(runs_url(owner), {"key": scene.key_a.pk}).content.decode(),
        owner.client.get(f"{runs_url(owner)}{run.pk}/").content.decode(),
    ]

    hashes = list(ApiKey.objects.values_list("secret_hash", flat=True))
    for text in texts:
        assert scene.key_a.prefix in text
        for secret in scene.secrets + hashes:
            assert secret not in text


@pytest.mark.parametrize(("query", "expected"), [
    (lambda s: {"app": s.faq.pk}, {"faq_debug", "faq_api_v1", "faq_chat_v2_failed"}),
    (lambda s: {"app": s.faq.pk, "version": 1}, {"faq_api_v1"}),
    (lambda s: {"app": s.faq.pk, "version": "draft"}, {"faq_debug"}),
    (lambda s: {"status": "failed"}, {"faq_chat_v2_failed"}),
    (lambda s: {"status": "failed,cancelled"}, {"faq_chat_v2_failed", "triage_node"}),
    (lambda s: "status=running&status=cancelled", {"triage_running", "triage_node"}),
    (lambda s: {"source": "api"}, {"faq_api_v1"}),
    (lambda s: {"source": "api,chat"}, {"faq_api_v1", "faq_chat_v2_failed"}),
    (lambda s: {"source": "node"}, {"triage_node"}),
    (lambda s: {"source": "web"}, set()),
    (lambda s: {"key": s.key_b.pk}, {"faq_chat_v2_failed"}),
    (lambda s: {"label": "production"}, {"faq_api_v1"}),
    (lambda s: {"since": iso(timedelta(hours=1))}, {"faq_debug", "triage_running"}),
    (lambda s: {"until": iso(timedelta(days=1))}, {"faq_chat_v2_failed", "triage_node"}),
    (lambda s: {"since": iso(timedelta(days=2)), "until": iso(timedelta(hours=1))},
     {"faq_api_v1", "faq_chat_v2_failed"}),
    (lambda s: {"q": str(s.runs["triage_node"].pk)[:8]}, {"triage_node"}),
    (lambda s: {"q": str(s.runs["faq_debug"].pk).upper()}, {"faq_debug"}),
    (lambda s: {"app": s.faq.pk, "status": "succeeded", "source": "api"}, {"faq_api_v1"}),
    (lambda s: {"app": s.triage.pk, "status": "failed"}, set()),
    (lambda s: {"status": "", "app": ""}, {"faq_debug", "faq_api_v1", "faq_chat_v2_failed", "triage_node",
                                          "triage_running"}),
], ids=["app", "app-version", "app-draft", "status", "statuses-comma", "statuses-repeated", "source", "sources",
        "single-node", "web-chat", "key", "label", "since", "until", "between", "id-prefix", "full-id-any-case",
        "combined", "nothing", "empty-values-ignored"])
def test_each_filter_narrows_the_list(owner, scene, query, expected):
    body = listed(owner, query(scene))

    assert scene.names(body["results"]) == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize(("query", "field"), [
    ("status=bogus", "status"),
    ("status=failed,bogus", "status"),
    ("source=telepathy", "source"),
    ("app=abc", "app"),
    ("app=0", "app"),
    ("version=1", "version"),
    ("app=1&version=latest", "version"),
    ("key=-3", "key"),
    ("label=Not%20a%20slug!", "label"),
    ("since=yesterday", "since"),
    ("until=2026-13-40T25:00:00Z", "until"),
    ("since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z", "until"),
    ("q=zz-top", "q"),
])
def test_a_bad_filter_is_refused_with_a_code_and_the_field_it_concerns(owner, scene, query, field):
    response = owner.client.get(f"{runs_url(owner)}?{query}")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_filter"
    assert field in error["details"] and all(isinstance(m, str) for m in error["details"][field])
    assert field in error["message"]


def test_pages_are_newest_first_and_carry_links(owner, scene):
    first = listed(owner, {"limit": 2})
    second = listed(owner, {"limit": 2, "offset": 2})

    assert first["count"] == 5 and first["next"] and first["previous"] is None
    assert scene.names(first["results"]) == {"triage_running", "faq_debug"}
    assert scene.names(second["results"]) == {"faq_api_v1", "faq_chat_v2_failed"}


def test_a_viewer_sees_the_list_too(scene, owner, member_factory):
    viewer = member_factory("viewer", workspace=owner.workspace)

    assert listed(viewer)["count"] == 5


def test_another_workspaces_runs_never_appear_and_its_ids_filter_to_nothing(owner, outsider, scene):
    mine = listed(owner)
    theirs = listed(outsider)

    assert scene.names(mine["results"]) == set(scene.runs)
    assert theirs["count"] == 1 and theirs["results"][0]["app"]["name"] == "Stranger"
    assert listed(owner, {"app": scene.stranger_app.pk})["count"] == 0
    assert listed(owner, {"key": scene.stranger_key.pk})["count"] == 0
    assert listed(outsider, {"app": scene.faq.pk})["count"] == 0
    assert listed(outsider, {"key": scene.key_a.pk})["count"] == 0


def test_an_outsider_gets_404_for_the_list_and_the_detail(owner, outsider, scene):
    run = scene.runs["faq_api_v1"]
    ws = owner.workspace.pk

    assert_isolated(outsider.client, [
        Call("GET", f"/api/workspaces/{ws}/runs/"),
        Call("GET", f"/api/workspaces/{ws}/runs/?status=failed"),
        Call("GET", f"/api/workspaces/{ws}/runs/{run.pk}/"),
        Call("GET", f"/api/workspaces/{outsider.workspace.pk}/runs/{run.pk}/"),
    ], watch=[Run.objects.all(), ApiRun.objects.all()])


def test_a_page_costs_the_same_queries_for_two_runs_or_forty(owner, scene, django_assert_max_num_queries):
    def queries_for_a_page() -> int:
        with CaptureQueriesContext(connection) as queries:
            listed(owner, {"limit": 100})
        return len(queries)

    few = queries_for_a_page()
    for i in range(35):
        make_run(scene.faq, source="api" if i % 2 else "debug", key=scene.key_a, label="production")

    assert queries_for_a_page() == few
    with django_assert_max_num_queries(6):
        listed(owner, {"limit": 100, "app": scene.faq.pk, "status": "succeeded"})


def test_the_detail_has_the_app_label_key_and_trace_in_order(owner, scene, django_assert_max_num_queries):
    run = scene.runs["faq_api_v1"]
    for sequence, node in enumerate(["start", "greet", "answer"]):
        NodeTrace.objects.create(run=run, app=scene.faq, sequence=sequence, node_id=node, node_type=node,
                                 status="succeeded", outputs={"text": node})

    with django_assert_max_num_queries(5):
        response = owner.client.get(f"{runs_url(owner)}{run.pk}/")

    body = response.json()
    assert response.status_code == 200, body
    assert body["app"] == {"id": scene.faq.pk, "name": "FAQ", "slug": scene.faq.slug}
    assert (body["label"], body["end_user"], body["version"], body["source"]) == ("production", "u-42", 1, "api")
    assert body["key"] == {"id": scene.key_a.pk, "name": "backend", "prefix": scene.key_a.prefix}
    assert [t["node_id"] for t in body["traces"]] == ["start", "greet", "answer"]
    assert body["graph"]["nodes"] and "inputs" in body and "outputs" in body


def test_a_run_whose_key_was_deleted_still_lists_without_a_key(owner, scene):
    scene.key_a.delete()

    row = next(r for r in listed(owner)["results"] if r["id"] == str(scene.runs["faq_api_v1"].pk))

    assert row["key"] is None and row["label"] == "production"
