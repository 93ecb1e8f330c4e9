"""A workspace's model providers."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Provider(models.Model):
    """A provider of a kind (``runtime/providers/kinds.toml``) that the workspace's runs can call
    by ``name``. The key is stored encrypted (:mod:`builder.providers.crypto`) and never returned."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="providers")
    name = models.CharField(max_length=50, help_text="What apps name: provider 'openai' → model 'gpt-4o'.")
    kind = models.CharField(max_length=40)
    kind_settings = models.JSONField(default=dict, blank=True, help_text="The values of its kind's fields.")
    base_url = models.CharField(max_length=500)
    key_encrypted = models.TextField(blank=True, default="")
    key_hint = models.CharField(max_length=8, blank=True, default="")
    catalog = models.JSONField(
        default=list, blank=True,
        help_text="The models it offers: [{name, input_per_million, output_per_million, currency}] "
                  "(no price: the default table).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="provider_name_unique_in_workspace")]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"

    def __repr__(self) -> str:
        return f"Provider(id={self.pk}, name={self.name!r}, kind={self.kind!r}, key=***)"
