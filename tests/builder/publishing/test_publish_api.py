"""The Publish panel's API: one-click publish, labels, rollback with its audit list, endpoint
info and snippets, API keys shown once and revocable — all within one workspace."""

from pathlib import Path

import pytest

from builder.flows.models import App
from builder.flows.services import app_create, draft_save
from builder.publishing.models import ApiKey, Label, LabelMove
from builder.publishing.services import key_hash
from tests.builder.publishing.graphs import greeting_graph, prompt_graph
from tests.support.isolation import Call, assert_isolated

pytestmark = pytest.mark.django_db

DIFY_APP = Path(__file__).resolve().parents[2] / "runtime" / "interchange" / "fixtures" / "customer_support.yml"
LOCAL_MODEL = {"provider": "local", "model": "smollm2-135m-instruct"}


def make_app(member, graph=None, name="Greeter"):
    return app_create(workspace=member.workspace, name=name, user=member.user, graph=graph or greeting_graph())


def url(member, app, suffix=""):
    return f"/api/workspaces/{member.workspace.pk}/apps/{app.pk}/{suffix}"


def publish(member, app, message=""):
    return member.client.post(url(member, app, "publish/"), {"message": message}, format="json")


def edit(member, app, greeting):
    app.refresh_from_db()
    draft_save(app=app, graph=greeting_graph(greeting), revision=app.draft_revision, user=member.user)


def test_publishing_validates_versions_and_points_production_at_the_new_version(owner):
    app = make_app(owner)

    response = publish(owner, app, "first release")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["published"] and body["production_version"] == 1
    assert [(lbl["name"], lbl["version"]) for lbl in body["labels"]] == [("production", 1)]
    assert app.versions.get().message == "first release"


def test_a_draft_with_issues_is_not_published_and_nothing_changes(owner):
    graph = greeting_graph()
    graph["edges"] = []  # nothing reaches the answer
    app = make_app(owner, graph)

    response = publish(owner, app)

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "app_invalid"
    assert {(i["code"], i["node_id"]) for i in error["details"]["issues"]} >= {("unreachable_node", "answer")}
    assert not app.versions.exists() and not Label.objects.filter(app=app).exists()


def import_dify(member):
    response = member.client.post(
        f"/api/workspaces/{member.workspace.pk}/apps/import/",
        {"content": DIFY_APP.read_text(), "filename": DIFY_APP.name}, format="json",
    )
    assert response.status_code == 201, response.json()
    return App.objects.get(pk=response.json()["app"]["id"])


def test_an_imported_dify_app_with_an_openai_model_is_refused_until_an_available_model_is_chosen(owner):
    app = import_dify(owner)  # its models are OpenAI's; no OpenAI provider is configured here

    refused = publish(owner, app)

    assert refused.status_code == 409, refused.json()
    error = refused.json()["error"]
    assert error["code"] == "app_invalid" and "cannot go live" in error["message"]
    model_nodes = {n["id"] for n in app.draft["nodes"] if "model" in n["config"]}
    assert len(model_nodes) >= 2
    assert {(i["code"], i["node_id"], i["field"]) for i in error["details"]["issues"]} == {
        ("model_not_configured", node_id, "model") for node_id in model_nodes}
    assert all("openai/gpt-4o" in i["message"] for i in error["details"]["issues"])
    assert not app.versions.exists() and not Label.objects.filter(app=app).exists()

    graph = app.draft
    for node in graph["nodes"]:
        if node["id"] in model_nodes:
            node["config"]["model"] = {**node["config"]["model"], **LOCAL_MODEL}
    draft_save(app=app, graph=graph, revision=app.draft_revision, user=owner.user)
    published = publish(owner, app)

    assert published.status_code == 201, published.json()
    assert published.json()["production_version"] == 1 and published.json()["warnings"] == []


def test_an_llm_node_with_an_empty_user_message_is_not_published(owner):
    graph = prompt_graph(provider="local")
    graph["nodes"][1]["config"]["model"] = LOCAL_MODEL
    graph["nodes"][1]["config"]["messages"] = [
        {"role": "system", "template": "You are terse."}, {"role": "user", "template": "  "}]
    app = make_app(owner, graph)

    refused = publish(owner, app)

    assert refused.status_code == 409
    issues = refused.json()["error"]["details"]["issues"]
    assert [(i["code"], i["node_id"], i["field"]) for i in issues] == [("required", "ask", "messages.1.template")]
    assert not app.versions.exists()


