"""Reads of the prompt library, always within one workspace, and the references apps use:
``name@label``, ``name@latest``, ``name@v3``, ``name`` (its latest version)."""

from __future__ import annotations

import re

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from builder.core.errors import NotFound
from builder.prompts.errors import PromptLabelNotFound, PromptNotFound, PromptVersionNotFound
from builder.prompts.models import Prompt, PromptLabel, PromptLabelMove, PromptVersion

LATEST = "latest"
_VERSION_SELECTOR = re.compile(r"^v?(\d{1,9})$")


def prompts_list(*, workspace, query: str = "", tag: str = "") -> QuerySet[Prompt]:
    prompts = Prompt.objects.filter(workspace=workspace).annotate(
        version_count=Count("versions", distinct=True), latest_number=Max("versions__number"),
    ).prefetch_related(Prefetch("labels", queryset=PromptLabel.objects.select_related("version")))
    if query:
        prompts = prompts.filter(Q(name__icontains=query) | Q(description__icontains=query))
    if tag:
        prompts = prompts.filter(tags__contains=[tag])
    return prompts


def prompt_get(*, workspace, prompt_id: int) -> Prompt:
    prompt = prompts_list(workspace=workspace).filter(pk=prompt_id).first()
    if prompt is None:
        raise NotFound("There is no such prompt in this workspace.")
    return prompt


def versions_of(*, prompt: Prompt) -> QuerySet[PromptVersion]:
    return prompt.versions.select_related("created_by").prefetch_related("labels")


def version_get(*, prompt: Prompt, number: int) -> PromptVersion:
    version = versions_of(prompt=prompt).filter(number=number).first()
    if version is None:
        raise PromptVersionNotFound(f"{prompt.name} has no version {number}.")
    return version


def latest_version(*, prompt: Prompt) -> PromptVersion | None:
    return versions_of(prompt=prompt).order_by("-number").first()


def label_moves_of(*, prompt: Prompt) -> QuerySet[PromptLabelMove]:
    return prompt.label_moves.select_related("moved_by")


def prompt_resolve(*, workspace_id: int, ref: str) -> PromptVersion:
    """The version ``ref`` names now. 404 ``prompt_not_found``, ``prompt_version_not_found`` or
    ``prompt_label_not_found``, each saying what was asked for."""
    name, _, selector = ref.strip().partition("@")
    selector = selector.strip() or LATEST
    prompt = Prompt.objects.filter(workspace_id=workspace_id, name=name.strip()).first()
    if prompt is None:
        raise PromptNotFound(f"There is no prompt {name.strip()!r} in the library.")
    versions = PromptVersion.objects.select_related("prompt").filter(prompt=prompt)
    if selector == LATEST:
        version = versions.order_by("-number").first()
        if version is None:
            raise PromptVersionNotFound(f"The prompt {prompt.name!r} has no version yet.")
        return version
    number = _VERSION_SELECTOR.match(selector)
    if number and selector.startswith("v"):
        version = versions.filter(number=int(number.group(1))).first()
        if version is None:
            raise PromptVersionNotFound(f"The prompt {prompt.name!r} has no version {number.group(1)}.")
        return version
    label = PromptLabel.objects.select_related("version__prompt").filter(prompt=prompt, name=selector).first()
    if label is None:
        raise PromptLabelNotFound(f"The prompt {prompt.name!r} has no label {selector!r}.")
    return label.version
