"""The two-workspace isolation check every domain reuses: a member of workspace B replays workspace
A's ids on every operation and gets 404 — and nothing of A changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    data: dict[str, Any] | None = None


def snapshot(querysets: list[QuerySet]) -> list[list[dict[str, Any]]]:
    return [list(qs.order_by("pk").values()) for qs in querysets]


def assert_isolated(client, calls: list[Call], *, watch: list[QuerySet]) -> None:
    """Every call answers 404 with the not_found error, and the watched rows stay as they were."""
    before = snapshot(watch)
    for call in calls:
        response = getattr(client, call.method.lower())(call.path, call.data, format="json")
        assert response.status_code == 404, f"{call.method} {call.path} answered {response.status_code}"
        assert response.json()["error"]["code"] == "not_found", response.json()
    assert snapshot(watch) == before, "an outsider's request changed another workspace's data"
