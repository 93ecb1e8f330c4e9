"""Members of a workspace: who they are, changing roles, removing and leaving; only owners manage,
and a workspace always keeps an owner."""

from __future__ import annotations

import pytest

from builder.accounts.models import Membership, Role
from tests.factories import UserFactory
from tests.support.isolation import Call, assert_isolated

pytestmark = pytest.mark.django_db


def members_url(member, membership_id: int | None = None) -> str:
    url = f"/api/workspaces/{member.workspace.pk}/members/"
    return f"{url}{membership_id}/" if membership_id else url


def test_the_list_names_each_member_and_marks_you(owner, member_factory):
    colleague = member_factory(Role.BUILDER, workspace=owner.workspace)
    colleague.user.first_name, colleague.user.last_name = "Grace", "Hopper"
    colleague.user.save()

    rows = {row["username"]: row for row in owner.client.get(members_url(owner)).json()["results"]}

    assert rows[colleague.user.username]["name"] == "Grace Hopper"
    assert rows[colleague.user.username]["is_you"] is False
    assert rows[owner.user.username]["is_you"] is True
    assert rows[owner.user.username]["email"] == owner.user.email and rows[owner.user.username]["role"] == "owner"


def test_an_owner_changes_a_role(owner, member_factory):
    colleague = member_factory(Role.VIEWER, workspace=owner.workspace)

    response = owner.client.patch(members_url(owner, colleague.membership.pk), {"role": "annotator"}, format="json")

    assert response.status_code == 200 and response.json()["role"] == "annotator"
    colleague.membership.refresh_from_db()
    assert colleague.membership.role == Role.ANNOTATOR


def test_an_owner_removes_a_member(owner, member_factory):
    colleague = member_factory(Role.BUILDER, workspace=owner.workspace)

    response = owner.client.delete(members_url(owner, colleague.membership.pk))

    assert response.status_code == 204
    assert not Membership.objects.filter(pk=colleague.membership.pk).exists()


def test_the_last_owner_can_neither_leave_nor_be_removed(owner):
    removed = owner.client.delete(members_url(owner, owner.membership.pk))
    left = owner.client.post(f"/api/workspaces/{owner.workspace.pk}/leave/")

    assert removed.status_code == 409 and removed.json()["error"]["code"] == "last_owner"
    assert left.status_code == 409 and left.json()["error"]["code"] == "last_owner"
    assert Membership.objects.filter(pk=owner.membership.pk).exists()


def test_an_owner_may_step_down_when_another_owner_remains(owner, member_factory):
    member_factory(Role.OWNER, workspace=owner.workspace)

    demoted = owner.client.patch(members_url(owner, owner.membership.pk), {"role": "builder"}, format="json")

    assert demoted.status_code == 200
    owner.membership.refresh_from_db()
    assert owner.membership.role == Role.BUILDER


@pytest.mark.parametrize("role", [Role.BUILDER, Role.VIEWER, Role.ANNOTATOR])
def test_any_member_may_leave(owner, member_factory, role):
    colleague = member_factory(role, workspace=owner.workspace)

    by_route = colleague.client.post(f"/api/workspaces/{owner.workspace.pk}/leave/")

    assert by_route.status_code == 204
    assert not Membership.objects.filter(pk=colleague.membership.pk).exists()


def test_a_member_may_remove_themselves_through_the_member_route(owner, member_factory):
    colleague = member_factory(Role.VIEWER, workspace=owner.workspace)

    response = colleague.client.delete(members_url(colleague, colleague.membership.pk))

    assert response.status_code == 204


@pytest.mark.parametrize("role", [Role.BUILDER, Role.VIEWER])
def test_only_owners_change_roles_or_remove_others(owner, member_factory, role):
    actor = member_factory(role, workspace=owner.workspace)
    target = member_factory(Role.VIEWER, workspace=owner.workspace)

    promote = actor.client.patch(members_url(owner, actor.membership.pk), {"role": "owner"}, format="json")
    remove = actor.client.delete(members_url(owner, target.membership.pk))
    add = actor.client.post(members_url(owner), {"username": UserFactory().username, "role": "owner"}, format="json")

    assert [promote.status_code, remove.status_code, add.status_code] == [403, 403, 403]
    assert {r.json()["error"]["code"] for r in (promote, remove, add)} == {"role_forbidden"}
    actor.membership.refresh_from_db()
    assert actor.membership.role == role
    assert Membership.objects.filter(pk=target.membership.pk).exists()


def test_builders_and_viewers_read_the_member_list(owner, member_factory):
    viewer = member_factory(Role.VIEWER, workspace=owner.workspace)

    response = viewer.client.get(members_url(owner))

    assert response.status_code == 200 and response.json()["count"] == 2


def test_other_workspaces_are_not_found_and_unchanged(owner, outsider, member_factory):
    colleague = member_factory(Role.VIEWER, workspace=owner.workspace)
    ws = owner.workspace.pk
    calls = [
        Call("POST", f"/api/workspaces/{ws}/members/", {"username": outsider.user.username, "role": "owner"}),
        Call("PATCH", f"/api/workspaces/{ws}/members/{colleague.membership.pk}/", {"role": "owner"}),
        Call("DELETE", f"/api/workspaces/{ws}/members/{colleague.membership.pk}/"),
        Call("POST", f"/api/workspaces/{ws}/leave/"),
        Call("GET", f"/api/workspaces/{ws}/invitations/"),
        Call("PATCH", f"/api/workspaces/{outsider.workspace.pk}/members/{colleague.membership.pk}/", {"role": "owner"}),
    ]

    assert_isolated(outsider.client, calls, watch=[Membership.objects.filter(workspace_id=ws)])


def test_an_annotator_cannot_remove_anyone_else(owner, member_factory):
    annotator = member_factory(Role.ANNOTATOR, workspace=owner.workspace)

    response = annotator.client.delete(members_url(owner, owner.membership.pk))

    assert response.status_code == 403 and response.json()["error"]["code"] == "role_forbidden"
    assert Membership.objects.filter(pk=owner.membership.pk).exists()
