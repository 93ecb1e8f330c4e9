"""Writes of the accounts domain: workspaces, memberships, tokens, the session's workspace."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from builder.accounts.models import AccessToken, Membership, Role, User, Workspace
from builder.core.errors import Conflict, InvalidInput, NotFound

TOKEN_PREFIX = "llm_"
SESSION_WORKSPACE_KEY = "workspace_id"


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


def membership_add(*, workspace: Workspace, email: str, role: str) -> Membership:
    user = get_user_model().objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise NotFound(f"No user has the email address {email!r}.", code="user_not_found")
    try:
        with transaction.atomic():
            return Membership.objects.create(workspace=workspace, user=user, role=role)
    except IntegrityError as exc:
        raise Conflict(f"{email} is already a member of this workspace.", code="already_member") from exc


def membership_set_role(*, membership: Membership, role: str) -> Membership:
    if membership.role == Role.OWNER and role != Role.OWNER:
        _ensure_another_owner(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership: Membership) -> None:
    if membership.role == Role.OWNER:
        _ensure_another_owner(membership)
    membership.delete()


def _ensure_another_owner(membership: Membership) -> None:
    others = Membership.objects.filter(workspace_id=membership.workspace_id, role=Role.OWNER).exclude(
        pk=membership.pk
    )
    if not others.exists():
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