def test_a_model_the_operator_does_not_list_is_a_warning_shown_on_publish(owner, settings):
    settings.LLMOPS_MODEL_PROVIDERS = [
        {"kind": "openai_compatible", "name": "remote", "base_url": "http://remote.invalid", "models": ["big"]}]
    app = make_app(owner, prompt_graph(provider="remote"))  # its model is "gpt-test", not listed

    response = publish(owner, app)

    assert response.status_code == 201, response.json()
    assert [(w["code"], w["severity"], w["node_id"]) for w in response.json()["warnings"]] == [
        ("model_not_listed", "warning", "ask")]


def test_a_label_never_points_at_a_version_that_cannot_run(owner, settings):
    settings.LLMOPS_MODEL_PROVIDERS = [
        {"kind": "openai_compatible", "name": "remote", "base_url": "http://remote.invalid", "models": []}]
    app = make_app(owner, prompt_graph(provider="remote"))
    assert publish(owner, app).status_code == 201
    edit(owner, app, "Howdy")
    assert publish(owner, app).status_code == 201
    settings.LLMOPS_MODEL_PROVIDERS = []  # the operator removed the provider version 1 calls

    rollback = owner.client.post(url(owner, app, "labels/production/rollback/"))
    staging = owner.client.post(url(owner, app, "labels/"), {"name": "staging", "version": 1}, format="json")

    for refused in (rollback, staging):
        assert refused.status_code == 409, refused.json()
        error = refused.json()["error"]
        assert error["code"] == "app_invalid" and error["message"].startswith("Version 1 cannot go live")
        assert [(i["code"], i["node_id"]) for i in error["details"]["issues"]] == [("model_not_configured", "ask")]
    assert Label.objects.get(app=app, name="production").version.number == 2
    assert not Label.objects.filter(app=app, name="staging").exists()


def test_a_backup_of_a_broken_draft_cannot_be_labelled(owner):
    app = make_app(owner)
    publish(owner, app)
    broken = greeting_graph()
    broken["nodes"][1]["config"]["template"] = ""
    app.refresh_from_db()
    draft_save(app=app, graph=broken, revision=app.draft_revision, user=owner.user)
    restored = owner.client.post(url(owner, app, "versions/1/restore/")).json()
    backup = restored["backup"]["number"]  # the broken draft, kept as a version without a check

    response = owner.client.post(url(owner, app, "labels/"), {"name": "staging", "version": backup}, format="json")

    assert response.status_code == 409
    assert [(i["code"], i["node_id"], i["field"]) for i in response.json()["error"]["details"]["issues"]] == [
        ("required", "greet", "template")]


def test_rollback_moves_production_back_and_the_audit_list_says_who_when_from_and_to(owner):
    app = make_app(owner)
    publish(owner, app)
    edit(owner, app, "Howdy")
    publish(owner, app)

    response = owner.client.post(url(owner, app, "labels/production/rollback/"))

    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 1
    audit = owner.client.get(url(owner, app, "labels/audit/")).json()["results"]
    assert [(m["kind"], m["from_version"], m["to_version"]) for m in audit] == [
        ("rollback", 2, 1), ("publish", 1, 2), ("publish", None, 1)]
    assert {m["moved_by"] for m in audit} == {owner.user.username}
    assert all(m["moved_at"] for m in audit)


def test_rolling_back_again_walks_further_back_instead_of_undoing_the_rollback(owner):
    app = make_app(owner)
    for greeting in ("Hello", "Howdy", "Hi"):
        edit(owner, app, greeting)
        publish(owner, app)
    rollback = url(owner, app, "labels/production/rollback/")

    versions = [owner.client.post(rollback).json().get("version") for _ in range(2)]
    last = owner.client.post(rollback)

    assert versions == [2, 1]
    assert last.status_code == 409 and last.json()["error"]["code"] == "nothing_to_roll_back"


def test_rollback_without_an_earlier_version_says_so(owner):
    app = make_app(owner)
    publish(owner, app)

    response = owner.client.post(url(owner, app, "labels/production/rollback/"))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "nothing_to_roll_back"


def test_other_labels_can_be_created_moved_and_deleted_but_production_stays(owner):
    app = make_app(owner)
    publish(owner, app)
    edit(owner, app, "Howdy")
    publish(owner, app)

    created = owner.client.post(url(owner, app, "labels/"), {"name": "staging", "version": 2}, format="json")
    moved = owner.client.put(url(owner, app, "labels/staging/"), {"version": 1}, format="json")
    same = owner.client.put(url(owner, app, "labels/staging/"), {"version": 1}, format="json")
    refused = owner.client.delete(url(owner, app, "labels/production/"))
    deleted = owner.client.delete(url(owner, app, "labels/staging/"))

    assert created.json()["version"] == 2 and moved.json()["version"] == 1
    assert same.json()["error"]["code"] == "label_unchanged"
    assert refused.json()["error"]["code"] == "label_protected"
    assert deleted.status_code == 204
    assert list(LabelMove.objects.filter(app=app, label="staging").values_list("kind", flat=True)) == [
        "delete", "rollback", "move"]


