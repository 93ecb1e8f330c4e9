"""Annotators reach the annotation queues and nothing of the builder: every route of the API is
walked with an annotator's session for GET, POST, PATCH and DELETE. Workspace routes refuse them with
403 role_forbidden; the few routes every signed-in person needs (who am I, my workspaces, my
session's workspace, my own tokens) still answer. The annotation routes have their own tests
(tests/builder/annotation)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from builder.accounts.models import Membership, Role
from builder.accounts.permissions import ANY_MEMBER

pytestmark = pytest.mark.django_db

METHODS = ("GET", "POST", "PATCH", "DELETE")
SAMPLE = {"int": "1", "uuid": "00000000-0000-0000-0000-000000000001", "path": "x/y"}

# (route, method) an annotator may be answered 2xx on: nothing in them belongs to the builder.
OPEN_TO_ANNOTATORS = {
    ("api/me/", "GET"),
    ("api/workspaces/", "GET"),
    ("api/workspaces/", "POST"),  # a workspace of their own, where they are the owner
    ("api/workspaces/<int:workspace_id>/", "GET"),
    ("api/workspaces/<int:workspace_id>/leave/", "POST"),
    ("api/session/workspace/", "POST"),
    ("api/tokens/", "GET"),
    ("api/tokens/", "POST"),
    ("api/tokens/<int:token_id>/", "DELETE"),
    # The same for every signed-in user and no workspace's data: the API's description and its
    # page, and the product's catalogs of node types and provider kinds (from code).
    ("api/schema/", "GET"),
    ("api/docs/", "GET"),
    ("api/node-types/", "GET"),
    ("api/provider-kinds/", "GET"),
}


def routes(resolver=None, prefix: str = "", namespace: str = ""):
    """(route with its converters, name) of every URL pattern."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from routes(entry, route, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern):
            yield route, f"{namespace}{entry.name}" if entry.name else ""


ALL_ROUTES = sorted(set(routes()))
API_ROUTES = [route for route, _ in ALL_ROUTES if route.startswith("api/") and "/annotation/" not in route]
PAGE_ROUTES = [(route, name) for route, name in ALL_ROUTES if not route.startswith("api/")]


def concrete(route: str, workspace_id: int) -> str:
    route = route.replace("<int:workspace_id>", str(workspace_id))
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "x"), route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)  # regex routes (admin, re_path)
    return "/" + route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")


@pytest.fixture
def annotator(owner, member_factory) -> tuple[Client, Membership]:
    member = member_factory(Role.ANNOTATOR, workspace=owner.workspace)
    client = Client()
    client.force_login(member.user)
    return client, member.membership


def test_the_walk_covers_the_builder():
    assert {"api/workspaces/<int:workspace_id>/members/", "api/workspaces/<int:workspace_id>/apps/"} <= set(API_ROUTES)
    assert len(API_ROUTES) > 50


def needs_only_membership(url: str, method: str) -> bool:
    """Whether the view lets every member try (leaving, removing oneself): it refuses others itself."""
    view = getattr(resolve(url).func, "cls", None)
    return getattr(view, "capabilities", {}).get(method) == ANY_MEMBER


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("route", API_ROUTES)
def test_an_annotator_reaches_nothing_of_the_builder(route, method, annotator):
    client, membership = annotator
    url = concrete(route, membership.workspace_id)

    response = client.generic(method, url, "{}", content_type="application/json")

    if (route, method) in OPEN_TO_ANNOTATORS or response.status_code == 405:
        return
    assert not 200 <= response.status_code < 300, f"{method} {url} answered {response.status_code}"
    if "<int:workspace_id>" in route and not needs_only_membership(url, method):
        assert response.status_code == 403, f"{method} {url} answered {response.status_code}"
        assert response.json()["error"]["code"] == "role_forbidden"
    assert Membership.objects.filter(pk=membership.pk, role=Role.ANNOTATOR).exists()


def test_the_routes_every_member_needs_still_answer(annotator):
    client, membership = annotator
    ws = membership.workspace_id

    assert client.get("/api/me/").status_code == 200
    assert [w["role"] for w in client.get("/api/workspaces/").json()["results"]] == ["annotator"]
    assert client.get(f"/api/workspaces/{ws}/").json()["role"] == "annotator"
    assert client.post("/api/session/workspace/", {"workspace": ws}, content_type="application/json").status_code == 200
    assert client.get("/api/tokens/").status_code == 200


@pytest.mark.parametrize(("route", "name"), PAGE_ROUTES, ids=[route for route, _ in PAGE_ROUTES])
def test_pages_an_annotator_opens(route, name, annotator):
    """The app's shell pages load (the single-page app keeps annotators to their area); the admin refuses."""
    client, membership = annotator
    response = client.get(concrete(route, membership.workspace_id))

    assert response.status_code < 500, f"{route}: {response.status_code}"
    if name in {"app-shell", "app-shell-path"}:
        assert response.status_code == 200
    if name.startswith("admin:") and name not in {"admin:login", "admin:logout"}:
        assert response.status_code in (302, 404), f"{route}: {response.status_code}"
        if response.status_code == 302:
            assert "/admin/login/" in response["Location"]
