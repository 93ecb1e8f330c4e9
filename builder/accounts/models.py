"""Users, workspaces, memberships with roles, invitations, and personal access tokens for scripts.

Every domain object of the platform belongs to a :class:`Workspace`; a user reaches it only
through a :class:`Membership`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower


class User(AbstractUser):
    """A person. An e-mail address belongs to one user; a user without one has NULL (never ``""``:
    empty strings would collide under the unique constraint, NULLs do not), whoever writes the
    user — the admin's forms, ``create_user``/``create_superuser`` (which turn a missing address
    into ``""``), the operator account made at start."""

    email = models.EmailField("email address", unique=True, null=True, blank=True)

    class Meta(AbstractUser.Meta):
        constraints = [models.CheckConstraint(condition=~models.Q(email=""), name="user_email_null_not_empty")]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        self.email = self.email or None

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email or None
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    BUILDER = "builder", "Builder"
    ANNOTATOR = "annotator", "Annotator"
    VIEWER = "viewer", "Viewer"


# What each role may do, from most to least. A role includes nothing implicitly: capabilities are
# listed so that a domain can grant annotation to annotators without building — annotators lack
# even "view": they reach the annotation queues and nothing of the builder.
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset(
        {"view", "annotate", "build", "run", "manage_members", "manage_workspace", "adjudicate"}
    ),
    Role.BUILDER: frozenset({"view", "annotate", "build", "run"}),
    Role.ANNOTATOR: frozenset({"annotate"}),
    Role.VIEWER: frozenset({"view"}),
}


class Workspace(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_user")]
        ordering = ["workspace_id", "user_id"]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.role})"

    def can(self, capability: str) -> bool:
        return capability in ROLE_CAPABILITIES[self.role]


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class Invitation(models.Model):
    """An invitation of an e-mail address into a workspace with a role, for people without an account.

    The link's token is shown once (in the e-mail and to the owner who invited); only its SHA-256
    is stored. One pending invitation per address and workspace."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.workspace} ({self.role})"

    def status_at(self, now: datetime) -> InvitationStatus:
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        if self.expires_at <= now:
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING


class AccessToken(models.Model):
    """A personal token for scripts. Only a SHA-256 of the secret is stored; the prefix stays visible."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(max_length=120)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
