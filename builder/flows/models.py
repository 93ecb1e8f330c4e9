"""Apps drawn as node graphs: a mutable draft (optimistically locked) and immutable versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class App(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="apps")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140)
    description = models.TextField(blank=True, default="")
    draft = models.JSONField(help_text="The graph being edited (runtime GraphSpec JSON).")
    draft_revision = models.PositiveIntegerField(default=1)
    draft_updated_at = models.DateTimeField(auto_now_add=True)
    draft_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["workspace", "slug"], name="app_slug_unique_in_workspace")]

    def __str__(self) -> str:
        return self.name


class VersionKind(models.TextChoices):
    SAVED = "saved", "Saved"
    BACKUP = "backup", "Backup before a restore"


class ImmutableVersion(Exception):
    pass


class AppVersion(models.Model):
    """A snapshot of an app's graph. Never changes once written."""

    app = models.ForeignKey(App, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=VersionKind.choices, default=VersionKind.SAVED)
    message = models.CharField(max_length=500, blank=True, default="")
    graph = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["app", "number"], name="version_number_unique_in_app")]

    def __str__(self) -> str:
        return f"{self.app} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableVersion(f"version {self.number} of {self.app_id} is immutable")
        super().save(*args, **kwargs)
