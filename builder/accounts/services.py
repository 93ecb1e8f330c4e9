"""Writes of the accounts domain: workspaces, memberships, invitations, tokens, the session's workspace."""

from __future__ import annotations

import hashlib
import logging
import secrets
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from builder.accounts.models import AccessToken, Invitation, InvitationStatus, Membership, Role, User, Workspace
from builder.core.errors import ApplicationError, Conflict, InvalidInput, NotFound, PermissionDenied

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "llm_"
SESSION_WORKSPACE_KEY = "workspace_id"
INVITATION_LIFETIME = timedelta(days=7)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "workspace"
    slug, n = base, 1
    while Workspace.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def workspace_create(*, name: str, owner: User) -> Workspace:
    """Create a workspace; its creator becomes its owner."""
    name = name.strip()
    if not name:
        raise InvalidInput("A workspace needs a name.", code="workspace_name_required")
    workspace = Workspace.objects.create(name=name, slug=_unique_slug(name), created_by=owner)
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    return workspace


def workspace_rename(*, workspace: Workspace, name: str) -> Workspace:
    name = name.strip()
    if not name:
        raise InvalidInput("A workspace needs a name.", code="workspace_name_required")
    workspace.name = name
    workspace.save(update_fields=["name"])
    return workspace


def membership_add(*, workspace: Workspace, user: User, role: str) -> Membership:
    """Make an existing user a member with a role (already_member when they are one)."""
    try:
        with transaction.atomic():
            return Membership.objects.create(workspace=workspace, user=user, role=role)
    except IntegrityError as exc:
        raise Conflict(f"{user.username} is already a member of this workspace.", code="already_member") from exc


@dataclass(frozen=True)
class InviteResult:
    """What inviting did: a member added at once, or an invitation sent (its link shown once)."""

    membership: Membership | None = None
    invitation: Invitation | None = None
    link: str = ""
    email_sent: bool = False


def member_invite(
    *,
    workspace: Workspace,
    role: str,
    invited_by: User,
    link_for: Callable[[str], str],
    email: str = "",
    username: str = "",
) -> InviteResult:
    """Invite by e-mail or username. A known user (by username, or by e-mail) becomes a member at
    once; an unknown e-mail gets an invitation by mail. ``link_for`` turns a token into the link."""
    users = get_user_model().objects
    email, username = email.strip(), username.strip()
    if username:
        user = users.filter(username__iexact=username).first()
        if user is None:
            raise NotFound(f"No user is called {username!r}.", code="user_not_found")
        return InviteResult(membership=membership_add(workspace=workspace, user=user, role=role))
    if not email:
        raise InvalidInput("Give an e-mail address or a username.", code="invitee_required")
    user = users.filter(email__iexact=email).first()
    if user is not None:
        return InviteResult(membership=membership_add(workspace=workspace, user=user, role=role))
    invitation, raw = invitation_create(workspace=workspace, email=email, role=role, invited_by=invited_by)
    link = link_for(raw)
    return InviteResult(invitation=invitation, link=link, email_sent=invitation_send(invitation=invitation, link=link))


def invitation_create(*, workspace: Workspace, email: str, role: str, invited_by: User) -> tuple[Invitation, str]:
    """Create an invitation; returns it with its token, which is never stored. An expired
    invitation to the same address is withdrawn; a live one answers invitation_pending."""
    email = email.strip().lower()
    now = timezone.now()
    raw = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            Invitation.objects.filter(
                workspace=workspace, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True,
                expires_at__lte=now,
            ).update(revoked_at=now)
            invitation = Invitation.objects.create(
                workspace=workspace, email=email, role=role, token_hash=hash_secret(raw), invited_by=invited_by,
                expires_at=now + INVITATION_LIFETIME,
            )
    except IntegrityError as exc:
        raise Conflict(
            f"{email} has already been invited; revoke that invitation to send a new one.", code="invitation_pending"
        ) from exc
    return invitation, raw


def invitation_send(*, invitation: Invitation, link: str) -> bool:
    """Mail the invitation link. A mail server that fails is logged, not raised: the owner still
    has the link to pass on."""
    inviter = invitation.invited_by
    who = (inviter.get_full_name() or inviter.username) if inviter else "Someone"
    body = (
        f"{who} invited you to the workspace \"{invitation.workspace.name}\" on LLMOps Studio "
        f"as {invitation.get_role_display().lower()}.\n\n"
        f"Open this link to choose a username and a password and join:\n{link}\n\n"
        f"The link works once and expires on {invitation.expires_at:%Y-%m-%d %H:%M} UTC."
    )
    try:
        send_mail(
            f"You are invited to {invitation.workspace.name} on LLMOps Studio",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [invitation.email],
        )
    except (OSError, smtplib.SMTPException):
        logger.warning("Could not mail invitation %s to its address", invitation.pk, exc_info=True)
        return False
    return True


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def _ensure_open(invitation: Invitation) -> None:
    status = invitation.status_at(timezone.now())
    if status != InvitationStatus.PENDING:
        message = f"This invitation is {status.label.lower()}."
        raise ApplicationError(message, code=f"invitation_{status.value}", status=410)


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """The invited person joins with the invitation's role. Only the user with the invited
    e-mail may; someone already a member keeps their role."""
    invitation = Invitation.objects.select_for_update().select_related("workspace").get(pk=invitation.pk)
    _ensure_open(invitation)
    if (user.email or "").lower() != invitation.email.lower():
        raise PermissionDenied("This invitation is for another e-mail address.", code="invitation_other_email")
    membership, _ = Membership.objects.get_or_create(
        workspace=invitation.workspace, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def invitation_sign_up(*, invitation: Invitation, username: str, password: str) -> tuple[User, Membership]:
    """Create the invited person's account with the invitation's e-mail, then accept it. The
    caller has validated the username and the password."""
    _ensure_open(invitation)
    user = get_user_model().objects.create_user(username=username, email=invitation.email, password=password)
    return user, invitation_accept(invitation=invitation, user=user)


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str) -> Membership:
    if membership.role == Role.OWNER and role != Role.OWNER:
        _ensure_another_owner(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: Membership) -> None:
    """Remove a member; ``by`` is who does it: an owner, or the member themselves (leaving)."""
    if membership.pk != by.pk and not by.can("manage_members"):
        raise PermissionDenied(
            f"Your role ({by.role}) in this workspace does not allow this.", code="role_forbidden"
        )
    if membership.role == Role.OWNER:
        _ensure_another_owner(membership)
    membership.delete()


def _ensure_another_owner(membership: Membership) -> None:
    # Locks the owners: two owners demoting each other at once must not leave none.
    owners = Membership.objects.select_for_update().filter(workspace_id=membership.workspace_id, role=Role.OWNER)
    if not any(owner.pk != membership.pk for owner in owners):
        raise Conflict("A workspace must keep at least one owner.", code="last_owner")


def session_workspace_set(*, session, workspace: Workspace) -> None:
    """Remember the workspace the user is working in (the caller has checked membership)."""
    session[SESSION_WORKSPACE_KEY] = workspace.pk


def access_token_create(*, user: User, name: str) -> tuple[AccessToken, str]:
    """Create a token; returns it with its secret, which is shown once and never stored."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    raw = f"{TOKEN_PREFIX}{prefix}_{secret}"
    token = AccessToken.objects.create(
        user=user, name=name.strip() or "token", prefix=prefix, secret_hash=hash_secret(raw)
    )
    return token, raw


def access_token_revoke(*, token: AccessToken) -> AccessToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def access_token_touch(*, token: AccessToken) -> None:
    """Record use, at most once a minute per token (keeps reads cheap)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