def test_a_label_name_must_be_a_slug(owner):
    app = make_app(owner)
    publish(owner, app)

    response = owner.client.post(url(owner, app, "labels/"), {"name": "Not OK", "version": 1}, format="json")

    assert response.json()["error"]["code"] == "label_name_invalid"


def test_the_endpoint_info_has_urls_and_snippets_that_name_the_app(owner):
    app = make_app(owner)
    publish(owner, app)

    info = owner.client.get(url(owner, app, "publish/endpoint/")).json()

    assert info["run_url"] == f"http://testserver/v1/apps/{app.slug}/run"
    assert info["example_inputs"] == {"name": "Hello"}
    assert set(info["snippets"]) == {"curl", "curl_stream", "python_openai", "javascript_sse"}
    assert f'model="{app.slug}"' in info["snippets"]["python_openai"]
    assert info["state"]["published"]


def test_the_endpoint_can_be_turned_off_and_on(owner):
    app = make_app(owner)
    publish(owner, app)

    off = owner.client.patch(url(owner, app, "publish/"), {"enabled": False}, format="json").json()
    on = owner.client.patch(url(owner, app, "publish/"), {"enabled": True}, format="json").json()

    assert not off["published"] and on["published"]


def test_an_api_key_is_shown_once_stored_hashed_and_revocable(owner):
    keys_url = f"/api/workspaces/{owner.workspace.pk}/api-keys/"

    created = owner.client.post(keys_url, {"name": "website", "rate_limit_per_minute": 60}, format="json").json()
    listed = owner.client.get(keys_url).json()["results"]
    revoked = owner.client.delete(f"{keys_url}{created['id']}/").json()

    assert created["secret"].startswith(f"lsk_{created['prefix']}_")
    assert created["scope"] == "workspace" and created["rate_limit_per_minute"] == 60
    assert "secret" not in listed[0] and listed[0]["prefix"] == created["prefix"]
    key = ApiKey.objects.get(pk=created["id"])
    assert key.secret_hash == key_hash(created["secret"]) and created["secret"] not in key.secret_hash
    assert revoked["revoked_at"] is not None


def test_an_app_scoped_key_names_its_app(owner):
    app = make_app(owner)

    created = owner.client.post(
        f"/api/workspaces/{owner.workspace.pk}/api-keys/", {"name": "one app", "app_id": app.pk}, format="json"
    ).json()

    assert created["scope"] == "app" and created["app_slug"] == app.slug


def test_viewers_see_the_publish_panel_but_cannot_publish_or_make_keys(owner, member_factory):
    viewer = member_factory("viewer", workspace=owner.workspace)
    app = make_app(owner)

    assert viewer.client.get(url(viewer, app, "publish/")).status_code == 200
    assert publish(viewer, app).json()["error"]["code"] == "role_forbidden"
    made = viewer.client.post(f"/api/workspaces/{owner.workspace.pk}/api-keys/", {"name": "x"}, format="json")
    assert made.status_code == 403


def test_another_workspace_cannot_see_or_touch_publishing(owner, outsider):
    app = make_app(owner)
    publish(owner, app)
    key = owner.client.post(f"/api/workspaces/{owner.workspace.pk}/api-keys/", {"name": "k"}, format="json").json()
    base = url(owner, app)
    keys = f"/api/workspaces/{owner.workspace.pk}/api-keys/"

    assert_isolated(outsider.client, [
        Call("GET", base + "publish/"), Call("POST", base + "publish/"),
        Call("PATCH", base + "publish/", {"enabled": False}), Call("GET", base + "publish/endpoint/"),
        Call("GET", base + "labels/"), Call("POST", base + "labels/", {"name": "x", "version": 1}),
        Call("PUT", base + "labels/production/", {"version": 1}), Call("DELETE", base + "labels/production/"),
        Call("POST", base + "labels/production/rollback/"), Call("GET", base + "labels/audit/"),
        Call("GET", base + "publish/runs/"),
        Call("GET", keys), Call("POST", keys, {"name": "x"}), Call("DELETE", f"{keys}{key['id']}/"),
    ], watch=[Label.objects.all(), LabelMove.objects.all(), ApiKey.objects.all()])
