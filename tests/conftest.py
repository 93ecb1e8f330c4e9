"""Shared fixtures: users in workspaces with roles, API clients, and the two-workspace setup that
isolation tests use."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from builder.accounts.models import Membership, Role, User, Workspace
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory


@dataclass
class Member:
    user: User
    workspace: Workspace
    membership: Membership
    client: APIClient


def make_member(role: str = Role.OWNER, workspace: Workspace | None = None) -> Member:
    user = UserFactory()
    workspace = workspace or WorkspaceFactory()
    membership = MembershipFactory(user=user, workspace=workspace, role=role)
    client = APIClient()
    client.force_authenticate(user)
    return Member(user, workspace, membership, client)


@pytest.fixture
def member_factory(db):
    return make_member


@pytest.fixture
def owner(db) -> Member:
    return make_member(Role.OWNER)


@pytest.fixture
def outsider(db) -> Member:
    """An owner of another workspace: must never see or touch the first workspace's objects."""
    return make_member(Role.OWNER)
