import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(member) -> Client:
    client = Client()
    assert client.login(username=member.user.username, password=PASSWORD)
    return client


def test_the_app_shell_carries_the_current_workspace_and_a_csrf_token(owner):
    page = signed_in(owner).get("/app/")

    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-workspace-id="{owner.workspace.pk}"' in html
    assert 'data-csrf-token="' in html and 'data-csrf-token=""' not in html


def test_deep_links_into_the_app_serve_the_same_shell(owner):
    assert signed_in(owner).get("/app/knowledge").status_code == 200


def test_switching_workspace_changes_the_shell_and_refuses_foreign_ones(owner, member_factory, outsider):
    second = member_factory("viewer")
    from builder.accounts.models import Membership

    Membership.objects.create(workspace=second.workspace, user=owner.user, role="viewer")
    client = signed_in(owner)

    switched = client.post("/accounts/workspace/", {"workspace": second.workspace.pk})
    foreign = client.post("/accounts/workspace/", {"workspace": outsider.workspace.pk})

    assert switched.status_code == 302
    assert f'data-workspace-id="{second.workspace.pk}"' in client.get("/app/").content.decode()
    assert foreign.status_code == 404


def test_switching_through_the_api_needs_the_csrf_token(owner):
    client = Client(enforce_csrf_checks=True)
    client.login(username=owner.user.username, password=PASSWORD)

    response = client.post(
        "/api/session/workspace/", {"workspace": owner.workspace.pk}, content_type="application/json"
    )

    assert response.status_code == 403


def test_api_docs_render_from_local_files_for_signed_in_users(owner):
    page = signed_in(owner).get("/api/docs/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower()
    schema = signed_in(owner).get("/api/schema/?format=json")
    assert "/api/workspaces/" in schema.json()["paths"]


def test_operators_manage_workspaces_in_the_admin(owner):
    from tests.factories import UserFactory

    operator = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(operator)

    listing = client.get("/admin/accounts/workspace/")
    detail = client.get(f"/admin/accounts/workspace/{owner.workspace.pk}/change/")

    assert listing.status_code == 200 and owner.workspace.name in listing.content.decode()
    assert detail.status_code == 200 and owner.user.username in detail.content.decode()


def test_members_without_staff_rights_are_kept_out_of_the_admin(owner):
    response = signed_in(owner).get("/admin/")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
