"""What is live, and what changed, in a real browser at 1280×720: publish an LLM app from the
editor and its card on the Apps page says Published, production → v1; change one word of its
prompt and the card says the draft changed since publish; the version compare shows the prompt
side by side, whole, with the changed word highlighted."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_editor import create_app, llm_graph, open_editor, select_node
from tests.e2e.test_platform_shell import sign_in
from tests.factories import PASSWORD
from tests.support.members import make_member
from tests.support.processes import Backends, web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

SHOTS = Path("/tmp/shots")
VIEWPORT = {"width": 1280, "height": 720}
PROMPT = (
    "Greet {{ inputs.query }} politely, then say in one sentence that the shop is open from nine to "
    "five on weekdays and closed on public holidays."
)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"live-{name}.png"))


def app_card(page, base: str, app_id: int):
    page.goto(f"{base}/app/")
    card = page.get_by_test_id(f"app-{app_id}")
    expect(card).to_be_visible()
    return card


def test_publish_see_it_live_on_the_apps_page_then_see_the_changed_word_in_the_compare(page):
    member = make_member()
    app_id = create_app(member, "Shop greeter", llm_graph("Shop greeter", PROMPT))
    page.set_viewport_size(VIEWPORT)

    with web_server(Backends()) as base:
        sign_in(page, base, member.user.username, PASSWORD)
        expect(page).to_have_url(f"{base}/app/")
        expect(page.get_by_test_id(f"app-{app_id}").get_by_test_id("live-status")).to_have_text("Draft")

        open_editor(page, base, app_id)
        page.get_by_role("button", name="Publish", exact=True).click()
        expect(page.get_by_test_id("publish-success")).to_contain_text("Published v1", timeout=15_000)

        status = app_card(page, base, app_id).get_by_test_id("live-status")
        expect(status).to_contain_text("Published")
        expect(status.locator(".live-label")).to_have_text(["production → v1"])
        expect(status).not_to_contain_text("Draft changes since publish")
        shot(page, "apps-published")

        open_editor(page, base, app_id)
        panel = select_node(page, "llm")
        panel.get_by_role("textbox", name="Content").fill(PROMPT.replace("politely", "warmly"))
        expect(page.get_by_test_id("save-state")).to_have_attribute("data-state", "saved")

        page.get_by_role("button", name="Versions", exact=True).click()
        drawer = page.get_by_role("complementary", name="Versions")
        expect(drawer.get_by_label("Compare from")).to_have_value("1")
        expect(drawer.get_by_label("Compare to")).to_have_value("draft")
        drawer.get_by_role("button", name="Compare").click()
        message = page.get_by_test_id("diff-list").get_by_test_id("message-diff")
        expect(message).to_have_count(1)
        expect(message).to_contain_text("#1 user")
        expect(message.get_by_label("Before").locator("del")).to_have_text(["politely"])
        expect(message.get_by_label("After").locator("ins")).to_have_text(["warmly"])
        expect(message.get_by_label("After")).to_have_text(PROMPT.replace("politely", "warmly"))  # whole, not cut
        marked = message.get_by_label("After").locator("ins")
        assert marked.evaluate("el => getComputedStyle(el).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
        shot(page, "compare")

        status = app_card(page, base, app_id).get_by_test_id("live-status")
        expect(status.locator(".live-label")).to_have_text(["production → v1"])
        expect(status).to_contain_text("Draft changes since publish")
        shot(page, "apps-draft-changed")
