"""Prompts as YAML files: every version (messages, variables, model, commit message) and the labels,
never who wrote them. An import checks each version as a push does and never overwrites: a name
that is taken gets ``-2``, ``-3`` …"""

from __future__ import annotations

import re
from typing import Any

import yaml
from django.db import transaction
from rest_framework import serializers

from builder.core.yamlfiles import load_user_yaml
from builder.prompts.content import LABEL_PATTERN, VersionContent
from builder.prompts.errors import PromptFileInvalid
from builder.prompts.models import Prompt
from builder.prompts.services import label_set, next_free_name, prompt_create, version_push

FORMAT = "llmops-prompt/v1"
MAX_FILE_BYTES = 5 * 1024 * 1024


def prompt_export(prompt: Prompt) -> str:
    versions = prompt.versions.order_by("number")
    document = {
        "format": FORMAT,
        "name": prompt.name,
        "description": prompt.description,
        "tags": list(prompt.tags),
        "versions": [
            {"number": v.number, "commit_message": v.commit_message, "messages": v.messages,
             "variables": v.variables, "model": v.model}
            for v in versions
        ],
        "labels": {label.name: label.version.number for label in prompt.labels.select_related("version")},
    }
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


class _FileShape(serializers.Serializer):
    format = serializers.CharField(required=False, default=FORMAT)
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, default=list)
    versions = serializers.ListField(child=serializers.DictField(), allow_empty=False, max_length=1000)
    labels = serializers.DictField(child=serializers.IntegerField(min_value=1), required=False, default=dict)


def parse_prompt_file(text: str | bytes) -> dict[str, Any]:
    """The file's content checked: 400 ``prompt_file_invalid`` saying what is wrong."""
    if len(text) > MAX_FILE_BYTES:
        raise PromptFileInvalid("The file is larger than 5 MB.")
    try:
        document = load_user_yaml(text)
    except yaml.YAMLError as exc:
        raise PromptFileInvalid(f"The file is not valid YAML: {str(exc).splitlines()[0]}") from None
    shape = _FileShape(data=document if isinstance(document, dict) else None)
    if not isinstance(document, dict) or not shape.is_valid():
        errors = shape.errors if isinstance(document, dict) else None
        raise PromptFileInvalid("The file is not a prompt export.", details=errors)
    data = dict(shape.validated_data)
    if data["format"] != FORMAT:
        raise PromptFileInvalid(f"Unknown format {data['format']!r}: this platform reads {FORMAT}.")
    contents = []
    for i, raw in enumerate(data["versions"]):
        version = VersionContent(data=raw)
        if not version.is_valid():
            raise PromptFileInvalid(
                f"Version {i + 1} of the file is not valid.", details={"versions": {i: version.errors}}
            )
        contents.append((raw.get("number", i + 1), dict(version.validated_data)))
    data["versions"] = contents
    for label in data["labels"]:
        if not isinstance(label, str) or not re.match(LABEL_PATTERN, label) or label == "latest":
            raise PromptFileInvalid(f"Label {label!r} is not a valid label name.")
    return data


@transaction.atomic
def prompt_import(*, workspace, user, text: str | bytes) -> tuple[Prompt, list[dict[str, Any]]]:
    """Create the prompt of an exported file with all its versions (renumbered from 1 in file
    order) and its labels; returns it and the warnings of its versions."""
    data = parse_prompt_file(text)
    name = next_free_name(workspace=workspace, name=data["name"].strip())
    prompt, warnings = prompt_create(workspace=workspace, user=user, name=name, description=data["description"],
                                     tags=data["tags"])
    numbers: dict[int, int] = {}
    for file_number, content in data["versions"]:
        version, version_warnings = version_push(prompt=prompt, user=user, content=content)
        numbers[int(file_number)] = version.number
        warnings += [{**w, "version": version.number} for w in version_warnings]
    for label, file_number in data["labels"].items():
        if file_number not in numbers:
            raise PromptFileInvalid(f"Label {label!r} points at version {file_number}, which the file does not have.")
        label_set(prompt=prompt, name=label, number=numbers[file_number], user=user)
    return prompt, warnings
