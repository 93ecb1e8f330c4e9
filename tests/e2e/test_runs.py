"""The Runs area in a real browser: calls through the public endpoint — a template app, and a model
app whose (stand-in) model fails once — show up in /app/runs; filtering by status and by app
narrows the list and survives a reload; a row opens the run with its key, label, error and node
trace."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from playwright.sync_api import expect

from builder.publishing.services import api_key_create
from tests.builder.publishing.graphs import greeting_graph, prompt_graph
from tests.builder.publishing.support import bearer, gateway_server, published, standin_configured, wait_for_run
from tests.e2e.test_platform_shell import sign_in
from tests.factories import PASSWORD
from tests.runtime.support.openai_stand_in import Reply
from tests.support.members import make_member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = Path(settings.DATA_DIR) / "screenshots"
VIEWPORT = {"width": 1440, "height": 900}


def call(base: str, app, secret: str, inputs: dict, expected_status: int = 200) -> str:
    response = httpx.post(f"{base}/v1/apps/{app.slug}/run", json={"inputs": inputs}, headers=bearer(secret),
                          timeout=30)
    assert response.status_code == expected_status, response.text
    body = response.json()
    return body["run_id"] if expected_status == 200 else body["error"]["details"]["run_id"]


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"runs-{name}.png"))


def test_filter_the_run_list_and_open_a_run_with_its_trace(page, openai_stand_in, settings):
    standin_configured(settings)  # "Asker" calls the stand-in
    member = make_member()
    greeter = published(member, greeting_graph("Hello"), name="Greeter")
    asker = published(member, prompt_graph(stream=False), name="Asker")
    key, secret = api_key_create(workspace=member.workspace, name="e2e backend", user=member.user)
    openai_stand_in.script(Reply(text="Paris.", usage=(9, 2)), Reply.error(400, "bad prompt"))
    page.set_viewport_size(VIEWPORT)

    with gateway_server(openai_stand_in) as base:
        made = [
            (call(base, greeter, secret, {"name": "Ada"}), "succeeded"),
            (call(base, asker, secret, {"query": "Capital of France?"}), "succeeded"),
            (call(base, asker, secret, {"query": "Break it"}, expected_status=502), "failed"),
            (call(base, greeter, secret, {"name": "Grace"}), "succeeded"),
        ]
        for run_id, status in made:
            wait_for_run(run_id, status=status)

        sign_in(page, base, member.user.username, PASSWORD)
        expect(page).to_have_url(f"{base}/app/")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Runs").click()
        expect(page).to_have_url(f"{base}/app/runs")
        rows = page.get_by_test_id("run-row")
        expect(rows).to_have_count(4)
        expect(rows.first).to_contain_text("Greeter")
        expect(rows.first).to_contain_text("v1 · production")
        expect(rows.first).to_contain_text(f"e2e backend · lsk_{key.prefix}…")
        expect(page.get_by_test_id("runs-count")).to_have_text("4 runs")
        shot(page, "list")

        # Status: only the failed call; the filter is in the URL and survives a reload.
        page.get_by_role("button", name="failed", exact=True).click()
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Asker")
        expect(rows.first).to_have_attribute("data-status", "failed")
        expect(page).to_have_url(re.compile(r"/app/runs\?status=failed$"))
        page.reload()
        expect(rows).to_have_count(1)
        expect(page.get_by_role("button", name="failed", exact=True)).to_have_attribute("aria-pressed", "true")

        # The failed run: its error and the node that failed.
        rows.first.click()
        expect(page).to_have_url(f"{base}/app/runs/{made[2][0]}")
        expect(page.get_by_test_id("run-status")).to_have_text("failed")
        expect(page.get_by_test_id("run-error")).to_be_visible()
        expect(page.get_by_test_id("trace-ask")).to_have_attribute("data-status", "failed")
        shot(page, "failed-run")
        page.get_by_role("link", name="← Runs").click()
        expect(page).to_have_url(re.compile(r"/app/runs\?status=failed$"))

        # App instead of status: the two Greeter calls, newest first.
        page.get_by_role("button", name="failed", exact=True).click()
        page.get_by_test_id("filter-app").select_option(label="Greeter")
        expect(page).to_have_url(re.compile(rf"/app/runs\?app={greeter.pk}$"))
        expect(rows).to_have_count(2)
        expect(page.get_by_test_id("filter-version")).to_be_enabled()

        # A row opens the run: summary, inputs, and the trace of its nodes.
        rows.first.click()
        expect(page).to_have_url(f"{base}/app/runs/{made[3][0]}")
        expect(page.get_by_test_id("run-status")).to_have_text("succeeded")
        expect(page.get_by_test_id("run-app")).to_have_text("Greeter")
        expect(page.get_by_test_id("run-label")).to_have_text("production")
        expect(page.get_by_test_id("run-key")).to_have_text(f"e2e backend · lsk_{key.prefix}…")
        expect(page.get_by_test_id("run-source")).to_have_text("API")
        expect(page.get_by_role("region", name="Inputs")).to_contain_text("Grace")
        for node in ("start", "greet", "answer"):
            expect(page.get_by_test_id(f"trace-{node}")).to_have_attribute("data-status", "succeeded")
        page.get_by_test_id("trace-greet").get_by_role("button").click()
        expect(page.get_by_test_id("trace-greet")).to_contain_text("Hello, Grace!")
        assert secret not in page.content()
        shot(page, "detail")

        # The app link leads to the editor with this run on the read-only canvas.
        page.get_by_role("link", name="open on canvas").click()
        expect(page.get_by_test_id("run-answer")).to_have_text("Hello, Grace!", timeout=15_000)
        expect(page.get_by_test_id("node-status-greet")).to_have_attribute("data-status", "succeeded")
