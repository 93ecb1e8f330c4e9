"""Walks the whole URLconf as an anonymous user: every route that is not on the public allowlist
answers 401/403 (API) or redirects to a login page (pages)."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from builder.core.public import PUBLIC_ROUTE_NAMES

pytestmark = pytest.mark.django_db

SAMPLE = {"int": "1", "str": "x", "slug": "x", "path": "x/y", "uuid": "00000000-0000-0000-0000-000000000001"}


def _concrete(route: str) -> str:
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "x"), route)
    # regex routes (admin, re_path): drop anchors and fill groups with a sample value
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    return route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")


def walk(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix + route, ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield name, "/" + _concrete(prefix + route)


HTML_PAGES_UNDER_API = {"api-docs"}  # a page for people: redirects to login like other pages

ROUTES = sorted(set(walk()), key=lambda route: route[1])


def test_the_walk_finds_the_platforms_routes():
    paths = {path for _, path in ROUTES}
    assert {"/api/workspaces/", "/api/tokens/", "/healthz", "/app/"} <= paths


@pytest.mark.parametrize(("name", "path"), ROUTES, ids=[p for _, p in ROUTES])
def test_route_refuses_anonymous_users(name, path):
    if name in PUBLIC_ROUTE_NAMES:
        pytest.skip(f"{name} is public by design")
    client = Client()
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        if response.status_code in (404, 405):
            continue  # nothing to protect behind this method / sample id
        if path.startswith("/api/") and name not in HTML_PAGES_UNDER_API:
            assert response.status_code in (401, 403), f"{method.upper()} {path}: {response.status_code}"
            if response["Content-Type"].startswith("application/json"):
                assert response.json()["error"]["code"] in {"not_authenticated", "authentication_failed"}
        else:
            assert response.status_code == 302, f"{method.upper()} {path}: {response.status_code}"
            assert "/login/" in response["Location"], response["Location"]
