"""Writes of the prompt library: create, edit and delete prompts, push immutable versions, move,
delete and roll back labels (every move audited)."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction

from builder.core.errors import InvalidInput
from builder.execution.providers import available_models
from builder.prompts.content import LABEL_PATTERN, NAME_PATTERN, normalized, template_check
from builder.prompts.errors import (
    LabelUnchanged,
    NothingToRollBack,
    PromptLabelNotFound,
    PromptNameTaken,
    PromptUnchanged,
    PromptVersionNotFound,
)
from builder.prompts.models import Prompt, PromptLabel, PromptLabelMove, PromptVersion
from builder.prompts.selectors import LATEST

MAX_TAGS = 20


def clean_name(name: str) -> str:
    name = name.strip()
    if not re.match(NAME_PATTERN, name):
        raise InvalidInput(
            "A prompt's name is 1–100 lower-case letters, digits, '-', '_' or '.', starting with a letter or "
            "digit (references use it: name@production).",
            code="prompt_name_invalid", details={"field": "name"},
        )
    return name


def _clean_tags(tags: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(t.strip() for t in tags if t.strip()))
    if len(cleaned) > MAX_TAGS or any(len(t) > 50 for t in cleaned):
        raise InvalidInput(f"At most {MAX_TAGS} tags of up to 50 characters.", code="tags_invalid",
                           details={"field": "tags"})
    return cleaned


@transaction.atomic
def prompt_create(*, workspace, user, name: str, description: str = "", tags: list[str] | None = None,
                  version: dict[str, Any] | None = None) -> tuple[Prompt, list[dict[str, Any]]]:
    """A new prompt (and its first version when ``version`` is given); returns its warnings."""
    try:
        with transaction.atomic():
            prompt = Prompt.objects.create(
                workspace=workspace, name=clean_name(name), description=description.strip(),
                tags=_clean_tags(tags or []), created_by=user,
            )
    except IntegrityError:
        raise PromptNameTaken(f"A prompt named {name.strip()!r} exists already.", details={"field": "name"}) from None
    warnings: list[dict[str, Any]] = []
    if version is not None:
        _, warnings = version_push(prompt=prompt, user=user, content=version)
    return prompt, warnings


def prompt_update(*, prompt: Prompt, name: str | None = None, description: str | None = None,
                  tags: list[str] | None = None) -> Prompt:
    """Rename (apps referring to the old name then say prompt_not_found), describe, tag."""
    if name is not None:
        prompt.name = clean_name(name)
    if description is not None:
        prompt.description = description.strip()
    if tags is not None:
        prompt.tags = _clean_tags(tags)
    try:
        with transaction.atomic():
            prompt.save()
    except IntegrityError:
        raise PromptNameTaken(f"A prompt named {prompt.name!r} exists already.", details={"field": "name"}) from None
    return prompt


def prompt_delete(*, prompt: Prompt) -> None:
    """Delete a prompt and its versions. Saved and published app versions keep working: they
    hold copies of the versions they pinned."""
    PromptLabel.objects.filter(prompt=prompt).delete()
    prompt.delete()


@transaction.atomic
def version_push(*, prompt: Prompt, user, content: dict[str, Any]) -> tuple[PromptVersion, list[dict[str, Any]]]:
    """The next version of ``prompt`` holding ``content`` (validated by
    :class:`~builder.prompts.content.VersionContent`), with its warnings. 400 ``template_invalid``
    for a template that does not compile; 409 ``prompt_unchanged`` when it is what the latest
    version holds already."""
    prompt = Prompt.objects.select_for_update().get(pk=prompt.pk)
    data = normalized(content)
    warnings = template_check(data["messages"], data["variables"]) + _model_warnings(prompt.workspace_id, data["model"])
    latest = prompt.versions.order_by("-number").first()
    if latest is not None and (latest.messages, latest.variables, latest.model) == (
        data["messages"], data["variables"], data["model"]
    ):
        raise PromptUnchanged(f"Nothing changed since version {latest.number}: no new version was made.")
    version = PromptVersion.objects.create(
        prompt=prompt, number=(latest.number + 1) if latest else 1, messages=data["messages"],
        variables=data["variables"], model=data["model"], commit_message=data["commit_message"][:500],
        created_by=user,
    )
    prompt.save(update_fields=["updated_at"])
    return version, warnings


def _model_warnings(workspace_id: int, model: dict[str, Any]) -> list[dict[str, Any]]:
    """A model apps of the workspace cannot call (the rule validation applies to nodes) is only a
    warning here: a version may be written before its provider is set up."""
    problem = available_models(workspace_id=workspace_id).check(str(model["provider"]), str(model["model"]))
    if problem is None:
        return []
    code, _, message = problem
    return [{"code": code.value, "field": "model", "message": message}]


def _clean_label(name: str) -> str:
    name = name.strip()
    if name == LATEST:
        raise InvalidInput("'latest' always points at the newest version: it cannot be moved.",
                           code="label_reserved", details={"field": "label"})
    if not re.match(LABEL_PATTERN, name):
        raise InvalidInput("A label is 1–40 lower-case letters, digits, '-' or '_', starting with a letter.",
                           code="label_invalid", details={"field": "label"})
    return name


@transaction.atomic
def label_set(*, prompt: Prompt, name: str, number: int, user,
              evidence: dict[str, Any] | None = None) -> tuple[PromptLabel, int | None]:
    """Point label ``name`` at version ``number`` (created if new); returns it and the number it
    left. Every move is audited, with ``evidence`` when another part of the product made it."""
    name = _clean_label(name)
    version = prompt.versions.filter(number=number).first()
    if version is None:
        raise PromptVersionNotFound(f"{prompt.name} has no version {number}.")
    label = PromptLabel.objects.select_for_update().select_related("version").filter(prompt=prompt, name=name).first()
    previous = label.version.number if label else None
    if previous == number:
        raise LabelUnchanged(f"{name} already points at version {number}.")
    if label is None:
        label = PromptLabel(prompt=prompt, name=name)
    label.version, label.updated_by = version, user
    label.save()
    PromptLabelMove.objects.create(prompt=prompt, label=name, from_number=previous, to_number=number, moved_by=user,
                                   evidence=evidence or {})
    return label, previous


@transaction.atomic
def label_delete(*, prompt: Prompt, name: str, user) -> None:
    label = PromptLabel.objects.select_for_update().select_related("version").filter(prompt=prompt, name=name).first()
    if label is None:
        raise PromptLabelNotFound(f"{prompt.name} has no label {name!r}.")
    PromptLabelMove.objects.create(prompt=prompt, label=name, from_number=label.version.number, to_number=None,
                                   moved_by=user)
    label.delete()


@transaction.atomic
def label_rollback(*, prompt: Prompt, name: str, user) -> tuple[PromptLabel, int | None]:
    """Move ``name`` back to the version it pointed at before its last move onto the current one
    (rolling back twice walks further back: v3 → v2 → v1)."""
    label = PromptLabel.objects.select_for_update().select_related("version").filter(prompt=prompt, name=name).first()
    if label is None:
        raise PromptLabelNotFound(f"{prompt.name} has no label {name!r}.")
    current = label.version.number
    previous = (
        PromptLabelMove.objects.filter(prompt=prompt, label=name, to_number=current, from_number__lt=current)
        .order_by("-moved_at", "-id").first()
    )
    if previous is None or previous.from_number is None or not prompt.versions.filter(
            number=previous.from_number).exists():
        raise NothingToRollBack(f"{name} has no earlier version to go back to.")
    return label_set(prompt=prompt, name=name, number=previous.from_number, user=user)


def next_free_name(*, workspace, name: str) -> str:
    """``name``, or ``name-2``, ``name-3`` … when taken (imports never overwrite a prompt)."""
    taken = set(Prompt.objects.filter(workspace=workspace, name__startswith=name).values_list("name", flat=True))
    if name not in taken:
        return name
    n = 2
    while f"{name}-{n}" in taken:
        n += 1
    return f"{name}-{n}"[:100]
