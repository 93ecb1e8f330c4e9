"""A workspace's prompts, their immutable versions, the labels pointing at versions and every move
of a label."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Prompt(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="prompts")
    name = models.CharField(max_length=100, help_text="What references use: name@production, name@v3.")
    description = models.TextField(blank=True, default="")
    tags = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="prompt_name_unique_in_workspace")]

    def __str__(self) -> str:
        return self.name


class ImmutableVersion(Exception):
    pass


class PromptVersion(models.Model):
    """One version of a prompt. Never changes once written."""

    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    messages = models.JSONField(help_text="[{role, template}]: system, user and assistant (few-shot) messages.")
    variables = models.JSONField(default=list, help_text="[{name, type, description, default, choices}]")
    model = models.JSONField(default=dict, help_text="{provider, model, temperature, top_p, max_tokens, stop, seed, "
                                                     "json_mode, response_schema}")
    commit_message = models.CharField(max_length=500, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["prompt", "number"], name="prompt_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.prompt_id} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableVersion(f"version {self.number} of prompt {self.prompt_id} is immutable")
        super().save(*args, **kwargs)


class PromptLabel(models.Model):
    """A movable name (production, staging, custom) for one version. ``latest`` is not stored: it
    is always the highest number."""

    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="labels")
    name = models.CharField(max_length=40)
    version = models.ForeignKey(PromptVersion, on_delete=models.RESTRICT, related_name="labels")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["prompt", "name"], name="prompt_label_unique")]


class PromptLabelMove(models.Model):
    """The audit list: who moved which label, when, from which version number to which (None:
    created / deleted)."""

    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="label_moves")
    label = models.CharField(max_length=40)
    from_number = models.PositiveIntegerField(null=True, blank=True)
    to_number = models.PositiveIntegerField(null=True, blank=True)
    evidence = models.JSONField(
        default=dict, blank=True,
        help_text="Where the move came from when another part of the product made it (an experiment: "
                  "its id, name and the variant), so a version's history links to its evidence; else empty.",
    )
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-moved_at", "-id"]
