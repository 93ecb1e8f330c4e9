"""Writes of the apps domain: create, rename, duplicate, delete, save the draft (optimistic
locking), save and restore versions."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from builder.core.errors import InvalidInput
from builder.flows.errors import DraftConflict, GraphInvalid
from builder.flows.graphs import graph_check, graph_issues, graph_urls_check, parse_graph, starter_graph
from builder.flows.models import App, AppVersion, VersionKind
from builder.flows.prompt_links import unpinned
from builder.flows.selectors import free_app_name
from runtime import GraphSpec


def _unique_slug(workspace, name: str, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:120] or "app"
    taken = set(App.objects.filter(workspace=workspace, slug__startswith=base).exclude(pk=exclude_pk)
                .values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("An app needs a name.", code="app_name_required")
    return name[:120]


def app_create(*, workspace, name: str, user, description: str = "", graph: dict[str, Any] | None = None) -> App:
    """A new app whose draft is ``graph`` (checked for shape and configured URLs) or the starter graph."""
    name = _clean_name(name)
    draft = _checked_graph(graph).to_dict() if graph is not None else starter_graph(name)
    return App.objects.create(
        workspace=workspace, name=name, slug=_unique_slug(workspace, name), description=description,
        draft=draft, created_by=user, draft_updated_by=user,
    )


def app_import(*, workspace, name: str, user, description: str = "", graph: dict[str, Any]) -> App:
    """An app made from an imported file: named ``name``, or ``"name (2)"`` (``(3)`` …) when the
    workspace already has an app of that name."""
    return app_create(
        workspace=workspace, name=free_app_name(workspace=workspace, name=_clean_name(name)), user=user,
        description=description, graph=graph,
    )


def app_update(*, app: App, name: str | None = None, description: str | None = None) -> App:
    if name is not None:
        app.name = _clean_name(name)
        app.slug = _unique_slug(app.workspace, app.name, exclude_pk=app.pk)
    if description is not None:
        app.description = description
    app.save()
    return app


def app_duplicate(*, app: App, user) -> App:
    return app_create(
        workspace=app.workspace, name=f"{app.name} (copy)", user=user, description=app.description, graph=app.draft
    )


def app_delete(*, app: App) -> None:
    app.delete()


@transaction.atomic
def draft_save(*, app: App, graph: dict[str, Any], revision: int, user) -> tuple[App, list[dict[str, Any]]]:
    """Store the draft when ``revision`` is the current one; a stale save is refused, never merged.

    A draft may have validation issues (it is work in progress); they are returned. A URL the
    address policy blocks is refused outright (``url_not_allowed``)."""
    spec = _checked_graph(graph)
    locked = App.objects.select_for_update().get(pk=app.pk)
    if locked.draft_revision != revision:
        raise DraftConflict(
            "Someone saved this app since you loaded it. Your changes were not saved: load the latest "
            "version or overwrite it.",
            details={
                "revision": locked.draft_revision,
                "updated_by": locked.draft_updated_by.get_username() if locked.draft_updated_by else None,
                "updated_at": locked.draft_updated_at.isoformat(),
            },
        )
    locked.draft = spec.to_dict()
    locked.draft_revision += 1
    locked.draft_updated_at = timezone.now()
    locked.draft_updated_by = user
    locked.save(update_fields=["draft", "draft_revision", "draft_updated_at", "draft_updated_by", "updated_at"])
    return locked, graph_issues(spec, workspace_id=app.workspace_id)


def _checked_graph(graph: Any) -> GraphSpec:
    """``graph`` parsed, its configured URLs checked against the address policy: what every
    write of a graph (create, import, duplicate, draft save, version, restore) goes through."""
    spec = parse_graph(graph)
    graph_urls_check(spec)
    return spec


def _next_number(app: App) -> int:
    return (app.versions.aggregate(m=Max("number"))["m"] or 0) + 1


@transaction.atomic
def version_create(*, app: App, message: str, user) -> AppVersion:
    """Snapshot the draft as the next version. A graph with issues cannot become a version."""
    app = App.objects.select_for_update().get(pk=app.pk)
    return _snapshot(app, app.draft, message=message, user=user)


@transaction.atomic
def version_from_graph(*, app: App, graph: dict[str, Any], message: str, user, repin: bool = False) -> AppVersion:
    """Snapshot ``graph`` (not the draft) as the next version; with ``repin`` each library prompt
    is what its reference names now (a published version republished with the latest labels)."""
    app = App.objects.select_for_update().get(pk=app.pk)
    return _snapshot(app, graph, message=message, user=user, repin=repin)


def _snapshot(app: App, graph: dict[str, Any], *, message: str, user, repin: bool = False) -> AppVersion:
    """The next version of ``app`` holding ``graph`` with its library prompts pinned: each
    link holds the version its reference names now, so a later label move never changes it."""
    spec, issues = graph_check(_checked_graph(graph), workspace_id=app.workspace_id, repin=repin)
    issues = [i for i in issues if i["severity"] == "error"]  # warnings do not stop a version
    if issues:
        raise GraphInvalid(
            f"The app has {len(issues)} issue(s) to fix before it can be saved as a version.",
            details={"issues": issues},
        )
    return AppVersion.objects.create(
        app=app, number=_next_number(app), kind=VersionKind.SAVED, message=message.strip()[:500],
        graph=spec.to_dict(), created_by=user,
    )


@transaction.atomic
def version_restore(*, app: App, version: AppVersion, user) -> tuple[App, AppVersion | None]:
    """Copy a version into the draft. The current draft is kept first as a backup version
    unless an existing version already holds exactly that graph."""
    _checked_graph(version.graph)
    app = App.objects.select_for_update().get(pk=app.pk)
    backup = None
    if not app.versions.filter(graph=app.draft).exists():
        backup = AppVersion.objects.create(
            app=app, number=_next_number(app), kind=VersionKind.BACKUP,
            message=f"Draft before restoring version {version.number}", graph=app.draft, created_by=user,
        )
    app.draft = unpinned(version.graph)
    app.draft_revision += 1
    app.draft_updated_at = timezone.now()
    app.draft_updated_by = user
    app.save(update_fields=["draft", "draft_revision", "draft_updated_at", "draft_updated_by", "updated_at"])
    return app, backup
