"""The run list's filters: read from a query string, checked, and kept as a typed value that the
selectors apply. A bad value is refused (400 ``invalid_filter``) rather than silently ignored, so a
shared link never shows a list that is not what it says."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import QueryDict
from rest_framework import serializers

from builder.runs.errors import RunFilterInvalid
from builder.runs.models import RunSource, RunStatus

DRAFT = "draft"
"""``version=draft``: runs of the draft (debug and single-node runs), which have no version."""

MULTI_VALUED = ("status", "source")


@dataclass(frozen=True)
class RunFilters:
    app_id: int | None = None
    version: int | str | None = None
    statuses: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    key_id: int | None = None
    label: str = ""
    since: datetime | None = None
    until: datetime | None = None
    run_id: str = ""
    """A run id or the start of one (what a person copies from a log line)."""


class RunFilterInput(serializers.Serializer):
    """The query parameters of ``GET /api/workspaces/<ws>/runs/`` (besides ``limit`` and ``offset``)."""

    app = serializers.IntegerField(required=False, min_value=1, help_text="An app id.")
    version = serializers.CharField(
        required=False, max_length=10, help_text="A version number of `app`, or `draft` for runs of the draft."
    )
    status = serializers.ListField(
        child=serializers.ChoiceField(choices=RunStatus.choices), required=False,
        help_text="One or several, repeated or comma-separated: `status=failed,cancelled`.",
    )
    source = serializers.ListField(
        child=serializers.ChoiceField(choices=RunSource.choices), required=False,
        help_text="One or several, repeated or comma-separated.",
    )
    key = serializers.IntegerField(required=False, min_value=1, help_text="An API key id.")
    label = serializers.SlugField(required=False, max_length=40, help_text="The label an API call went through.")
    since = serializers.DateTimeField(required=False, help_text="ISO 8601; runs created at or after it.")
    until = serializers.DateTimeField(required=False, help_text="ISO 8601; runs created before it.")
    q = serializers.RegexField(
        r"^[0-9a-fA-F-]{1,36}$", required=False, help_text="A run id or its first characters.",
        error_messages={"invalid": "A run id has only hex digits and dashes."},
    )

    def validate_version(self, value: str) -> int | str:
        if value == DRAFT:
            return DRAFT
        if not value.isdigit() or int(value) < 1:
            raise serializers.ValidationError("A version number (1, 2, …) or 'draft'.")
        return int(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "version" in attrs and "app" not in attrs:
            raise serializers.ValidationError({"version": ["A version needs an app: add app=<id>."]})
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since >= until:
            raise serializers.ValidationError({"until": ["'until' must be later than 'since'."]})
        return attrs


def _query_data(params: QueryDict) -> dict[str, Any]:
    """The filter parameters present and not empty (``?status=`` means no status filter)."""
    data: dict[str, Any] = {}
    for name in RunFilterInput().fields:
        if name in MULTI_VALUED:
            values = [v.strip() for raw in params.getlist(name) for v in raw.split(",") if v.strip()]
            if values:
                data[name] = values
        elif value := params.get(name, "").strip():
            data[name] = value
    return data


def _messages(errors: Any) -> list[str]:
    """DRF's nested error structure (lists, dicts keyed by list index) as flat messages."""
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in _messages(value)]
    if isinstance(errors, list):
        return [m for value in errors for m in _messages(value)]
    return [str(errors)]


def run_filters_from_query(params: QueryDict) -> RunFilters:
    """The filters of a query string; raises :class:`RunFilterInvalid` with each bad field's messages."""
    data = RunFilterInput(data=_query_data(params))
    if not data.is_valid():
        details = {name: _messages(errors) for name, errors in data.errors.items()}
        fields = ", ".join(sorted(n for n in details if n != "non_field_errors")) or "filters"
        raise RunFilterInvalid(f"Invalid run filter: {fields}.", details=details)
    v = data.validated_data
    return RunFilters(
        app_id=v.get("app"), version=v.get("version"), statuses=tuple(dict.fromkeys(v.get("status", []))),
        sources=tuple(dict.fromkeys(v.get("source", []))), key_id=v.get("key"), label=v.get("label", ""),
        since=v.get("since"), until=v.get("until"), run_id=v.get("q", "").lower(),
    )


def full_run_id(prefix: str) -> uuid.UUID | None:
    """The UUID when ``prefix`` is a whole run id (an exact, indexed match), else None."""
    try:
        return uuid.UUID(prefix) if len(prefix.replace("-", "")) == 32 else None
    except ValueError:
        return None
