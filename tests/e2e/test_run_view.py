"""A past run on the editor's canvas, in a real browser at 1280×720: the app runs twice from the
editor with different inputs; the first run, opened from the Runs area with "open on canvas", has
an address of its own (`?run=<id>`) and shows that run only — its inputs (read-only, not the values
typed for the last test run), its answer and its node statuses; a reload keeps it, and back and
forward move between the runs seen and the draft; Start run over a past run runs the draft again
with that run's inputs. Web server and Celery worker run as separate
processes against the test database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from builder.runs.models import Run
from tests.builder.flows.graphs import greeting_graph
from tests.e2e.test_editor import create_app, open_editor
from tests.e2e.test_platform_shell import sign_in
from tests.factories import PASSWORD
from tests.support.members import make_member
from tests.support.processes import Backends, celery_worker, web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

SHOTS = Path("/tmp/shots")
VIEWPORT = {"width": 1280, "height": 720}


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"run-view-{name}.png"))


def run_draft(page, name: str) -> None:
    """Runs the draft from the run panel with `name` and waits for its greeting."""
    page.locator("#run-input-name").fill(name)
    page.get_by_test_id("run-start").click()
    answer = page.get_by_test_id("run-answer")
    expect(answer).to_have_text(f"Hello, {name}!", timeout=30_000)
    expect(answer).to_have_attribute("data-status", "succeeded")


def expect_past_run(page, base: str, app_id: int, run_id: str, name: str) -> None:
    """The editor shows exactly the run `run_id`: its address, its inputs, its answer, its statuses."""
    expect(page).to_have_url(f"{base}/app/apps/{app_id}?run={run_id}")
    expect(page.get_by_role("status").filter(has_text="Past run")).to_be_visible()
    expect(page.get_by_test_id("run-answer")).to_have_text(f"Hello, {name}!", timeout=15_000)
    field = page.locator("#run-input-name")
    expect(field).to_have_value(name)
    expect(field).not_to_be_editable()
    expect(page.get_by_test_id("node-status-greet")).to_have_attribute("data-status", "succeeded")


def test_a_past_run_opened_on_the_canvas_shows_that_run_at_its_own_address(page):
    member = make_member()
    app_id = create_app(member, "Greeter", greeting_graph("Hello"))
    backends = Backends()
    page.set_viewport_size(VIEWPORT)

    with web_server(backends) as base, celery_worker(backends):
        sign_in(page, base, member.user.username, PASSWORD)
        expect(page).to_have_url(f"{base}/app/")
        open_editor(page, base, app_id)
        page.get_by_role("button", name="Run", exact=True).click()
        run_draft(page, "Ada")
        run_draft(page, "Grace")  # the form now remembers "Grace" for the next test run
        first, second = (str(r.pk) for r in Run.objects.filter(app_id=app_id).order_by("created_at"))

        # The first run, from the Runs area: its page, then "open on canvas".
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Runs").click()
        rows = page.get_by_test_id("run-row")
        expect(rows).to_have_count(2)
        rows.nth(1).click()  # newest first: the second row is the first run
        expect(page).to_have_url(f"{base}/app/runs/{first}")
        expect(page.get_by_role("region", name="Inputs")).to_contain_text("Ada")
        page.get_by_role("link", name="open on canvas").click()
        expect_past_run(page, base, app_id, first, "Ada")
        shot(page, "first-run")

        # The address is the run's: a reload (or a teammate opening the link) shows the same run.
        page.reload()
        expect_past_run(page, base, app_id, first, "Ada")

        # Another run from the recent runs, then back and forward between the two.
        page.get_by_role("region", name="Recent runs").get_by_role("button").first.click()
        expect_past_run(page, base, app_id, second, "Grace")
        page.go_back()
        expect_past_run(page, base, app_id, first, "Ada")
        page.go_forward()
        expect_past_run(page, base, app_id, second, "Grace")

        # Back to the draft: the address names no run, the form is the draft's again.
        page.get_by_role("status").filter(has_text="Past run").get_by_role("button", name="Back to draft").click()
        expect(page).to_have_url(re.compile(rf"/app/apps/{app_id}$"))
        expect(page.get_by_role("status").filter(has_text="Past run")).to_have_count(0)
        expect(page.locator("#run-input-name")).to_be_editable()
        shot(page, "back-to-draft")

        # Start run over a past run runs the draft again with that run's inputs, which the form keeps.
        page.go_back()
        page.go_back()
        expect_past_run(page, base, app_id, first, "Ada")
        page.get_by_test_id("run-start").click()
        expect(page).to_have_url(re.compile(rf"/app/apps/{app_id}$"))
        expect(page.get_by_test_id("run-answer")).to_have_text("Hello, Ada!", timeout=30_000)
        expect(page.locator("#run-input-name")).to_have_value("Ada")
        expect(page.locator("#run-input-name")).to_be_editable()
        assert Run.objects.filter(app_id=app_id).count() == 3
