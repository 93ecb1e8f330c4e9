"""Writes of publishing: publish (validate → version → move ``production``), move and roll back
labels (every move recorded; a label only serves a version that can run), A/B traffic splits of a
label between versions (set, end, promote the winner), turn the endpoint off and on, the public
web chat (on/off, rate limit, a new link), create and revoke API keys, feedback."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from builder.core.errors import InvalidInput
from builder.flows.graphs import graph_errors, graph_issues, parse_graph
from builder.flows.models import App, AppVersion
from builder.flows.prompt_links import prompt_uses
from builder.flows.selectors import version_get
from builder.flows.services import version_create, version_from_graph
from builder.publishing import cache_bus
from builder.publishing.errors import (
    AppInvalid,
    FeedbackGiven,
    KeyScopeInvalid,
    LabelNotFound,
    LabelNotSplit,
    LabelProtected,
    LabelUnchanged,
    NothingToRollBack,
    NotPublishedYet,
    PromptsCurrent,
    RunNotFound,
    SplitInvalid,
)
from builder.publishing.models import (
    PRODUCTION,
    ApiKey,
    ApiKeyScope,
    Feedback,
    Label,
    LabelArm,
    LabelMove,
    LabelMoveKind,
    Publication,
)
from builder.runs.models import Run, RunSource

KEY_PREFIX = "lsk_"
SPLIT_TOTAL = 100  # a split's weights are whole percents
MAX_ARMS = 10
KEEP: Any = object()  # a keyword argument left as it is


@transaction.atomic
def app_publish(*, app: App, user, message: str = "") -> tuple[AppVersion, Label, list[dict[str, Any]]]:
    """One click: validate the draft, snapshot it as a version, point ``production`` at it and
    turn the endpoint on; returns the version, the label and the warnings (allowed, shown).

    A draft with errors (a required field left empty, a model that is not available here …)
    is refused with ``app_invalid`` listing them, and nothing changes."""
    draft = App.objects.select_for_update().only("draft").get(pk=app.pk).draft
    warnings = _can_go_live(app, draft, "The app")
    version = version_create(app=app, message=message or "Published", user=user)
    label = _label_set(app=app, name=PRODUCTION, version=version, user=user, kind=LabelMoveKind.PUBLISH)
    Publication.objects.update_or_create(app=app, defaults={"enabled": True})
    return version, label, warnings


@transaction.atomic
def app_republish(*, app: App, user) -> tuple[AppVersion, Label, list[dict[str, Any]]]:
    """Production's graph once more with each library prompt re-resolved ("republish with latest
    labels"): a new version that production moves to, when a prompt label has moved since.

    The draft is not involved (it may hold unfinished work); ``prompts_current`` when no
    prompt reference resolves to another version than the one production holds."""
    production = Label.objects.select_for_update().select_related("version").filter(
        app=app, name=PRODUCTION).first()
    if production is None:
        raise NotPublishedYet("Publish the app first: republishing starts from its production version.")
    moved = [u for u in prompt_uses(production.version.graph, workspace_id=app.workspace_id) if u.outdated]
    if not moved:
        raise PromptsCurrent(
            f"Every library prompt of version {production.version.number} is already the version its label points at."
        )
    changes = ", ".join(f"{u.prompt_name} v{u.version} → v{u.current}" for u in moved)
    warnings = _can_go_live(app, production.version.graph, "The app")
    version = version_from_graph(
        app=app, graph=production.version.graph, user=user, repin=True,
        message=f"Republished version {production.version.number} with the latest prompt labels: {changes}",
    )
    label = _label_set(app=app, name=PRODUCTION, version=version, user=user, kind=LabelMoveKind.PUBLISH)
    return version, label, warnings


def _can_go_live(app: App, graph: dict[str, Any], what: str) -> list[dict[str, Any]]:
    """The warnings of ``graph``; ``app_invalid`` listing its errors when it cannot run."""
    issues = graph_issues(parse_graph(graph), workspace_id=app.workspace_id)
    errors = graph_errors(issues)
    warnings = [i for i in issues if i["severity"] == "warning"]
    if errors:
        raise AppInvalid(
            f"{what} cannot go live: {len(errors)} problem{'' if len(errors) == 1 else 's'} to fix first "
            f"(the first: {errors[0]['message']}).",
            details={"issues": errors, "warnings": warnings},
        )
    return warnings


def publication_set(*, app: App, enabled: bool) -> Publication:
    """Turn the endpoint off (calls answer ``app_not_found``) or back on."""
    publication, _ = Publication.objects.update_or_create(app=app, defaults={"enabled": enabled})
    cache_bus.bump()
    return publication


@transaction.atomic
def web_chat_update(*, app: App, enabled: bool | None = None, rate_limit_per_minute: int | None = KEEP) -> Publication:
    """Turn the app's public web chat on or off and set how many messages a minute each visitor
    may send (``None``: no limit). The link gets its token the first time the chat is turned on."""
    publication = _publication_for_update(app)
    if enabled is not None:
        publication.web_chat_enabled = enabled
        if enabled and not publication.web_chat_token:
            publication.web_chat_token = _chat_token()
    if rate_limit_per_minute is not KEEP:
        if rate_limit_per_minute is not None and rate_limit_per_minute < 1:
            raise InvalidInput("A rate limit is at least 1 message per minute.", code="rate_limit_invalid")
        publication.web_chat_rate_limit_per_minute = rate_limit_per_minute
    publication.save(update_fields=["web_chat_enabled", "web_chat_token", "web_chat_rate_limit_per_minute",
                                    "updated_at"])
    transaction.on_commit(cache_bus.bump)
    return publication


@transaction.atomic
def web_chat_rotate(*, app: App) -> Publication:
    """A new link for the web chat: the old link stops working (at once in this process, within
    seconds in the others) and pages embedding it show "not available"."""
    publication = _publication_for_update(app)
    publication.web_chat_token = _chat_token()
    publication.save(update_fields=["web_chat_token", "updated_at"])
    transaction.on_commit(cache_bus.bump)
    return publication


def _publication_for_update(app: App) -> Publication:
    publication = Publication.objects.select_for_update().filter(app=app).first()
    if publication is None:
        raise NotPublishedYet("Publish the app first: the web chat serves its production version.")
    return publication


def _chat_token() -> str:
    return secrets.token_urlsafe(24)


@transaction.atomic
def label_move(*, app: App, name: str, version: AppVersion, user, evidence: dict[str, Any] | None = None) -> Label:
    """Create ``name`` or point it at ``version`` (recorded as a move, or a rollback when the
    version is older than the one it leaves). A version that cannot run here (a backup of a
    draft, a model no longer available) is refused with ``app_invalid``. ``evidence`` says where the
    move came from (an experiment), kept in the audit list."""
    name = _clean_label(name)
    current = Label.objects.select_for_update().filter(app=app, name=name).first()
    # A split label moved onto one of its versions ends its split: not unchanged.
    if current is not None and current.version_id == version.pk and not current.arms.exists():
        raise LabelUnchanged(f"{name} already points at version {version.number}.")
    _can_go_live(app, version.graph, f"Version {version.number}")
    kind = LabelMoveKind.MOVE
    if current is not None and version.number < current.version.number:
        kind = LabelMoveKind.ROLLBACK
    return _label_set(app=app, name=name, version=version, user=user, kind=kind, evidence=evidence)


@transaction.atomic
def label_rollback(*, app: App, name: str = PRODUCTION, user) -> Label:
    """Move ``name`` back to the version it pointed at before its last move forward."""
    label = Label.objects.select_for_update().select_related("version").filter(app=app, name=name).first()
    if label is None:
        raise LabelNotFound(f"The app has no label {name!r}.")
    # The last move *forward* onto the current version: rolling back twice walks further back
    # (v3 -> v2 -> v1) instead of bouncing between the last two versions.
    previous = (
        LabelMove.objects.filter(app=app, label=name, to_number=label.version.number,
                                 from_number__lt=label.version.number)
        .order_by("-moved_at", "-id").first()
    )
    target = None
    if previous is not None:
        target = AppVersion.objects.filter(app=app, number=previous.from_number).first()
    if target is None:
        raise NothingToRollBack(f"{name} has no earlier version to go back to.")
    _can_go_live(app, target.graph, f"Version {target.number}")
    return _label_set(app=app, name=name, version=target, user=user, kind=LabelMoveKind.ROLLBACK)


@transaction.atomic
def label_delete(*, app: App, name: str, user) -> None:
    if name == PRODUCTION:
        raise LabelProtected("The production label cannot be deleted; turn the endpoint off instead.")
    label = Label.objects.select_for_update().select_related("version").filter(app=app, name=name).first()
    if label is None:
        raise LabelNotFound(f"The app has no label {name!r}.")
    LabelMove.objects.create(
        app=app, label=name, kind=LabelMoveKind.DELETE, from_number=label.version.number, moved_by=user
    )
    label.delete()
    cache_bus.bump()


def _label_set(*, app: App, name: str, version: AppVersion, user, kind: str,
               evidence: dict[str, Any] | None = None) -> Label:
    """Point ``name`` at ``version`` alone: a split the label carried ends (recorded with the move)."""
    label = Label.objects.select_for_update().select_related("version").filter(app=app, name=name).first()
    from_number = label.version.number if label is not None else None
    ended: list[dict[str, int]] = []
    if label is None:
        label = Label(app=app, name=name)
    else:
        ended = _arms_of(label)
        label.arms.all().delete()
    label.version, label.updated_by = version, user
    label.save()
    LabelMove.objects.create(
        app=app, label=name, kind=kind, from_number=from_number, to_number=version.number, arms=ended, moved_by=user,
        evidence=evidence or {},
    )
    transaction.on_commit(cache_bus.bump)
    return label


# --- A/B traffic splits ----------------------------------------------------------------------


@transaction.atomic
def label_split_set(*, app: App, label: str, arms: Any, user, evidence: dict[str, Any] | None = None) -> Label:
    """Split ``label``'s traffic between versions: ``arms`` is ``[{"version": <number>, "weight":
    <percent>}, …]`` — at least two arms, distinct versions of the app that can run here, whole
    percents from 1 to 99 adding up to 100. Replaces a split the label had.

    While split the label keeps a version of its own (what pages show): the one it had when that is
    an arm, else the heaviest arm. Each call through the label runs one arm: the same arm for the
    same end user while the split is unchanged (see :mod:`builder.publishing.gateway.splits`).
    ``split_invalid`` lists every problem by field; ``label_unchanged`` when the split is the same."""
    current = _label_for_update(app, label)
    chosen = _split_versions(app, arms)
    for version, _ in chosen:
        _can_go_live(app, version.graph, f"Version {version.number}")
    new = [{"version": v.number, "weight": w} for v, w in chosen]
    if new == _arms_of(current):
        raise LabelUnchanged(f"{label} is already split {split_text(new)}.")
    from_number = current.version.number
    if current.version_id not in {v.pk for v, _ in chosen}:
        current.version = max(chosen, key=lambda arm: (arm[1], arm[0].number))[0]
    current.arms.all().delete()
    LabelArm.objects.bulk_create(LabelArm(label=current, version=v, weight=w) for v, w in chosen)
    current.updated_by = user
    current.save()
    LabelMove.objects.create(app=app, label=label, kind=LabelMoveKind.SPLIT, from_number=from_number,
                             to_number=current.version.number, arms=new, moved_by=user, evidence=evidence or {})
    transaction.on_commit(cache_bus.bump)
    return current


@transaction.atomic
def label_split_end(*, app: App, label: str, version_number: int | None = None, user) -> Label:
    """End ``label``'s split: it serves one version again — ``version_number`` (one of its arms),
    or the version it shows while split."""
    current = _label_for_update(app, label)
    ended = _split_of(current)
    version = current.version if version_number is None else _arm_version(app, current, ended, version_number)
    return _split_close(app, current, version, ended, user, LabelMoveKind.SPLIT_END)


@transaction.atomic
def label_split_promote(*, app: App, label: str, version_number: int, user) -> Label:
    """Promote the winning arm: ``label`` serves version ``version_number`` (one of its arms) to
    everyone and the split is over — one click on the Publish panel or a monitoring page."""
    current = _label_for_update(app, label)
    ended = _split_of(current)
    version = _arm_version(app, current, ended, version_number)
    return _split_close(app, current, version, ended, user, LabelMoveKind.PROMOTE)


def split_text(arms: list[dict[str, int]]) -> str:
    """``v7 90 % · v8 10 %``: how a split is shown, here and in the Publish panel."""
    return " · ".join(f"v{a['version']} {a['weight']} %" for a in arms)


def _label_for_update(app: App, name: str) -> Label:
    label = Label.objects.select_for_update().select_related("version").filter(app=app, name=name).first()
    if label is None:
        raise LabelNotFound(f"The app has no label {name!r}.")
    return label


def _arms_of(label: Label) -> list[dict[str, int]]:
    return [{"version": number, "weight": weight} for number, weight in
            label.arms.order_by("version__number").values_list("version__number", "weight")]


def _split_of(label: Label) -> list[dict[str, int]]:
    arms = _arms_of(label)
    if not arms:
        raise LabelNotSplit(f"{label.name} serves version {label.version.number} alone; it has no split.")
    return arms


def _arm_version(app: App, label: Label, arms: list[dict[str, int]], number: int) -> AppVersion:
    version = version_get(app=app, number=number)  # 404 version_not_found
    if number not in {a["version"] for a in arms}:
        choices = ", ".join(f"v{a['version']}" for a in arms)
        raise SplitInvalid(
            f"Version {number} is not an arm of {label.name}'s split ({split_text(arms)}).",
            details=[{"field": "version", "message": f"Choose one of {choices}."}],
        )
    return version


def _split_close(app: App, label: Label, version: AppVersion, ended: list[dict[str, int]], user, kind: str) -> Label:
    _can_go_live(app, version.graph, f"Version {version.number}")
    from_number = label.version.number
    label.arms.all().delete()
    label.version, label.updated_by = version, user
    label.save()
    LabelMove.objects.create(app=app, label=label.name, kind=kind, from_number=from_number,
                             to_number=version.number, arms=ended, moved_by=user)
    transaction.on_commit(cache_bus.bump)
    return label


def _split_versions(app: App, arms: Any) -> list[tuple[AppVersion, int]]:
    """``arms`` checked whole, as (version, weight) by version number; ``split_invalid`` listing
    every problem by field otherwise."""
    if not isinstance(arms, list) or not all(isinstance(a, dict) for a in arms):
        raise SplitInvalid("'arms' is a list of {version, weight}.",
                           details=[{"field": "arms", "message": "A list of {version, weight}."}])
    problems: list[dict[str, str]] = []
    if not 2 <= len(arms) <= MAX_ARMS:
        problems.append({"field": "arms", "message": f"A split has 2 to {MAX_ARMS} arms; {len(arms)} given."})
    numbers: list[int] = []
    for i, arm in enumerate(arms):
        number, weight = arm.get("version"), arm.get("weight")
        if not _whole(number) or number < 1:
            problems.append({"field": f"arms[{i}].version", "message": "A version number such as 3."})
        elif number in numbers:
            problems.append({"field": f"arms[{i}].version", "message": f"Version {number} is already an arm."})
        else:
            numbers.append(number)
        if not _whole(weight) or not 1 <= weight < SPLIT_TOTAL:
            problems.append({"field": f"arms[{i}].weight", "message": "A whole percent from 1 to 99."})
    found = {v.number: v for v in AppVersion.objects.filter(app=app, number__in=numbers)}
    for i, arm in enumerate(arms):
        number = arm.get("version")
        if number in numbers and number not in found:
            problems.append({"field": f"arms[{i}].version", "message": f"The app has no version {number}."})
    weights = [a.get("weight") for a in arms]
    if not problems and sum(weights) != SPLIT_TOTAL:
        problems.append({"field": "arms", "message": f"The weights add up to {sum(weights)} %; they must add up "
                                                     f"to {SPLIT_TOTAL} %."})
    if problems:
        raise SplitInvalid(f"The split cannot be served: {problems[0]['message']}", details=problems)
    return sorted(((found[a["version"]], a["weight"]) for a in arms), key=lambda arm: arm[0].number)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _clean_label(name: str) -> str:
    from django.utils.text import slugify

    cleaned = slugify(name or "")[:40]
    if not cleaned or cleaned != name:
        raise InvalidInput("A label is a short lowercase name such as 'staging'.", code="label_name_invalid")
    return cleaned


def api_key_create(
    *, workspace, name: str, user, app: App | None = None, rate_limit_per_minute: int | None = None
) -> tuple[ApiKey, str]:
    """A new key; returns it with its secret, shown once and never stored. With ``app`` the key
    may call only that app; without, every published app of the workspace."""
    if app is not None and app.workspace_id != workspace.pk:
        raise KeyScopeInvalid("The app belongs to another workspace.")
    if rate_limit_per_minute is not None and rate_limit_per_minute < 1:
        raise InvalidInput("A rate limit is at least 1 request per minute.", code="rate_limit_invalid")
    prefix = secrets.token_hex(4)
    raw = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        workspace=workspace, app=app, scope=ApiKeyScope.APP if app else ApiKeyScope.WORKSPACE,
        name=(name or "").strip()[:120] or "key", prefix=prefix, secret_hash=key_hash(raw),
        rate_limit_per_minute=rate_limit_per_minute, created_by=user,
    )
    return key, raw


def api_key_revoke(*, key: ApiKey) -> ApiKey:
    """Revoke at once in this process; other processes honour it within seconds (their cache)."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    cache_bus.bump()
    return key


