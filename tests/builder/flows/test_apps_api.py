import pytest

from builder.flows.models import App, AppVersion
from tests.builder.flows.graphs import greeting_graph
from tests.support.isolation import Call, assert_isolated

pytestmark = pytest.mark.django_db


def create_app(member, name="Support bot"):
    return member.client.post(f"/api/workspaces/{member.workspace.pk}/apps/", {"name": name}, format="json").json()


def app_url(member, app, suffix=""):
    return f"/api/workspaces/{member.workspace.pk}/apps/{app['id']}/{suffix}"


def save_draft(member, app, graph, revision):
    return member.client.put(app_url(member, app, "draft/"), {"graph": graph, "revision": revision}, format="json")


def test_a_new_app_starts_with_a_runnable_draft(owner):
    app = create_app(owner)

    draft = owner.client.get(app_url(owner, app, "draft/")).json()

    assert app["status"] == "draft" and app["slug"] == "support-bot"
    assert [n["type"] for n in draft["graph"]["nodes"]] == ["start", "answer"]
    assert draft["issues"] == [] and draft["revision"] == 1


def test_an_app_created_with_a_graph_starts_from_it_and_a_broken_graph_is_refused(owner):
    url = f"/api/workspaces/{owner.workspace.pk}/apps/"
    created = owner.client.post(url, {"name": "Greeter", "graph": greeting_graph("Hi")}, format="json")
    assert created.status_code == 201, created.content
    draft = owner.client.get(app_url(owner, created.json(), "draft/")).json()
    assert [n["id"] for n in draft["graph"]["nodes"]] == ["start", "greet", "answer"] and draft["issues"] == []

    broken = owner.client.post(url, {"name": "Broken", "graph": {"nodes": "none"}}, format="json")
    assert broken.status_code == 400 and broken.json()["error"]["code"]
    assert not App.objects.filter(workspace=owner.workspace, name="Broken").exists()


def test_app_list_searches_by_name(owner):
    create_app(owner, "Support bot")
    create_app(owner, "Research helper")

    found = owner.client.get(f"/api/workspaces/{owner.workspace.pk}/apps/?search=research").json()

    assert [a["name"] for a in found["results"]] == ["Research helper"]


def test_saving_a_draft_bumps_the_revision_and_reports_issues(owner):
    app = create_app(owner)
    graph = greeting_graph()
    graph["edges"].pop()  # the answer node becomes unreachable

    saved = save_draft(owner, app, graph, 1).json()

    assert saved["revision"] == 2
    assert any(issue["node_id"] == "answer" for issue in saved["issues"])


def test_a_stale_save_is_refused_and_the_newer_draft_is_kept(owner, member_factory):
    colleague = member_factory("builder", workspace=owner.workspace)
    app = create_app(owner)
    save_draft(colleague, app, greeting_graph("Hi"), 1)

    stale = save_draft(owner, app, greeting_graph("Bonjour"), 1)

    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "draft_conflict"
    assert error["details"]["revision"] == 2 and error["details"]["updated_by"] == colleague.user.username
    kept = owner.client.get(app_url(owner, app, "draft/")).json()["graph"]
    assert kept["nodes"][1]["config"]["template"].startswith("Hi")


def test_a_malformed_graph_is_refused_with_the_broken_field(owner):
    app = create_app(owner)

    response = save_draft(owner, app, {"nodes": [{"type": "start"}]}, 1)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "graph_malformed" and any("nodes.0.id" in d["field"] for d in error["details"])


def test_versions_are_immutable_snapshots_and_invalid_drafts_cannot_become_one(owner):
    app = create_app(owner)
    save_draft(owner, app, greeting_graph("Hi"), 1)
    v1 = owner.client.post(app_url(owner, app, "versions/"), {"message": "first"}, format="json").json()
    save_draft(owner, app, {"nodes": []}, 2)

    refused = owner.client.post(app_url(owner, app, "versions/"), {"message": "broken"}, format="json")

    assert v1["number"] == 1 and v1["graph"]["nodes"][1]["config"]["template"].startswith("Hi")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "graph_invalid"
    version = AppVersion.objects.get(app_id=app["id"], number=1)
    version.message = "changed"
    with pytest.raises(Exception, match="immutable"):
        version.save()


def test_restoring_a_version_backs_up_the_draft_first(owner):
    app = create_app(owner)
    save_draft(owner, app, greeting_graph("Hi"), 1)
    owner.client.post(app_url(owner, app, "versions/"), {"message": "hi"}, format="json")
    save_draft(owner, app, greeting_graph("Unsaved work"), 2)

    restored = owner.client.post(app_url(owner, app, "versions/1/restore/")).json()

    assert restored["draft"]["graph"]["nodes"][1]["config"]["template"].startswith("Hi")
    assert restored["backup"]["kind"] == "backup" and restored["backup"]["number"] == 2
    backup = owner.client.get(app_url(owner, app, "versions/2/")).json()
    assert backup["graph"]["nodes"][1]["config"]["template"].startswith("Unsaved work")


