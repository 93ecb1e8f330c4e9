"""What the apps list says is live: never published (draft), published (production → vN and other
labels), draft changed since publish, endpoint off; one query for the page however many apps.
And an imported app whose name is taken gets "Name (2)", "Name (3)" …"""

import pytest

from builder.flows.services import app_create, draft_save
from builder.publishing.services import app_publish, label_move, publication_set
from tests.builder.flows.graphs import greeting_graph

pytestmark = pytest.mark.django_db


def apps_url(member) -> str:
    return f"/api/workspaces/{member.workspace.pk}/apps/"


def listed(member) -> dict[str, dict]:
    response = member.client.get(apps_url(member) + "?limit=200")
    assert response.status_code == 200, response.content
    return {a["name"]: a for a in response.json()["results"]}


def published_app(member, name: str, greeting: str = "Hello"):
    app = app_create(workspace=member.workspace, name=name, user=member.user, graph=greeting_graph(greeting))
    app_publish(app=app, user=member.user)
    app.refresh_from_db()
    return app


def edit_draft(member, app, greeting: str) -> None:
    app.refresh_from_db()
    draft_save(app=app, graph=greeting_graph(greeting), revision=app.draft_revision, user=member.user)


def test_each_app_says_what_is_live(owner):
    app_create(workspace=owner.workspace, name="Never published", user=owner.user, graph=greeting_graph())
    published_app(owner, "Live and unchanged")
    changed = published_app(owner, "Changed since publish")
    edit_draft(owner, changed, "Howdy")
    off = published_app(owner, "Endpoint off")
    publication_set(app=off, enabled=False)

    apps = listed(owner)

    assert apps["Never published"]["status"] == "draft" and apps["Never published"]["live"] is None
    assert apps["Live and unchanged"]["status"] == "published"
    assert apps["Live and unchanged"]["live"] == {
        "labels": [{"name": "production", "version": 1}], "endpoint_enabled": True, "draft_changed": False,
    }
    assert apps["Changed since publish"]["live"]["draft_changed"] is True
    assert apps["Endpoint off"]["status"] == "published"
    assert apps["Endpoint off"]["live"]["endpoint_enabled"] is False
    assert apps["Endpoint off"]["live"]["draft_changed"] is False


def test_production_points_at_the_published_version_and_other_labels_are_listed(owner):
    app = published_app(owner, "Helper", "Hello")
    edit_draft(owner, app, "Howdy")
    v2, _, _ = app_publish(app=app, user=owner.user)
    label_move(app=app, name="staging", version=v2, user=owner.user)
    edit_draft(owner, app, "Hello")  # the draft is v1's graph again, not production's (v2)

    live = listed(owner)["Helper"]["live"]

    assert live["labels"] == [{"name": "production", "version": 2}, {"name": "staging", "version": 2}]
    assert live["draft_changed"] is True


def test_a_draft_changed_back_to_the_production_graph_is_not_a_change(owner):
    app = published_app(owner, "Helper", "Hello")
    edit_draft(owner, app, "Howdy")
    edit_draft(owner, app, "Hello")

    assert listed(owner)["Helper"]["live"]["draft_changed"] is False


def test_the_list_costs_the_same_queries_for_one_app_or_twenty(owner, django_assert_max_num_queries):
    for n in range(20):
        app = published_app(owner, f"App {n}") if n % 2 else app_create(
            workspace=owner.workspace, name=f"App {n}", user=owner.user, graph=greeting_graph()
        )
        if n % 4 == 1:
            edit_draft(owner, app, "Changed")

    with django_assert_max_num_queries(3):  # the membership, the count, the page
        apps = listed(owner)

    assert len(apps) == 20
    assert sum(a["status"] == "published" for a in apps.values()) == 10
    assert sum(bool(a["live"] and a["live"]["draft_changed"]) for a in apps.values()) == 5


def test_the_detail_of_an_app_says_what_is_live_too(owner):
    app = published_app(owner, "Helper")

    detail = owner.client.get(f"{apps_url(owner)}{app.pk}/").json()

    assert detail["status"] == "published" and detail["live"]["labels"] == [{"name": "production", "version": 1}]


def test_importing_a_name_that_is_taken_names_the_app_name_2_then_3(owner):
    original = app_create(workspace=owner.workspace, name="Support bot", user=owner.user, graph=greeting_graph())
    exported = owner.client.get(f"{apps_url(owner)}{original.pk}/export/?format=yaml").content.decode()
    body = {"content": exported, "filename": "support-bot.yaml"}

    dry_run = owner.client.post(apps_url(owner) + "import/?dry_run=1", body, format="json").json()
    second = owner.client.post(apps_url(owner) + "import/", body, format="json").json()
    third = owner.client.post(apps_url(owner) + "import/", body, format="json").json()

    assert dry_run["name"] == "Support bot" and dry_run["app_name"] == "Support bot (2)"
    assert second["app"]["name"] == "Support bot (2)" and second["report"]["app_name"] == "Support bot (2)"
    assert third["app"]["name"] == "Support bot (3)"
    assert sorted(listed(owner)) == ["Support bot", "Support bot (2)", "Support bot (3)"]


def test_a_free_name_is_kept_and_a_numbered_name_counts_on(owner):
    app_create(workspace=owner.workspace, name="Helper (2)", user=owner.user, graph=greeting_graph())
    body = {"content": "", "filename": "helper.yaml"}
    exported = owner.client.get(f"{apps_url(owner)}{listed(owner)['Helper (2)']['id']}/export/?format=yaml")
    body["content"] = exported.content.decode()

    first = owner.client.post(apps_url(owner) + "import/", {**body, "name": "Helper"}, format="json").json()
    numbered = owner.client.post(apps_url(owner) + "import/", body, format="json").json()

    assert first["app"]["name"] == "Helper"
    assert numbered["app"]["name"] == "Helper (3)"
