"""Reads of the apps domain, always within one workspace."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.db.models import Max, Q, QuerySet

from builder.core.errors import InvalidInput, NotFound
from builder.flows.models import App, AppVersion

AppsAnnotation = Callable[[QuerySet[App]], QuerySet[App]]

_annotations: list[AppsAnnotation] = []


def apps_annotation_register(annotation: AppsAnnotation) -> None:
    """Called from a domain's ``ready()``: ``annotation(apps)`` adds what that domain knows of each
    app to every :func:`apps_of` query, as annotations of that same query (no query per app).

    Publishing adds what is live: ``live_labels`` (``[{"name", "version"}]`` or None),
    ``endpoint_enabled`` and ``draft_changed`` (None while the app was never published)."""
    if annotation not in _annotations:
        _annotations.append(annotation)


def apps_of(*, workspace, search: str = "") -> QuerySet[App]:
    apps = App.objects.filter(workspace=workspace).select_related("draft_updated_by")
    if search:
        apps = apps.filter(Q(name__icontains=search) | Q(description__icontains=search))
    apps = apps.annotate(latest_version=Max("versions__number"))
    for annotate in _annotations:
        apps = annotate(apps)
    return apps


_NUMBERED = re.compile(r"^(?P<base>.*?) \((?P<n>\d+)\)$")


def free_app_name(*, workspace, name: str, max_length: int = 120) -> str:
    """``name`` if no app of the workspace has it (ignoring case), else the first free
    ``"name (2)"``, ``"name (3)"`` …: what an imported app is called."""
    name = name.strip()[:max_length]
    match = _NUMBERED.match(name)
    base = match.group("base") if match else name
    taken = {n.casefold() for n in App.objects.filter(workspace=workspace, name__istartswith=base[:100])
             .values_list("name", flat=True)}
    if name.casefold() not in taken:
        return name
    number = 2
    while True:
        suffix = f" ({number})"
        candidate = base[: max_length - len(suffix)] + suffix
        if candidate.casefold() not in taken:
            return candidate
        number += 1


def app_get(*, workspace, app_id: int) -> App:
    app = apps_of(workspace=workspace).filter(pk=app_id).first()
    if app is None:
        raise NotFound("App not found.")
    return app


def versions_of(*, app: App) -> QuerySet[AppVersion]:
    return app.versions.select_related("created_by")


def version_get(*, app: App, number: int) -> AppVersion:
    version = versions_of(app=app).filter(number=number).first()
    if version is None:
        raise NotFound(f"Version {number} not found.", code="version_not_found")
    return version


def graph_at(*, app: App, ref: str) -> dict:
    """The graph of ``ref``: ``draft`` or a version number."""
    if ref == "draft":
        return app.draft
    try:
        number = int(ref)
    except (TypeError, ValueError):
        raise InvalidInput(f"{ref!r} is neither 'draft' nor a version number.", code="bad_version_ref") from None
    return version_get(app=app, number=number).graph