def test_diff_lists_changes_down_to_config_fields_and_edges(owner):
    app = create_app(owner)
    save_draft(owner, app, greeting_graph("Hi"), 1)
    owner.client.post(app_url(owner, app, "versions/"), {"message": "hi"}, format="json")
    changed = greeting_graph("Welcome")
    changed["nodes"].append({"id": "extra", "type": "template", "config": {"template": "x"}})
    changed["edges"].append({"id": "e3", "source": "greet", "target": "extra"})
    save_draft(owner, app, changed, 2)

    diff = owner.client.get(app_url(owner, app, "diff/?from=1&to=draft")).json()

    assert [n["id"] for n in diff["nodes"]["added"]] == ["extra"]
    change = diff["nodes"]["changed"][0]
    assert change["id"] == "greet"
    assert change["changes"] == [{"path": "config.template", "before": "Hi, {{ inputs.name }}!",
                                  "after": "Welcome, {{ inputs.name }}!"}]
    assert [e["target"] for e in diff["edges"]["added"]] == ["extra"]


def test_export_then_import_recreates_the_app(owner):
    app = create_app(owner)
    save_draft(owner, app, greeting_graph("Hi"), 1)

    exported = owner.client.get(app_url(owner, app, "export/?format=yaml"))
    report = owner.client.post(
        f"/api/workspaces/{owner.workspace.pk}/apps/import/?dry_run=1",
        {"content": exported.content.decode(), "filename": "support-bot.yaml"}, format="json",
    ).json()
    created = owner.client.post(
        f"/api/workspaces/{owner.workspace.pk}/apps/import/",
        {"content": exported.content.decode(), "filename": "support-bot.yaml"}, format="json",
    )

    assert 'attachment; filename="support-bot.yaml"' == exported["Content-Disposition"]
    assert report["format"] == "llmops" and report["issues"] == [] and report["name"] == "Support bot"
    assert App.objects.filter(workspace=owner.workspace).count() == 2  # the dry run created nothing
    new = created.json()["app"]
    assert owner.client.get(app_url(owner, new, "draft/")).json()["graph"]["nodes"][1]["config"]["template"] == (
        "Hi, {{ inputs.name }}!"
    )


@pytest.mark.parametrize("content", [
    "just: [a, list",
    # nested aliases: a few lines that stand for millions of nodes once walked
    "nodes: &a [[x, x, x, x, x, x, x, x, x, x]]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
])
def test_importing_something_else_says_what_is_wrong(owner, content):
    response = owner.client.post(
        f"/api/workspaces/{owner.workspace.pk}/apps/import/?dry_run=1",
        {"content": content, "filename": "x.yaml"}, format="json",
    )

    assert response.status_code == 400 and response.json()["error"]["code"] == "import_unreadable"


def test_node_types_come_from_the_registry_with_schemas(owner):
    types = {t["type"]: t for t in owner.client.get("/api/node-types/").json()["results"]}

    assert {"start", "prompt", "branch", "retrieval", "agent", "end"} <= set(types)
    assert types["prompt"]["config_schema"]["additionalProperties"] is False


def test_viewers_read_but_cannot_edit(member_factory, owner):
    app = create_app(owner)
    viewer = member_factory("viewer", workspace=owner.workspace)

    assert viewer.client.get(app_url(owner, app, "draft/")).status_code == 200
    assert save_draft(viewer, app, greeting_graph(), 1).status_code == 403
    assert viewer.client.post(app_url(owner, app, "versions/"), {}, format="json").status_code == 403
    assert viewer.client.post(app_url(owner, app, "runs/"), {}, format="json").status_code == 403


def test_another_workspace_cannot_see_or_touch_an_app(owner, outsider):
    app = create_app(owner)
    owner.client.post(app_url(owner, app, "versions/"), {"message": "v1"}, format="json")
    base = f"/api/workspaces/{owner.workspace.pk}/apps/{app['id']}/"
    calls = [
        Call("GET", base), Call("PATCH", base, {"name": "x"}), Call("DELETE", base),
        Call("POST", base + "duplicate/"), Call("GET", base + "draft/"),
        Call("PUT", base + "draft/", {"graph": greeting_graph(), "revision": 1}),
        Call("POST", base + "validate/", {"graph": greeting_graph()}),
        Call("GET", base + "versions/"), Call("POST", base + "versions/", {"message": "x"}),
        Call("GET", base + "versions/1/"), Call("POST", base + "versions/1/restore/"),
        Call("GET", base + "diff/?from=1&to=draft"), Call("GET", base + "export/"),
        Call("POST", base + "runs/", {"inputs": {}}), Call("GET", base + "runs/"),
        Call("GET", base + "last-runs/"), Call("POST", base + "nodes/answer/run/", {"variables": {}}),
        Call("GET", f"/api/workspaces/{owner.workspace.pk}/apps/"),
        Call("GET", f"/api/workspaces/{owner.workspace.pk}/models/"),
    ]
    # the outsider also replays the app id inside their own workspace
    mine = f"/api/workspaces/{outsider.workspace.pk}/apps/{app['id']}/"
    calls += [Call("GET", mine), Call("GET", mine + "draft/"), Call("DELETE", mine)]

    assert_isolated(outsider.client, calls, watch=[App.objects.all(), AppVersion.objects.all()])
