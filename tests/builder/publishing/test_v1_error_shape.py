"""One error shape on a real server, /v1 (the gateway) and /api (Django) alike: unknown paths, wrong
methods, bodies too large or not JSON, and a crash all answer ``{"error": {"code", "message",
"details"}}`` as JSON; pages keep their HTML."""

import json
import re

import httpx
import pytest

from builder.accounts.services import access_token_create
from builder.publishing.gateway.app import ROUTES
from builder.publishing.services import web_chat_update
from tests.builder.publishing.graphs import greeting_graph
from tests.builder.publishing.support import bearer, key_for, published, wait_for_run
from tests.support.errors import assert_error_shape
from tests.support.members import make_member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

METHODS = ("DELETE", "PUT", "PATCH", "POST", "GET")


def gateway_paths() -> list[tuple[str, set[str]]]:
    """A concrete path for each route of the gateway, with the methods it takes."""
    paths = []
    for pattern, methods in ROUTES:
        path = re.sub(r"\([^)]*\)", "abc", pattern.pattern).removeprefix("^").removesuffix("$").replace("/?", "/")
        assert pattern.match(path), path
        paths.append((path, set(methods)))
    return paths


def test_unknown_paths_and_wrong_methods_answer_the_error_shape_on_v1_and_api(server):
    member = make_member()
    key = bearer(key_for(member))
    token = bearer(access_token_create(user=member.user, name="t")[1])
    ws = member.workspace.pk

    for path, methods in gateway_paths():
        wrong = next(m for m in METHODS if m not in methods)
        response = httpx.request(wrong, server + path, headers=key)
        assert_error_shape(response, 405, "method_not_allowed")
        assert {m.strip() for m in response.headers["allow"].split(",")} == methods
    for method, path in [("GET", "/v1/nope"), ("GET", "/v1/"), ("POST", "/v1/apps/x/run/more"),
                         ("DELETE", "/v1/runs/"), ("GET", "/v1/runs/abc/nope"), ("GET", "/api/nope"),
                         ("POST", "/api/nope/"), ("GET", f"/api/workspaces/{ws}/nope/"), ("DELETE", "/api/")]:
        response = httpx.request(method, server + path, headers=token if path.startswith("/api") else key)
        assert_error_shape(response, 404, "not_found")
    wrong_on_api = httpx.delete(f"{server}/api/workspaces/", headers=token)
    assert_error_shape(wrong_on_api, 405, "method_not_allowed")
    assert wrong_on_api.headers["allow"] == "GET, POST, HEAD, OPTIONS"
    page = httpx.get(f"{server}/nope")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")


def test_bodies_that_are_not_json_answer_415_and_bodies_too_large_413_on_v1_and_api(server):
    member = make_member()
    app = published(member, greeting_graph())
    key = bearer(key_for(member))
    token = bearer(access_token_create(user=member.user, name="t")[1])
    chat = web_chat_update(app=app, enabled=True).web_chat_token
    first = httpx.post(f"{server}/v1/apps/{app.slug}/run", json={"inputs": {"name": "Ada"}}, headers=key)
    run_id = wait_for_run(first.json()["run_id"]).pk
    ada = [{"role": "user", "content": "Ada"}]
    web_run = httpx.post(f"{server}/v1/share/{chat}/chat", json={"messages": ada}).json()["run_id"]
    json_routes = [
        (f"/v1/apps/{app.slug}/run", key, {"inputs": {"name": "Ada"}}),
        (f"/v1/runs/{run_id}/feedback", key, {"rating": "up"}),
        ("/v1/chat/completions", key, {"model": app.slug, "messages": ada}),
        (f"/v1/share/{chat}/chat", {}, {"messages": ada}),
        (f"/v1/share/{chat}/runs/{web_run}/feedback", {}, {"rating": "up"}),
        (f"/api/workspaces/{member.workspace.pk}/apps/", token, {"name": "Helper"}),
    ]

    for path, headers, payload in json_routes:
        body = json.dumps(payload)
        for media_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
            if path.startswith("/api") and media_type == "application/x-www-form-urlencoded":
                continue  # the REST API also takes forms (HTML forms, DRF's test client)
            response = httpx.post(server + path, content=body.encode(), headers={**headers, "content-type": media_type})
            error = assert_error_shape(response, 415, "unsupported_media_type")
            assert media_type in error["message"]
        too_large = httpx.post(server + path, content=b'{"x": "' + b"x" * (3 * 1024 * 1024) + b'"}',
                               headers={**headers, "content-type": "application/json"})
        assert_error_shape(too_large, 413, "request_too_large")
        charset = httpx.post(server + path, content=body.encode(),
                             headers={**headers, "content-type": "application/json; charset=utf-8"})
        assert charset.status_code in (200, 201), (path, charset.text)


def test_a_link_that_no_token_can_be_answers_404_not_a_crash(server):
    """A NUL in the link reached the database (500 on the API and the page)."""
    for path in ("/v1/share/%00abc", "/v1/share/abc%00/chat", "/v1/share/" + "a" * 65):
        response = httpx.request("POST" if path.endswith("/chat") else "GET", server + path, json={})
        assert_error_shape(response, 404, "chat_not_found")
    page = httpx.get(f"{server}/chat/%00abc/")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
