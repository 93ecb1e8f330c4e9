"""Reads of publishing, always within one workspace (the UI) or one key (the public gateway)."""

from __future__ import annotations

from dataclasses import dataclass

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
    """The app's runs through the public endpoint and its web chat, newest first, with their key and
    label."""
    return (
        Run.objects.filter(app=app, source__in=("api", "chat", "web"))
        .select_related("version", "api", "api__api_key").order_by("-created_at")
    )


def api_run_of(*, run: Run) -> ApiRun | None:
    return ApiRun.objects.filter(run=run).first()


def web_chat_state(*, app: App) -> dict:
    """What the Share tab shows: whether the chat can be on (the app is published), whether it is,
    its link's token and its rate limit."""
    publication = publication_of(app=app)
    has_production = labels_of(app=app).filter(name=PRODUCTION).exists()
    return {
        "available": bool(publication and has_production),
        "endpoint_enabled": bool(publication and publication.enabled),
        "enabled": bool(publication and publication.web_chat_enabled),
        "token": publication.web_chat_token if publication else None,
        "rate_limit_per_minute": publication.web_chat_rate_limit_per_minute if publication else None,
    }


@dataclass(frozen=True, slots=True)
class SharedChat:
    """The app behind a web chat link."""

    publication_id: int
    workspace_id: int
    app_id: int
    slug: str
    name: str
    description: str
    rate_limit_per_minute: int | None


def shared_chat_by_token(*, token: str) -> SharedChat | None:
    """The app a web chat link serves, or None: the link must be current (not rotated away), its
    chat on, and the app's endpoint on with a production version."""
    if not token or len(token) > 64:
        return None
    row = (
        Publication.objects.filter(web_chat_token=token, web_chat_enabled=True, enabled=True,
                                   app__labels__name=PRODUCTION)
        .values("id", "app_id", "app__workspace_id", "app__slug", "app__name", "app__description",
                "web_chat_rate_limit_per_minute")
        .first()
    )
    if row is None:
        return None
    return SharedChat(row["id"], row["app__workspace_id"], row["app_id"], row["app__slug"], row["app__name"],
                      row["app__description"], row["web_chat_rate_limit_per_minute"])
