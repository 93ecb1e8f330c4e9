"""A/B splits on the Quality page: which versions to compare by default (the arms of a split label)
and promoting the winner — through publishing's own service, as the publish drawer does."""

from __future__ import annotations

from typing import Any

from dash import html

from builder.accounts.models import User
from builder.core.errors import ApplicationError
from builder.flows.models import AppVersion
from builder.monitoring.selectors import Scope
from builder.publishing.selectors import label_splits
from builder.publishing.services import label_split_promote


def _split_of(scope: Scope) -> tuple[str, list[dict[str, Any]]] | None:
    if scope.app_id is None:
        return None
    for label, arms in sorted(label_splits(app_id=scope.app_id).items()):
        if scope.label in (None, label):
            return label, arms
    return None


def default_arms(scope: Scope, with_traffic: list[int]) -> list[int]:
    """The arms of the chosen app's split label (the label filter's, or its first split label),
    else the two versions with the most traffic."""
    split = _split_of(scope)
    if split is not None:
        return [arm["version_id"] for arm in split[1]]
    return with_traffic[:2]


def promote_controls(scope: Scope, arms: list[dict[str, Any]], names: dict[int, str], *,
                     can_promote: bool) -> html.Div | None:
    """A "Promote" button per compared version when they are the arms of a split label."""
    split = _split_of(scope)
    if split is None:
        return None
    label, split_arms = split
    weights = {arm["version_id"]: arm["weight"] for arm in split_arms}
    shown = [arm for arm in arms if arm["version_id"] in weights]
    if not shown:
        return None
    summary = " · ".join(f"{names.get(v, v)} {w} %" for v, w in weights.items())
    buttons = [html.Button(f"Promote {names.get(arm['version_id'], arm['version_id'])} to 100 %",
                           id={"type": "promote", "version": arm["version_id"], "label": label},
                           className="button", disabled=not can_promote) for arm in shown]
    return html.Div([html.P(f"Label {label!r} splits its traffic: {summary}."), html.Div(buttons, className="row")],
                    className="promote")


def promote(*, workspace_id: int, user_id: int, version_id: int, label: str) -> str:
    version = AppVersion.objects.select_related("app").filter(pk=version_id, app__workspace_id=workspace_id).first()
    if version is None:
        return "That version no longer exists."
    try:
        label_split_promote(app=version.app, label=label, version_number=version.number,
                            user=User.objects.get(pk=user_id))
    except ApplicationError as exc:
        return str(exc)
    return f"{label} now sends all its traffic to v{version.number}."
