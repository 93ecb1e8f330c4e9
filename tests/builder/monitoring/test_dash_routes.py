"""Every monitoring route stands behind Django's login, CSRF check and workspace membership — the
page, Dash's layout, dependencies and callback routes, and the component bundles — and a member's
callbacks answer with the workspace's own figures."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from builder.accounts.models import Role
from tests.builder.annotation.support import make_app
from tests.builder.monitoring.dash_client import base, dash_config, dependencies, texts, update
from tests.builder.monitoring.support import published_run
from tests.support.members import make_member

pytestmark = pytest.mark.django_db

DASH_ROUTES = ["cost", "performance", "quality", "_dash-layout", "_dash-dependencies"]
FILTERS = {"f-range": "24h"}


def signed_in(member, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(member.user)
    return client


def bundle_path(client: Client, workspace_id: int) -> str:
    html = client.get(base(workspace_id) + "cost").content.decode()
    return re.search(r'src="(/monitoring/_dash-component-suites/[^"]+)"', html).group(1)


@pytest.fixture
def member():
    return make_member()


def test_anonymous_visitors_are_sent_to_login_and_scripts_get_401(member):
    client = Client()
    ws = member.workspace.pk
    for page in ("cost", "performance", "quality"):
        response = client.get(base(ws) + page)
        assert response.status_code == 302 and "/login/" in response["Location"]
    for route in ("_dash-layout", "_dash-dependencies"):
        response = client.get(base(ws) + route)
        assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"
    response = client.post(base(ws) + "_dash-update-component", data="{}", content_type="application/json")
    assert response.status_code == 401
    assert client.get(bundle_path(signed_in(member), ws)).status_code == 401
    assert client.get("/monitoring/").status_code == 302


def test_another_workspace_is_not_found_on_every_route(member):
    stranger = signed_in(make_member())
    ws = member.workspace.pk
    for route in DASH_ROUTES:
        assert stranger.get(base(ws) + route).status_code == 404, route
    response = stranger.post(base(ws) + "_dash-update-component", data="{}", content_type="application/json")
    assert response.status_code == 404


def test_annotators_are_refused(member):
    annotator = make_member(Role.ANNOTATOR, workspace=member.workspace)
    client = signed_in(annotator)
    for route in DASH_ROUTES:
        response = client.get(base(member.workspace.pk) + route)
        assert response.status_code == 403, route


def test_callbacks_need_the_csrf_token(member):
    client = signed_in(member, enforce_csrf_checks=True)
    ws = member.workspace.pk
    page = client.get(base(ws) + "performance")
    assert page.status_code == 200
    refused = update(client, ws, "perf-kpis.children", FILTERS)
    assert refused.status_code == 403
    token = client.cookies["csrftoken"].value
    allowed = update(client, ws, "perf-kpis.children", FILTERS, HTTP_X_CSRFTOKEN=token)
    assert allowed.status_code == 200


def test_a_member_sees_the_page_and_its_workspace_figures(member):
    client = signed_in(member)
    ws = member.workspace.pk
    assert client.get("/monitoring/")["Location"] == base(ws) + "cost"
    page = client.get(base(ws) + "cost")
    assert page.status_code == 200
    assert dash_config(page)["requests_pathname_prefix"] == base(ws)  # callbacks come back here
    assert client.get(bundle_path(client, ws)).status_code == 200
    tokens = client.get("/monitoring/assets/tokens.css")  # the app's own colours, light and dark
    assert tokens.status_code == 200 and b"--accent:" in tokens.content and b"data-theme='dark'" in tokens.content

    app = make_app(member.workspace)
    now = timezone.now()
    for i in range(3):
        published_run(app, at=now - timedelta(minutes=5 + i), latency_ms=100, cost=0.5)
    published_run(app, at=now - timedelta(minutes=9), status="failed", error_code="model_timeout", latency_ms=50)
    other = make_member()  # its runs never show here
    published_run(make_app(other.workspace, "Other"), at=now - timedelta(minutes=5), cost=9.0)

    perf = update(client, ws, "perf-kpis.children", FILTERS).json()["response"]
    shown = texts(perf["perf-kpis"]["children"])
    assert "4" in shown and "25.0 %" in shown  # requests; error rate 1 of 4
    cost = update(client, ws, "cost-kpis.children", {**FILTERS, "theme": "dark"}).json()["response"]
    assert "$1.50" in texts(cost["cost-kpis"]["children"])
    layout = client.get(base(ws) + "_dash-layout").json()
    assert "Support bot" in str(layout) and "Other" not in str(layout)  # the app filter's choices


@pytest.mark.parametrize("garbage", ["x", -1, 10**30, {"a": 1}, ["x"], "", None, True])
def test_no_callback_fails_on_values_the_page_would_never_send(member, garbage):
    """A crafted callback request gets an answer, never a server error: every callback, every
    input and state set to a value of the wrong kind."""
    client = signed_in(member)
    ws = member.workspace.pk
    for callback in [c for c in dependencies(client, ws) if not c.get("clientside_function")]:
        ids = [i["id"] for i in callback["inputs"] + callback["state"] if isinstance(i["id"], str)]
        response = update(client, ws, callback["output"], dict.fromkeys(ids, garbage))
        assert response.status_code < 500, (callback["output"], garbage, response.content[:300])


def test_a_request_dash_cannot_read_is_answered_in_the_error_shape(member):
    client = signed_in(member)
    ws = member.workspace.pk
    broken = client.post(base(ws) + "_dash-update-component", data="{not json", content_type="application/json")
    assert broken.status_code == 400
    assert broken.json()["error"]["code"] == "invalid_request"
    missing = client.get("/monitoring/_dash-component-suites/nothing/here.js")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
