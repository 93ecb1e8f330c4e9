"""A/B traffic splits in the Publish panel's API: set a label's split, end it, promote the winner —
each recorded in the label's audit list — with clear errors, roles and workspace isolation."""

import pytest

from builder.publishing.models import Label, LabelArm, LabelMove
from builder.publishing.selectors import label_splits
from builder.publishing.services import label_move, label_split_promote
from tests.builder.publishing.graphs import greeting_graph
from tests.builder.publishing.support import published, republish
from tests.support.isolation import Call, assert_isolated

pytestmark = pytest.mark.django_db


def url(member, app, suffix=""):
    return f"/api/workspaces/{member.workspace.pk}/apps/{app.pk}/{suffix}"


def app_with_versions(member, count=2):
    """An app published ``count`` times: production on the last version, v1 … v<count>."""
    app = published(member, greeting_graph("Hello"))
    for n in range(2, count + 1):
        republish(member, app, greeting_graph(f"Hello {n}"))
    return app


def split(member, app, arms, label="production"):
    return member.client.put(url(member, app, f"labels/{label}/split/"), {"arms": arms}, format="json")


def production(member, app):
    labels = member.client.get(url(member, app, "labels/")).json()
    return next(label for label in labels if label["name"] == "production")


def test_a_split_shows_in_the_labels_answer_and_in_the_audit_list(owner):
    app = app_with_versions(owner)

    response = split(owner, app, [{"version": 2, "weight": 10}, {"version": 1, "weight": 90}])

    assert response.status_code == 200, response.json()
    assert response.json()["split"] == [{"version": 1, "weight": 90}, {"version": 2, "weight": 10}]
    assert response.json()["version"] == 2  # production was on v2, an arm: it keeps showing it
    assert production(owner, app)["split"] == [{"version": 1, "weight": 90}, {"version": 2, "weight": 10}]
    state = owner.client.get(url(owner, app, "publish/")).json()
    assert state["labels"][0]["split"] == [{"version": 1, "weight": 90}, {"version": 2, "weight": 10}]
    move = owner.client.get(url(owner, app, "labels/audit/")).json()["results"][0]
    assert (move["kind"], move["from_version"], move["to_version"]) == ("split", 2, 2)
    assert move["arms"] == [{"version": 1, "weight": 90}, {"version": 2, "weight": 10}]


def test_the_monitoring_pages_read_each_split_labels_arms(owner):
    app = app_with_versions(owner)
    assert label_splits(app_id=app.pk) == {}

    split(owner, app, [{"version": 1, "weight": 70}, {"version": 2, "weight": 30}])

    v1, v2 = app.versions.order_by("number")
    assert label_splits(app_id=app.pk) == {"production": [
        {"version_id": v1.pk, "number": 1, "weight": 70}, {"version_id": v2.pk, "number": 2, "weight": 30}]}


def test_a_label_not_on_any_arm_shows_the_heaviest_arm(owner):
    app = app_with_versions(owner, 3)

    body = split(owner, app, [{"version": 1, "weight": 60}, {"version": 2, "weight": 40}]).json()

    assert body["version"] == 1


@pytest.mark.parametrize(("arms", "fields"), [
    ([{"version": 1, "weight": 100}], ["arms", "arms[0].weight"]),
    ([{"version": 1, "weight": 90}, {"version": 2, "weight": 5}], ["arms"]),
    ([{"version": 1, "weight": 50}, {"version": 1, "weight": 50}], ["arms[1].version"]),
    ([{"version": 1, "weight": 50}, {"version": 9, "weight": 50}], ["arms[1].version"]),
    ([{"version": 1, "weight": 100}, {"version": 2, "weight": 0}], ["arms[0].weight", "arms[1].weight"]),
    ([{"version": "two", "weight": 50}, {"version": 1, "weight": 50.5}], ["arms[0].version", "arms[1].weight"]),
    ("v1 90, v2 10", ["arms"]),
    (None, ["arms"]),
])
def test_a_split_that_cannot_be_served_is_refused_naming_each_field(owner, arms, fields):
    app = app_with_versions(owner)

    response = split(owner, app, arms)

    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["code"] == "split_invalid"
    assert [d["field"] for d in error["details"]] == fields
    assert not LabelArm.objects.exists() and production(owner, app)["split"] == []


def test_the_same_split_again_is_unchanged_and_an_unknown_label_is_not_found(owner):
    app = app_with_versions(owner)
    arms = [{"version": 1, "weight": 50}, {"version": 2, "weight": 50}]
    split(owner, app, arms)

    again = split(owner, app, arms)
    missing = split(owner, app, arms, label="staging")

    assert (again.status_code, again.json()["error"]["code"]) == (409, "label_unchanged")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "label_not_found")


def test_promoting_an_arm_points_the_label_at_it_alone(owner):
    app = app_with_versions(owner, 3)
    split(owner, app, [{"version": 1, "weight": 90}, {"version": 2, "weight": 10}])

    response = owner.client.post(url(owner, app, "labels/production/promote/"), {"version": 2}, format="json")

    assert response.status_code == 200, response.json()
    assert (response.json()["version"], response.json()["split"]) == (2, [])
    assert not LabelArm.objects.exists()
    move = LabelMove.objects.filter(app=app).first()
    assert (move.kind, move.from_number, move.to_number, move.moved_by) == ("promote", 1, 2, owner.user)
    assert move.arms == [{"version": 1, "weight": 90}, {"version": 2, "weight": 10}]


