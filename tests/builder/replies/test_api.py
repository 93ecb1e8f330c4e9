"""The replies API of an app: list with hits, add by hand, edit, switch off, delete; the app's
switch and threshold. Reads need ``view``, writes ``build``; other workspaces see nothing."""

import pytest

from builder.flows.services import app_create
from builder.replies.models import Reply, ReplySettings
from builder.replies.services import reply_hit
from tests.builder.publishing.graphs import prompt_graph
from tests.builder.replies.support import APPROVED, PARAPHRASED, REVIEWED, approved_reply
from tests.support.isolation import Call, assert_isolated

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def app(owner):
    return app_create(workspace=owner.workspace, name="Helpdesk", user=owner.user, graph=prompt_graph())


def url(member, app, suffix=""):
    return f"/api/workspaces/{member.workspace.pk}/apps/{app.pk}/replies/{suffix}"


def test_a_reply_added_by_hand_is_listed_with_its_hits(owner, app):
    created = owner.client.post(url(owner, app), {"question": f" {REVIEWED} ", "answer": APPROVED}, format="json")
    assert created.status_code == 201, created.json()
    reply_hit(reply_id=created.json()["id"])

    listed = owner.client.get(url(owner, app)).json()

    assert listed["count"] == 1
    [item] = listed["results"]
    assert (item["question"], item["answer"], item["enabled"], item["hit_count"]) == (REVIEWED, APPROVED, True, 1)
    assert (item["source"], item["source_item_id"], item["created_by"]) == ("manual", None, owner.user.username)
    assert item["last_hit_at"] is not None and "embedding" not in item


def test_a_reply_is_edited_switched_off_and_deleted(owner, app):
    reply = approved_reply(owner, app)
    before = list(reply.embedding)

    edited = owner.client.patch(url(owner, app, f"{reply.pk}/"), {"question": "Where are my invoices?",
                                                                  "answer": "Billing → Invoices."}, format="json")
    off = owner.client.patch(url(owner, app, f"{reply.pk}/"), {"enabled": False}, format="json")

    assert (edited.status_code, edited.json()["question"], edited.json()["answer"]) == (
        200, "Where are my invoices?", "Billing → Invoices.")
    assert (off.status_code, off.json()["enabled"], off.json()["question"]) == (200, False, "Where are my invoices?")
    assert list(Reply.objects.get(pk=reply.pk).embedding) != before, "a new question is embedded again"
    assert owner.client.delete(url(owner, app, f"{reply.pk}/")).status_code == 204
    assert not Reply.objects.exists()


def test_replies_are_off_until_turned_on_and_the_threshold_is_kept(owner, app):
    assert owner.client.get(url(owner, app, "settings/")).json() == {"enabled": False, "threshold": 0.9,
                                                                     "updated_at": None}

    saved = owner.client.put(url(owner, app, "settings/"), {"enabled": True, "threshold": 0.85}, format="json")

    assert saved.status_code == 200
    assert (saved.json()["enabled"], saved.json()["threshold"]) == (True, 0.85)
    assert owner.client.get(url(owner, app, "settings/")).json()["threshold"] == 0.85
    assert ReplySettings.objects.get(app=app).updated_by == owner.user


@pytest.mark.parametrize(("path", "method", "body", "field"), [
    ("", "post", {"question": "  ", "answer": APPROVED}, "question"),
    ("", "post", {"question": REVIEWED}, "answer"),
    ("", "post", {"question": "x" * 4001, "answer": APPROVED}, "question"),
    ("settings/", "put", {"enabled": True, "threshold": 0.3}, "threshold"),
    ("settings/", "put", {"enabled": True, "threshold": 1.5}, "threshold"),
    ("settings/", "put", {"threshold": 0.9}, "enabled"),
])
def test_invalid_input_is_refused_field_by_field(owner, app, path, method, body, field):
    response = getattr(owner.client, method)(url(owner, app, path), body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and list(error["details"]) == [field]
    assert not Reply.objects.exists() and not ReplySettings.objects.exists()


def test_a_blank_edit_is_refused_and_changes_nothing(owner, app):
    reply = approved_reply(owner, app)

    response = owner.client.patch(url(owner, app, f"{reply.pk}/"), {"answer": ""}, format="json")

    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid")
    assert Reply.objects.get(pk=reply.pk).answer == APPROVED


def test_an_unknown_reply_answers_404(owner, app):
    other = app_create(workspace=owner.workspace, name="Other", user=owner.user, graph=prompt_graph())
    elsewhere = approved_reply(owner, other)

    response = owner.client.patch(url(owner, app, f"{elsewhere.pk}/"), {"enabled": False}, format="json")

    assert (response.status_code, response.json()["error"]["code"]) == (404, "reply_not_found")
    assert Reply.objects.get(pk=elsewhere.pk).enabled


def test_viewers_read_and_only_builders_write(owner, app, member_factory):
    viewer = member_factory("viewer", workspace=owner.workspace)
    reply = approved_reply(owner, app)

    assert viewer.client.get(url(viewer, app)).status_code == 200
    assert viewer.client.get(url(viewer, app, "settings/")).status_code == 200
    refused = [
        viewer.client.post(url(viewer, app), {"question": PARAPHRASED, "answer": "x"}, format="json"),
        viewer.client.patch(url(viewer, app, f"{reply.pk}/"), {"enabled": False}, format="json"),
        viewer.client.delete(url(viewer, app, f"{reply.pk}/")),
        viewer.client.put(url(viewer, app, "settings/"), {"enabled": True, "threshold": 0.9}, format="json"),
    ]
    assert {(r.status_code, r.json()["error"]["code"]) for r in refused} == {(403, "role_forbidden")}
    assert Reply.objects.count() == 1 and Reply.objects.get().enabled and not ReplySettings.objects.exists()


def test_another_workspace_sees_and_changes_nothing(owner, outsider, app):
    reply = approved_reply(owner, app)
    base = url(owner, app)

    assert_isolated(outsider.client, [
        Call("GET", base),
        Call("POST", base, {"question": PARAPHRASED, "answer": "mine now"}),
        Call("PATCH", f"{base}{reply.pk}/", {"answer": "mine now"}),
        Call("DELETE", f"{base}{reply.pk}/"),
        Call("GET", f"{base}settings/"),
        Call("PUT", f"{base}settings/", {"enabled": True, "threshold": 0.5}),
        Call("GET", f"/api/workspaces/{outsider.workspace.pk}/apps/{app.pk}/replies/"),
        Call("PATCH", f"/api/workspaces/{outsider.workspace.pk}/apps/{app.pk}/replies/{reply.pk}/", {"enabled": False}),
    ], watch=[Reply.objects.all(), ReplySettings.objects.all()])
