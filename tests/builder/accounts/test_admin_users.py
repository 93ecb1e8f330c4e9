"""Users without an e-mail address: the operator account made at start has none, and adding more
users without one in the Django admin works (empty addresses are NULL, which never collide);
addresses that are given stay one per user."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from builder.studio.admin_account import admin_ensure
from tests.factories import UserFactory

User = get_user_model()
PASSWORD = "a long enough pass phrase 42"


def operator_client() -> Client:
    """A fresh install: the operator account made at start, logged in to the admin."""
    login = admin_ensure()
    client = Client()
    client.force_login(User.objects.get(username=login.username))
    return client


def add_user(client: Client, username: str):
    """The admin's add-user form as an operator fills it in (it asks for no e-mail)."""
    return client.post("/admin/accounts/user/add/", {
        "username": username, "usable_password": "true", "password1": PASSWORD, "password2": PASSWORD})


@pytest.mark.django_db
def test_the_admin_adds_users_without_an_email_on_a_fresh_install():
    client = operator_client()

    first = add_user(client, "ann")
    second = add_user(client, "bob")

    assert (first.status_code, second.status_code) == (302, 302)
    assert list(User.objects.order_by("username").values_list("username", "email")) == [
        ("admin", None), ("ann", None), ("bob", None)]


@pytest.mark.django_db
def test_an_email_can_be_cleared_in_the_admin_and_a_given_one_stays_one_users():
    client = operator_client()
    UserFactory(username="dee", email="dee@example.test")
    user = UserFactory(username="cy")
    form = {"username": "cy", "first_name": "", "last_name": "", "is_active": "on",
            "date_joined_0": "2026-01-01", "date_joined_1": "10:00:00"}

    cleared = client.post(f"/admin/accounts/user/{user.pk}/change/", {**form, "email": ""})
    taken = client.post(f"/admin/accounts/user/{user.pk}/change/", {**form, "email": "dee@example.test"})

    assert cleared.status_code == 302
    assert taken.status_code == 200 and "already exists" in taken.content.decode()
    user.refresh_from_db()
    assert user.email is None


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_existing_empty_emails_into_null():
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0001_initial")])
    old_user = executor.loader.project_state([("accounts", "0001_initial")]).apps.get_model("accounts", "User")
    old_user.objects.create(username="operator", email="", password="!")
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    finally:
        executor.loader.build_graph()

    User.objects.create_user(username="someone")
    assert dict(User.objects.values_list("username", "email")) == {"operator": None, "someone": None}