def test_promote_names_the_problem_with_the_version_or_the_label(owner):
    app = app_with_versions(owner, 3)
    promote = url(owner, app, "labels/production/promote/")
    unsplit = owner.client.post(promote, {"version": 2}, format="json")
    split(owner, app, [{"version": 1, "weight": 90}, {"version": 2, "weight": 10}])

    not_an_arm = owner.client.post(promote, {"version": 3}, format="json")
    unknown = owner.client.post(promote, {"version": 9}, format="json")
    missing = owner.client.post(promote, {}, format="json")

    assert (unsplit.status_code, unsplit.json()["error"]["code"]) == (409, "label_not_split")
    assert (not_an_arm.status_code, not_an_arm.json()["error"]["code"]) == (400, "split_invalid")
    assert not_an_arm.json()["error"]["details"][0]["field"] == "version"
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "version_not_found")
    assert (missing.status_code, missing.json()["error"]["code"]) == (400, "split_invalid")
    assert LabelArm.objects.count() == 2


def test_the_dash_pages_promote_through_the_service(owner):
    app = app_with_versions(owner)
    split(owner, app, [{"version": 1, "weight": 90}, {"version": 2, "weight": 10}])

    label = label_split_promote(app=app, label="production", version_number=1, user=owner.user)

    assert (label.version.number, label.arms.count()) == (1, 0)
    assert Label.objects.get(app=app, name="production").version.number == 1


def test_ending_a_split_keeps_the_label_on_the_chosen_arm(owner):
    app = app_with_versions(owner)
    split(owner, app, [{"version": 1, "weight": 90}, {"version": 2, "weight": 10}])

    response = owner.client.delete(url(owner, app, "labels/production/split/"), {"version": 1}, format="json")

    assert response.status_code == 200, response.json()
    assert (response.json()["version"], response.json()["split"]) == (1, [])
    assert LabelMove.objects.filter(app=app).first().kind == "split_end"


def test_ending_a_split_without_a_version_keeps_the_version_the_label_shows(owner):
    app = app_with_versions(owner)
    split(owner, app, [{"version": 1, "weight": 90}, {"version": 2, "weight": 10}])

    body = owner.client.delete(url(owner, app, "labels/production/split/")).json()

    assert (body["version"], body["split"]) == (2, [])


def test_moving_or_republishing_a_split_label_ends_its_split(owner):
    app = app_with_versions(owner, 3)
    split(owner, app, [{"version": 1, "weight": 90}, {"version": 2, "weight": 10}])

    label = label_move(app=app, name="production", version=app.versions.get(number=3), user=owner.user)

    assert (label.version.number, label.arms.count()) == (3, 0)
    assert LabelMove.objects.filter(app=app).first().arms == [{"version": 1, "weight": 90},
                                                              {"version": 2, "weight": 10}]
    split(owner, app, [{"version": 1, "weight": 90}, {"version": 3, "weight": 10}])
    republish(owner, app, greeting_graph("Hello 4"))
    assert (production(owner, app)["version"], production(owner, app)["split"]) == (4, [])


def test_viewers_see_a_split_but_cannot_change_it(owner, member_factory):
    viewer = member_factory("viewer", workspace=owner.workspace)
    app = app_with_versions(owner)
    split(owner, app, [{"version": 1, "weight": 90}, {"version": 2, "weight": 10}])

    seen = production(viewer, app)
    changed = split(viewer, app, [{"version": 1, "weight": 50}, {"version": 2, "weight": 50}])
    ended = viewer.client.delete(url(viewer, app, "labels/production/split/"), {"version": 1}, format="json")
    promoted = viewer.client.post(url(viewer, app, "labels/production/promote/"), {"version": 2}, format="json")

    assert seen["split"] == [{"version": 1, "weight": 90}, {"version": 2, "weight": 10}]
    for response in (changed, ended, promoted):
        assert response.status_code == 403, response.json()
    assert list(LabelArm.objects.order_by("version__number").values_list("weight", flat=True)) == [90, 10]


def test_builders_may_split(owner, member_factory):
    builder = member_factory("builder", workspace=owner.workspace)
    app = app_with_versions(owner)

    assert split(builder, app, [{"version": 1, "weight": 90}, {"version": 2, "weight": 10}]).status_code == 200


def test_another_workspace_gets_not_found_and_changes_nothing(owner, outsider):
    app = app_with_versions(owner)
    split(owner, app, [{"version": 1, "weight": 90}, {"version": 2, "weight": 10}])
    base = f"/api/workspaces/{outsider.workspace.pk}/apps/{app.pk}/labels/production/"

    assert_isolated(outsider.client, [
        Call("PUT", base + "split/", {"arms": [{"version": 1, "weight": 50}, {"version": 2, "weight": 50}]}),
        Call("DELETE", base + "split/", {"version": 1}),
        Call("POST", base + "promote/", {"version": 2}),
        Call("GET", base),
    ], watch=[LabelArm.objects.all(), Label.objects.all()])