def key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def feedback_create(
    *, run_id, api_key_id: int | None, rating: int | None, score: float | None, comment: str, end_user: str
) -> Feedback:
    return Feedback.objects.create(
        run_id=run_id, api_key_id=api_key_id, rating=rating, score=score, comment=comment[:10_000],
        end_user=end_user[:200],
    )


@transaction.atomic
def visitor_feedback_create(*, run_id: str, workspace_id: int, app_id: int, rating: int, comment: str) -> Feedback:
    """A web chat visitor's thumbs up or down on an answer of the app ``app_id``. Only a ``web``
    run of that app takes one (else :class:`RunNotFound`: a link's token opens its own chat, not
    other runs), and only one (else :class:`FeedbackGiven`). The run's row stays locked until the
    vote is stored, so two clicks at once store one vote."""
    run = (Run.objects.select_for_update().filter(pk=run_id, workspace_id=workspace_id, app_id=app_id,
                                                  source=RunSource.WEB).only("pk").first())
    if run is None:
        raise RunNotFound("Run not found.")
    if Feedback.objects.filter(run=run, api_key__isnull=True).exists():
        raise FeedbackGiven("This answer was already rated.", details={"run_id": str(run.pk)})
    return feedback_create(run_id=run.pk, api_key_id=None, rating=rating, score=None, comment=comment, end_user="")


def api_key_touch(*, used: dict[int, Any]) -> None:
    """Record last use of several keys at once (the gateway batches them)."""
    for key_id, when in used.items():
        ApiKey.objects.filter(pk=key_id).update(last_used_at=when)
