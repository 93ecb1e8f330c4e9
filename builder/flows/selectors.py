"""Reads of the apps domain, always within one workspace."""

from __future__ import annotations

from django.db.models import Max, Q, QuerySet

from builder.core.errors import InvalidInput, NotFound
from builder.flows.models import App, AppVersion


def apps_of(*, workspace, search: str = "") -> QuerySet[App]:
    apps = App.objects.filter(workspace=workspace).select_related("draft_updated_by")
    if search:
        apps = apps.filter(Q(name__icontains=search) | Q(description__icontains=search))
    return apps.annotate(latest_version=Max("versions__number"))


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
