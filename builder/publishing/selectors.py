"""Reads of publishing, always within one workspace (the UI) or one key (the public gateway)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.aggregates import JSONBAgg
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    JSONField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import JSONObject

from builder.core.errors import NotFound
from builder.flows.models import App, AppVersion
from builder.flows.prompt_links import prompt_uses
from builder.publishing.errors import AppNotPublished, LabelNotFound
from builder.publishing.models import PRODUCTION, ApiKey, ApiRun, Label, LabelArm, LabelMove, Publication
from builder.runs.models import Run


def labels_of(*, app: App) -> QuerySet[Label]:
    """The app's labels with their versions and splits (``arms``, by version number)."""
    return Label.objects.filter(app=app).select_related("version", "updated_by").prefetch_related(
        Prefetch("arms", queryset=LabelArm.objects.select_related("version").order_by("version__number"))
    )


def label_get(*, app: App, name: str) -> Label:
    label = labels_of(app=app).filter(name=name).first()
    if label is None:
        raise LabelNotFound(f"The app has no label {name!r}.")
    return label


def label_splits(*, app_id: int) -> dict[str, list[dict[str, int]]]:
    """Per split label of the app, its arms by version number: ``{"production": [{"version_id",
    "number", "weight"}, …]}``; empty when no label is split. (The monitoring pages compare arms.)"""
    splits: dict[str, list[dict[str, int]]] = {}
    rows = (
        LabelArm.objects.filter(label__app_id=app_id).order_by("label__name", "version__number")
        .values_list("label__name", "version_id", "version__number", "weight")
    )
    for name, version_id, number, weight in rows:
        splits.setdefault(name, []).append({"version_id": version_id, "number": number, "weight": weight})
    return splits


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
        "prompts": [
            use.to_dict() for use in prompt_uses(production.version.graph, workspace_id=app.workspace_id)
        ] if production else [],
    }


def apps_with_live_state(apps: QuerySet[App]) -> QuerySet[App]:
    """``apps`` annotated with what is live, within the same query (one row per app, no query per
    app): ``live_labels`` ``[{"name", "version"}]`` by name, ``endpoint_enabled`` and
    ``draft_changed`` (the draft's graph is not the production version's, compared as stored
    JSON); all three None while the app has no production version (never published)."""
    labels = (
        Label.objects.filter(app=OuterRef("pk")).order_by().values("app")
        .annotate(all=JSONBAgg(JSONObject(name="name", version="version__number"), order_by="name"))
        .values("all")
    )
    production = Label.objects.filter(app=OuterRef("pk"), name=PRODUCTION)
    published = Exists(production)
    return apps.annotate(
        live_labels=Case(When(published, then=Subquery(labels)), default=None, output_field=JSONField()),
        endpoint_enabled=Case(
            When(published, then=Subquery(Publication.objects.filter(app=OuterRef("pk")).values("enabled")[:1])),
            default=None, output_field=BooleanField(null=True),
        ),
        draft_changed=Case(
            When(Exists(production.filter(version__graph=OuterRef("draft"))), then=Value(False)),
            When(published, then=Value(True)),
            default=None, output_field=BooleanField(null=True),
        ),
    )


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


_CHAT_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")  # secrets.token_urlsafe, within the column's 64


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
    if not _CHAT_TOKEN.fullmatch(token):  # what a link can hold; also keeps NUL and the like from the query
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


# --- the public gateway's reads (called on its database threads) -----------------------------


def active_key_by_hash(*, secret_hash: str) -> dict[str, Any] | None:
    """The key with this secret's hash, unless revoked: id, prefix, workspace, app, scope, limit."""
    return (
        ApiKey.objects.filter(secret_hash=secret_hash, revoked_at__isnull=True)
        .values("id", "prefix", "workspace_id", "app_id", "scope", "rate_limit_per_minute").first()
    )


def endpoint_off(slug: str) -> AppNotPublished:
    """What every key-authenticated ``/v1`` route answers for an app whose endpoint is turned off:
    404 ``app_not_found``, the code of an unknown app, with a message that says why."""
    return AppNotPublished(f"The endpoint of {slug!r} is turned off.")


@dataclass(frozen=True, slots=True)
class VersionRef:
    """What a call names: the app, the label (empty for a pinned version), the version the label
    serves, and its split — ``(version id, weight)`` per arm by version number, empty when the
    label serves one version (and always for a pinned version)."""

    app_id: int
    version_id: int
    label: str
    arms: tuple[tuple[int, int], ...] = ()


def published_version_ref(*, workspace_id: int, slug: str, label: str | None, number: int | None) -> VersionRef:
    """The app, version and split that a call names, or a not-found error; the endpoint must be on."""
    app = App.objects.filter(workspace_id=workspace_id, slug=slug).values("id", "publication__enabled").first()
    if app is None or app["publication__enabled"] is None:
        raise AppNotPublished(f"No published app {slug!r} in this workspace.")
    if not app["publication__enabled"]:
        raise endpoint_off(slug)
    if number is not None:
        version_id = AppVersion.objects.filter(app_id=app["id"], number=number).values_list("id", flat=True).first()
        if version_id is None:
            raise AppNotPublished(f"{slug} has no version {number}.", code="version_not_found")
        return VersionRef(app["id"], version_id, "")
    name = label or PRODUCTION
    # One query: the label's version with one row per arm (one row of None without a split).
    rows = list(
        Label.objects.filter(app_id=app["id"], name=name).order_by("arms__version__number")
        .values_list("version_id", "arms__version_id", "arms__weight")
    )
    if not rows:
        raise LabelNotFound(f"{slug} has no label {name!r}.")
    arms = tuple((arm, weight) for _, arm, weight in rows if arm is not None)
    return VersionRef(app["id"], rows[0][0], name, arms)


def endpoint_enabled(*, app_id: int) -> bool:
    """Whether the app's endpoint is on: runs of an app whose endpoint is off are not read through
    it either."""
    return Publication.objects.filter(app_id=app_id, enabled=True).exists()


def app_version_by_id(*, version_id: int) -> AppVersion:
    return AppVersion.objects.get(pk=version_id)


def published_apps(*, workspace_id: int, app_id: int | None) -> list[dict[str, Any]]:
    """Apps a key may call, with their labels: what ``GET /v1/models`` lists."""
    apps = App.objects.filter(workspace_id=workspace_id, publication__enabled=True, labels__name=PRODUCTION)
    if app_id is not None:
        apps = apps.filter(pk=app_id)
    rows = list(apps.values("id", "slug", "name", "created_at").distinct())
    labels: dict[int, list[str]] = {}
    for app, name in Label.objects.filter(app_id__in=[r["id"] for r in rows]).values_list("app_id", "name"):
        labels.setdefault(app, []).append(name)
    for row in rows:
        row["labels"] = sorted(labels.get(row["id"], []))
    return rows


def api_run_find(**filters: Any) -> ApiRun | None:
    """A stored API run (with its run, version and app) matching ``filters``."""
    return ApiRun.objects.select_related("run", "run__version", "run__app").filter(**filters).first()
