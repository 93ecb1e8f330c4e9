import pytest

from builder.accounts.models import Membership, Role, Workspace
from tests.factories import UserFactory
from tests.support.isolation import Call, assert_isolated

pytestmark = pytest.mark.django_db


def test_creating_a_workspace_makes_the_creator_its_owner(owner):
    response = owner.client.post("/api/workspaces/", {"name": "Research"}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Research" and body["slug"] == "research" and body["role"] == "owner"


def test_workspace_list_shows_only_my_workspaces_paginated(owner, outsider):
    owner.client.post("/api/workspaces/", {"name": "Second"}, format="json")

    body = owner.client.get("/api/workspaces/?limit=1").json()

    assert body["count"] == 2
    assert len(body["results"]) == 1 and body["next"]
    names = {w["name"] for w in owner.client.get("/api/workspaces/").json()["results"]}
    assert outsider.workspace.name not in names


def test_blank_workspace_name_is_refused_with_a_field_error(owner):
    response = owner.client.post("/api/workspaces/", {"name": "  "}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] in {"invalid", "workspace_name_required"}


def test_only_owners_rename_a_workspace(member_factory):
    builder = member_factory(Role.BUILDER)

    response = builder.client.patch(f"/api/workspaces/{builder.workspace.pk}/", {"name": "X"}, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "role_forbidden"
    builder.workspace.refresh_from_db()
    assert builder.workspace.name != "X"


def test_owner_adds_a_member_by_email_with_a_role(owner):
    colleague = UserFactory(email="ana@example.test")

    response = owner.client.post(
        f"/api/workspaces/{owner.workspace.pk}/members/", {"email": "ANA@example.test", "role": "annotator"},
        format="json",
    )

    assert response.status_code == 201
    assert Membership.objects.get(workspace=owner.workspace, user=colleague).role == Role.ANNOTATOR


def test_adding_an_unknown_username_says_so(owner):
    response = owner.client.post(
        f"/api/workspaces/{owner.workspace.pk}/members/", {"username": "nobody", "role": "viewer"}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "user_not_found"


def test_the_last_owner_cannot_be_demoted(owner):
    response = owner.client.patch(
        f"/api/workspaces/{owner.workspace.pk}/members/{owner.membership.pk}/", {"role": "viewer"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "last_owner"
    owner.membership.refresh_from_db()
    assert owner.membership.role == Role.OWNER


def test_another_workspace_answers_404_and_nothing_changes(owner, outsider, member_factory):
    colleague = member_factory(Role.VIEWER, workspace=owner.workspace)
    ws = owner.workspace.pk
    calls = [
        Call("GET", f"/api/workspaces/{ws}/"),
        Call("PATCH", f"/api/workspaces/{ws}/", {"name": "stolen"}),
        Call("GET", f"/api/workspaces/{ws}/members/"),
        Call("POST", f"/api/workspaces/{ws}/members/", {"email": outsider.user.email, "role": "owner"}),
        Call("PATCH", f"/api/workspaces/{ws}/members/{colleague.membership.pk}/", {"role": "owner"}),
        Call("DELETE", f"/api/workspaces/{ws}/members/{colleague.membership.pk}/"),
        Call("POST", "/api/session/workspace/", {"workspace": ws}),
    ]

    assert_isolated(
        outsider.client,
        calls,
        watch=[Workspace.objects.filter(pk=ws), Membership.objects.filter(workspace_id=ws)],
    )


def test_a_member_id_of_another_workspace_is_not_found_in_mine(owner, outsider):
    response = owner.client.delete(
        f"/api/workspaces/{owner.workspace.pk}/members/{outsider.membership.pk}/"
    )

    assert response.status_code == 404
    assert Membership.objects.filter(pk=outsider.membership.pk).exists()
