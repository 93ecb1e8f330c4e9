"""Users in workspaces with roles, with an API client signed in as them."""

from __future__ import annotations

from dataclasses import dataclass

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
