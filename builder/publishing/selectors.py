"""Reads of publishing, always within one workspace (the UI) or one key (the public gateway)."""

from __future__ import annotations

from django.db.models import QuerySet

from builder.core.errors import NotFound
from builder.flows.models import App
from builder.publishing.errors import LabelNotFound
from builder.publishing.models import PRODUCTION, ApiKey, ApiRun, Label, LabelMove, Publication
from builder.runs.models import Run


def labels_of(*, app: App) -> QuerySet[Label]:
    return Label.objects.filter(app=app).select_related("version", "updated_by")


def label_get(*, app: App, name: str) -> Label:
    label = labels_of(app=app).filter(name=name).first()
    if label is None:
        raise LabelNotFound(f"The app has no label {name!r}.")
    return label


def label_moves_of(*, app: App) -> QuerySet[LabelMove]:
    return LabelMove.objects.filter(app=app).select_related("moved_by")


def publication_of(*, app: App) -> Publication | None:
    return Publication.objects.filter(app=app).first()


def publishing_state(*, app: App) -> dict:
    """What the Publish panel shows at a glance."""
    publication = publication_of(app=app)
    production = labels_of(app=app).filter(name=PRODUCTION).first()
    latest = app.versions.order_by("-number").values_list("number", flat=True).first()
    return {
        "published": bool(publication and publication.enabled and production),
        "enabled": bool(publication and publication.enabled),
        "production_version": production.version.number if production else None,
        "latest_version": latest,
        "first_published_at": publication.first_published_at if publication else None,
    }


def api_keys_of(*, workspace, app: App | None = None) -> QuerySet[ApiKey]:
    keys = ApiKey.objects.filter(workspace=workspace).select_related("app", "created_by")
    return keys.filter(app=app) if app is not None else keys


def api_key_get(*, workspace, key_id: int) -> ApiKey:
    key = api_keys_of(workspace=workspace).filter(pk=key_id).first()
    if key is None:
        raise NotFound("API key not found.", code="api_key_not_found")
    return key


def api_runs_of(*, app: App) -> QuerySet[Run]:
    """The app's runs through the public endpoint, newest first, with their key and label."""
    return (
        Run.objects.filter(app=app, source__in=("api", "chat"))
        .select_related("version", "api", "api__api_key").order_by("-created_at")
    )


def api_run_of(*, run: Run) -> ApiRun | None:
    return ApiRun.objects.filter(run=run).first()
