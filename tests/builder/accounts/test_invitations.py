"""Inviting people without an account: the owner invites an e-mail, the invited person opens the
mailed link, chooses a username and a password, and lands in the workspace with the role."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from builder.accounts.models import Invitation, Membership, Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long and unusual passphrase 42"


def invite(member, email: str, role: str = Role.ANNOTATOR):
    return member.client.post(
        f"/api/workspaces/{member.workspace.pk}/members/", {"email": email, "role": role}, format="json"
    )


def link_path(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def sign_up(client: Client, path: str, username: str = "ana", password: str = NEW_PASSWORD):
    return client.post(path, {"username": username, "password1": password, "password2": password})


def test_an_unknown_email_gets_an_invitation_mailed_with_its_link(owner):
    response = invite(owner, "Ana@Example.test")

    assert response.status_code == 201
    invitation = response.json()["invitation"]
    assert invitation["email"] == "ana@example.test" and invitation["role"] == "annotator"
    assert invitation["email_sent"] is True
    assert "/accounts/invite/" in invitation["link"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@example.test"]
    assert invitation["link"] in mail.outbox[0].body
    assert owner.workspace.name in mail.outbox[0].subject


def test_the_token_is_stored_only_as_a_hash(owner):
    link = invite(owner, "ana@example.test").json()["invitation"]["link"]
    token = link.rstrip("/").rsplit("/", 1)[-1]

    stored = Invitation.objects.get()
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    assert abs(stored.expires_at - stored.created_at - timedelta(days=7)) < timedelta(seconds=5)


def test_the_invited_person_sets_a_password_and_lands_signed_in_as_a_member(owner):
    link = invite(owner, "ana@example.test").json()["invitation"]["link"]
    browser = Client()

    page = browser.get(link_path(link))
    assert page.status_code == 200
    assert owner.workspace.name in page.content.decode() and "ana@example.test" in page.content.decode()

    response = sign_up(browser, link_path(link))

    assert response.status_code == 302 and response["Location"] == "/app/annotation"
    membership = Membership.objects.get(workspace=owner.workspace, user__username="ana")
    assert membership.role == Role.ANNOTATOR and membership.user.email == "ana@example.test"
    assert browser.get("/api/me/").json()["username"] == "ana"
    assert browser.get("/api/session/workspace/").status_code == 405  # signed in: the route answers, not 401
    assert Invitation.objects.get().accepted_by == membership.user


def test_a_builder_invitation_lands_on_the_apps(owner):
    link = invite(owner, "bo@example.test", Role.BUILDER).json()["invitation"]["link"]

    response = sign_up(Client(), link_path(link), username="bo")

    assert response.status_code == 302 and response["Location"] == "/app/"


def test_a_weak_or_mismatched_password_and_a_taken_username_are_explained(owner):
    UserFactory(username="taken")
    path = link_path(invite(owner, "ana@example.test").json()["invitation"]["link"])
    browser = Client()

    weak = sign_up(browser, path, password="password")
    taken = sign_up(browser, path, username="Taken")
    differ = browser.post(path, {"username": "ana", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})

    assert weak.status_code == 200 and "too common" in weak.content.decode()
    assert "username is taken" in taken.content.decode()
    assert "passwords differ" in differ.content.decode()
    assert not Membership.objects.filter(user__email="ana@example.test").exists()


@pytest.mark.parametrize(
    ("spoil", "status", "title"),
    [
        (lambda inv: setattr(inv, "expires_at", timezone.now() - timedelta(minutes=1)), 410, "has expired"),
        (lambda inv: setattr(inv, "revoked_at", timezone.now()), 410, "was withdrawn"),
    ],
    ids=["expired", "revoked"],
)
def test_an_expired_or_revoked_link_shows_a_clear_page(owner, spoil, status, title):
    path = link_path(invite(owner, "ana@example.test").json()["invitation"]["link"])
    invitation = Invitation.objects.get()
    spoil(invitation)
    invitation.save()
    browser = Client()

    page = browser.get(path)
    submitted = sign_up(browser, path)

    assert page.status_code == status and title in page.content.decode()
    assert submitted.status_code == status
    assert not Membership.objects.filter(user__email="ana@example.test").exists()


def test_a_used_link_works_once(owner):
    path = link_path(invite(owner, "ana@example.test").json()["invitation"]["link"])
    sign_up(Client(), path)

    again = Client().get(path)

    assert again.status_code == 410 and "already been used" in again.content.decode()


def test_an_unknown_token_is_404_not_a_crash():
    page = Client().get("/accounts/invite/not-a-real-token/")

    assert page.status_code == 404 and "not valid" in page.content.decode()


def test_a_signed_in_user_with_the_invited_email_just_joins(owner):
    path = link_path(invite(owner, "late@example.test", Role.VIEWER).json()["invitation"]["link"])
    late = UserFactory(email="late@example.test")  # made an account after the invitation
    browser = Client()
    browser.force_login(late)

    response = browser.get(path)

    assert response.status_code == 302 and response["Location"] == "/app/"
    assert Membership.objects.get(workspace=owner.workspace, user=late).role == Role.VIEWER


def test_anyone_else_signed_in_is_told_the_link_is_for_another_account(owner):
    path = link_path(invite(owner, "ana@example.test").json()["invitation"]["link"])
    browser = Client()
    browser.force_login(UserFactory())

    response = browser.get(path)

    assert response.status_code == 403 and "another account" in response.content.decode()
    assert Invitation.objects.get().accepted_at is None


def test_an_anonymous_visitor_whose_address_has_an_account_is_asked_to_sign_in(owner):
    path = link_path(invite(owner, "late@example.test").json()["invitation"]["link"])
    late = UserFactory(email="late@example.test")

    page = Client().get(path)
    browser = Client()
    signed_in = browser.post(f"/accounts/login/?next={path}", {"username": late.username, "password": PASSWORD})

    assert page.status_code == 200 and "/accounts/login/?next=" in page.content.decode()
    assert signed_in["Location"] == path
    assert browser.get(path).status_code == 302
    assert Membership.objects.filter(workspace=owner.workspace, user=late).exists()


def test_a_known_email_or_username_becomes_a_member_at_once(owner):
    by_email = UserFactory(email="known@example.test")
    by_name = UserFactory(username="grace")

    first = invite(owner, "KNOWN@example.test", Role.BUILDER)
    second = owner.client.post(
        f"/api/workspaces/{owner.workspace.pk}/members/", {"username": "Grace", "role": "viewer"}, format="json"
    )

    assert first.status_code == 201 and first.json()["username"] == by_email.username
    assert second.status_code == 201 and second.json()["role"] == "viewer"
    assert {m.user for m in Membership.objects.filter(workspace=owner.workspace)} >= {by_email, by_name}
    assert not Invitation.objects.exists() and not mail.outbox


def test_inviting_a_member_again_is_already_member(owner, member_factory):
    colleague = member_factory(Role.VIEWER, workspace=owner.workspace)

    response = invite(owner, colleague.user.email)

    assert response.status_code == 409 and response.json()["error"]["code"] == "already_member"


def test_a_second_invitation_to_the_same_address_is_invitation_pending(owner):
    invite(owner, "ana@example.test")

    response = invite(owner, "ANA@example.test", Role.VIEWER)

    assert response.status_code == 409 and response.json()["error"]["code"] == "invitation_pending"


def test_an_expired_invitation_can_be_sent_again(owner):
    invite(owner, "ana@example.test")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))

    response = invite(owner, "ana@example.test")

    assert response.status_code == 201
    assert Invitation.objects.filter(revoked_at__isnull=True).count() == 1


def test_email_or_username_is_required_and_not_both(owner):
    url = f"/api/workspaces/{owner.workspace.pk}/members/"

    neither = owner.client.post(url, {"role": "viewer"}, format="json")
    both = owner.client.post(url, {"role": "viewer", "email": "a@example.test", "username": "a"}, format="json")

    assert neither.status_code == 400 and both.status_code == 400


def test_pending_invitations_are_listed_and_revoked(owner):
    invite(owner, "ana@example.test")
    invite(owner, "bo@example.test")
    url = f"/api/workspaces/{owner.workspace.pk}/invitations/"
    listed = owner.client.get(url).json()["results"]
    ana = next(i for i in listed if i["email"] == "ana@example.test")

    revoked = owner.client.delete(f"{url}{ana['id']}/")

    assert {i["email"] for i in listed} == {"ana@example.test", "bo@example.test"}
    assert "link" not in ana and ana["invited_by"] == owner.user.username
    assert revoked.status_code == 204
    assert [i["email"] for i in owner.client.get(url).json()["results"]] == ["bo@example.test"]


def test_a_mail_server_that_fails_still_gives_the_owner_the_link(owner, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there

    response = invite(owner, "ana@example.test")

    assert response.status_code == 201
    assert response.json()["invitation"]["email_sent"] is False
    assert response.json()["invitation"]["link"]


@pytest.mark.parametrize("role", [Role.BUILDER, Role.VIEWER, Role.ANNOTATOR])
def test_only_owners_invite_list_or_revoke(member_factory, owner, role):
    invite(owner, "ana@example.test")
    invitation = Invitation.objects.get()
    other = member_factory(role, workspace=owner.workspace)
    ws = owner.workspace.pk
    body = {"email": "x@example.test", "role": "owner"}

    answers = [
        other.client.post(f"/api/workspaces/{ws}/members/", body, format="json"),
        other.client.get(f"/api/workspaces/{ws}/invitations/"),
        other.client.delete(f"/api/workspaces/{ws}/invitations/{invitation.pk}/"),
    ]

    assert [a.status_code for a in answers] == [403, 403, 403]
    assert {a.json()["error"]["code"] for a in answers} == {"role_forbidden"}
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_another_workspaces_invitations_are_not_found(owner, outsider):
    invite(owner, "ana@example.test")
    invitation = Invitation.objects.get()

    mine = outsider.client.delete(f"/api/workspaces/{outsider.workspace.pk}/invitations/{invitation.pk}/")
    theirs = outsider.client.get(f"/api/workspaces/{owner.workspace.pk}/invitations/")

    assert mine.status_code == 404 and theirs.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
