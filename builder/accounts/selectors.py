"""Reads of the accounts domain. Workspace-scoped reads answer NotFound for non-members: another
workspace's objects are never distinguishable from objects that don't exist."""

from __future__ import annotations

import hmac

from django.db.models import QuerySet
from django.utils import timezone

from builder.accounts.models import AccessToken, Invitation, Membership, User, Workspace
from builder.accounts.services import SESSION_WORKSPACE_KEY, TOKEN_PREFIX, hash_secret
from builder.core.errors import NotFound


def memberships_of(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("workspace").order_by("workspace__name")


def membership_get(*, user: User, workspace_id: int | str) -> Membership:
    """The user's membership of a workspace, or NotFound (also for workspaces that exist)."""
    try:
        pk = int(workspace_id)
    except (TypeError, ValueError):
        raise NotFound("Workspace not found.") from None
    membership = Membership.objects.select_related("workspace").filter(user=user, workspace_id=pk).first()
    if membership is None:
        raise NotFound("Workspace not found.")
    return membership


def workspace_members(*, workspace: Workspace) -> QuerySet[Membership]:
    return Membership.objects.filter(workspace=workspace).select_related("user").order_by("user__username")


def member_get(*, workspace: Workspace, membership_id: int) -> Membership:
    membership = workspace_members(workspace=workspace).filter(pk=membership_id).first()
    if membership is None:
        raise NotFound("Member not found.")
    return membership


def user_with_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def invitations_pending(*, workspace: Workspace) -> QuerySet[Invitation]:
    """Invitations not yet accepted, revoked or expired, newest first."""
    return Invitation.objects.filter(
        workspace=workspace, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("invited_by")


def invitation_get(*, workspace: Workspace, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.filter(workspace=workspace, pk=invitation_id).first()
    if invitation is None:
        raise NotFound("Invitation not found.")
    return invitation


def invitation_by_token(raw: str) -> Invitation | None:
    """The invitation a link's token opens, whatever its state, or None."""
    return Invitation.objects.select_related("workspace", "invited_by").filter(token_hash=hash_secret(raw)).first()


def session_membership(*, user: User, session) -> Membership | None:
    """The membership of the workspace the user last chose, else their first one."""
    memberships = memberships_of(user=user)
    chosen = session.get(SESSION_WORKSPACE_KEY)
    if chosen is not None:
        membership = memberships.filter(workspace_id=chosen).first()
        if membership is not None:
            return membership
    return memberships.first()


def access_tokens_of(*, user: User) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(user=user)


def access_token_get(*, user: User, token_id: int) -> AccessToken:
    token = access_tokens_of(user=user).filter(pk=token_id).first()
    if token is None:
        raise NotFound("Token not found.")
    return token


def access_token_authenticate(raw: str) -> AccessToken | None:
    """The live token matching a presented secret, or None. Compares hashes in constant time."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    prefix = raw[len(TOKEN_PREFIX) :].split("_", 1)[0]
    token = AccessToken.objects.select_related("user").filter(prefix=prefix, revoked_at__isnull=True).first()
    if token is None or not hmac.compare_digest(token.secret_hash, hash_secret(raw)):
        return None
    if not token.user.is_active:
        return None
    return token
