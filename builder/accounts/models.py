"""Users, workspaces, memberships with roles, and personal access tokens for scripts.

Every domain object of the platform belongs to a :class:`Workspace`; a user reaches it only
through a :class:`Membership`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


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
# listed so that a later domain can grant e.g. annotation to annotators but not building.
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset({"view", "annotate", "build", "run", "manage_members", "manage_workspace"}),
    Role.BUILDER: frozenset({"view", "annotate", "build", "run"}),
    Role.ANNOTATOR: frozenset({"view", "annotate"}),
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
