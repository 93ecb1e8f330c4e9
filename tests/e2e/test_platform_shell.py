"""A user signs in through the real login page and starts a background job from the debug page;
its progress arrives live over the websocket. Web server and worker run as separate processes."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.support.members import make_member
from tests.support.processes import Backends, celery_worker, web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = Path(settings.DATA_DIR) / "screenshots"


def sign_in(page, base, username, password):
    page.goto(base + "/")
    expect(page).to_have_url(f"{base}/accounts/login/?next=/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_and_run_a_job_with_live_progress(page):
    member = make_member()
    backends = Backends()

    with web_server(backends) as base, celery_worker(backends):
        sign_in(page, base, member.user.username, PASSWORD)

        expect(page).to_have_url(f"{base}/app/")
        expect(page.get_by_test_id("workspace-name")).to_have_text(member.workspace.name)
        page.goto(f"{base}/app/debug")
        expect(page.get_by_test_id("connection-state")).to_have_attribute("data-state", "open", timeout=15_000)
        page.get_by_role("button", name="Run a test job").click()
        expect(page.get_by_test_id("job-status")).to_have_text("succeeded", timeout=30_000)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "app-shell-job.png"))


def test_every_page_has_its_icon_and_nothing_it_loads_is_missing(page):
    member = make_member()
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)

    with web_server(Backends()) as base:
        sign_in(page, base, member.user.username, PASSWORD)
        expect(page).to_have_url(f"{base}/app/")
        for path in ("/app/", "/accounts/login/"):
            page.goto(base + path)
            icon = page.locator("link[rel=icon]").get_attribute("href")
            answer = page.request.get(base + icon)
            assert answer.status == 200 and answer.headers["content-type"].startswith("image/svg")
        page.wait_for_load_state("networkidle")
    assert missing == []


def test_a_wrong_password_shows_an_error_and_stays_on_the_login_page(page):
    member = make_member()

    with web_server(Backends()) as base:
        sign_in(page, base, member.user.username, "not the password")

        expect(page.get_by_role("alert")).to_contain_text("correct username and password")
        expect(page).to_have_url(f"{base}/accounts/login/?next=/")
