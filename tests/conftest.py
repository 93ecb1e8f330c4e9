"""Shared fixtures: users in workspaces with roles and signed-in API clients, and the
two-workspace setup that isolation tests use.

Django is imported inside the fixtures so that the runtime's tests also run without it
(``pytest tests/runtime -p no:django``)."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(session, config, items):
    """Browser tests run last: their Playwright event loop must not be alive during async tests."""
    items.sort(key=lambda item: "/tests/e2e/" in str(item.path))


@pytest.fixture
def member_factory(db):
    from tests.support.members import make_member

    return make_member


@pytest.fixture
def owner(member_factory):
    return member_factory("owner")


@pytest.fixture
def outsider(member_factory):
    """An owner of another workspace: must never see or touch the first workspace's objects."""
    return member_factory("owner")
