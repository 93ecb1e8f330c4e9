"""One error shape on every API route: whatever goes wrong under /api/ — no such route, no such
object, a wrong method, a CSRF failure, a body too large, a crash, inside a DRF view or outside one —
answers ``{"error": {"code", "message", "details"}}`` as JSON; pages keep Django's HTML error pages.
(Bodies that are not JSON or too large, through a real server: tests/builder/publishing/test_v1_error_shape.py.)"""

import logging
import re

import pytest
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from tests.builder.core.failing_urls import SECRET
from tests.support.errors import assert_error_shape

pytestmark = pytest.mark.django_db

METHODS = ("DELETE", "PUT", "PATCH", "POST", "GET")


def api_routes(resolver=None, prefix=""):
    """(route, view class) of every URL pattern under /api/, its converters left in."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from api_routes(entry, route)
        elif isinstance(entry, URLPattern) and route.startswith("api/"):
            yield route, getattr(entry.callback, "cls", None) or getattr(entry.callback, "view_class", None)


API_ROUTES = sorted(set(api_routes()), key=lambda r: r[0])
assert {"api/workspaces/", "api/tokens/", "api/schema/"} <= {route for route, _ in API_ROUTES}, "the walk finds the API"


def concrete(route: str, workspace_id: int) -> str:
    route = route.replace("<int:workspace_id>", str(workspace_id))
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: "1" if m.group(1) == "int" else "x", route)


@pytest.fixture
def signed_in(owner) -> Client:
    client = Client()
    client.force_login(owner.user)
    return client


@pytest.mark.parametrize(("route", "view"), API_ROUTES, ids=[r for r, _ in API_ROUTES])
def test_every_api_route_answers_a_wrong_method_and_an_unknown_sub_path_in_the_error_shape(
    route, view, owner, signed_in
):
    url = concrete(route, owner.workspace.pk)
    allowed = {m.upper() for m in view().allowed_methods} if view else set()
    allowed |= {"HEAD"} if "GET" in allowed else set()
    wrong = next((m for m in METHODS if m not in allowed), "TRACE")

    response = signed_in.generic(wrong, url)
    unknown = signed_in.get(url + "no-such-route~/deeper~/")

    assert_error_shape(response, 405, "method_not_allowed")
    assert {m.strip() for m in response["Allow"].split(",")} == allowed
    assert_error_shape(unknown, 404)


def test_unknown_api_paths_and_objects_answer_404_in_the_error_shape_while_pages_keep_html(owner, signed_in):
    ws = owner.workspace.pk
    unknown_routes = ["/api/nope", "/api/nope/", "/api/", f"/api/workspaces/{ws}/nope/",
                      f"/api/workspaces/{ws}/apps/1/nope/deeper/"]
    unknown_objects = [f"/api/workspaces/{ws}/apps/999999/", f"/api/workspaces/{ws + 1000}/",
                       f"/api/workspaces/{ws}/runs/00000000-0000-0000-0000-000000000001/"]

    for path in unknown_routes:
        for method in ("GET", "POST", "DELETE"):
            error = assert_error_shape(signed_in.generic(method, path), 404, "not_found")
            assert path in error["message"]
    for path in unknown_objects:
        assert_error_shape(signed_in.get(path), 404)
    for page in ("/nope", "/accounts/nope/"):
        response = signed_in.get(page)
        assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_a_session_request_without_its_csrf_token_answers_csrf_failed(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner.user)

    refused = client.post("/api/workspaces/", {"name": "Team"}, content_type="application/json")
    read = client.get("/api/workspaces/")

    error = assert_error_shape(refused, 403, "csrf_failed")
    assert "CSRF" in error["message"]
    assert read.status_code == 200, "safe requests need no token"


@override_settings(ROOT_URLCONF="tests.builder.core.failing_urls")
def test_errors_outside_drf_views_answer_the_error_shape_under_api_and_html_pages_elsewhere(owner, caplog):
    client = Client(raise_request_exception=False)
    client.force_login(owner.user)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner.user)

    with caplog.at_level(logging.ERROR, logger="django.request"):
        crash = client.get("/api/test-only/crash/")
    forbidden = client.get("/api/test-only/forbidden/")
    suspicious = client.get("/api/test-only/suspicious/")
    no_csrf = strict.post("/api/test-only/form/", {"name": "x"})
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024):
        too_large = client.post("/api/test-only/form/", {"name": "x" * 5000})
    missing = client.get("/api/test-only/nope/")

    assert_error_shape(crash, 500, "internal_error")
    assert SECRET not in crash.content.decode() and "Traceback" not in crash.content.decode()
    assert any(r.exc_info and SECRET in str(r.exc_info[1]) for r in caplog.records), "the crash is logged"
    assert_error_shape(forbidden, 403, "permission_denied")
    assert_error_shape(suspicious, 400, "bad_request")
    assert_error_shape(no_csrf, 403, "csrf_failed")
    assert_error_shape(too_large, 413, "request_too_large")
    assert_error_shape(missing, 404, "not_found")
    pages = [client.get("/test-only/crash/"), client.get("/test-only/forbidden/"), client.get("/test-only/nope/"),
             strict.post("/test-only/form/", {"name": "x"})]
    assert [p.status_code for p in pages] == [500, 403, 404, 403]
    assert all(p["Content-Type"].startswith("text/html") for p in pages)
