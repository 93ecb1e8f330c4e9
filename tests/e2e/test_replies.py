"""Annotation replies in a real browser: a builder adds an approved answer in the Publish panel's
Replies tab and turns replies on; a visitor of the web chat asks the same thing in other words and
gets the approved answer without the model being called; the tab then shows the reply's hit."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from builder.flows.services import app_create
from builder.publishing.services import app_publish, web_chat_update
from builder.replies.models import Reply
from tests.builder.publishing.graphs import prompt_graph
from tests.builder.publishing.support import stand_in_env, standin_configured
from tests.builder.replies.support import APPROVED, PARAPHRASED, REVIEWED
from tests.e2e.test_platform_shell import sign_in
from tests.factories import PASSWORD
from tests.support.members import make_member
from tests.support.processes import Backends, web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]


def test_an_approved_answer_added_in_the_replies_tab_answers_a_paraphrase_in_the_web_chat(
    browser, openai_stand_in, settings
):
    standin_configured(settings)  # the app calls the stand-in
    member = make_member()
    app = app_create(workspace=member.workspace, name="Helpdesk", user=member.user, graph=prompt_graph())
    app_publish(app=app, user=member.user)
    token = web_chat_update(app=app, enabled=True).web_chat_token

    with web_server(Backends(), **stand_in_env(openai_stand_in), LLMOPS_WARM_EMBEDDINGS="1") as base:
        builder = browser.new_context(viewport={"width": 1440, "height": 900})
        page = builder.new_page()
        sign_in(page, base, member.user.username, PASSWORD)
        expect(page).to_have_url(f"{base}/app/")
        page.goto(f"{base}/app/apps/{app.pk}")
        page.get_by_role("button", name="API", exact=True).click()
        page.get_by_role("tab", name="Replies").click()
        switch = page.get_by_role("switch", name="Replies enabled")
        expect(switch).to_have_attribute("aria-checked", "false")

        page.get_by_label("Question", exact=True).fill(REVIEWED)
        page.get_by_label("Approved answer").fill(APPROVED)
        page.get_by_role("button", name="Add reply").click()
        # embedded by the local model, which the fresh server may still be loading
        expect(page.get_by_test_id("reply-list")).to_contain_text(REVIEWED, timeout=30_000)
        switch.click()
        expect(page.get_by_test_id("replies-notice")).to_have_text("Replies are on.")
        expect(switch).to_have_attribute("aria-checked", "true")

        visitor = browser.new_context()  # not signed in
        chat = visitor.new_page()
        chat.goto(f"{base}/chat/{token}/")
        box = chat.get_by_role("textbox", name="Message")
        box.fill(PARAPHRASED)
        box.press("Enter")
        answer = chat.get_by_test_id("chat-message").nth(1)
        expect(answer).to_have_attribute("data-state", "done", timeout=30_000)
        expect(answer).to_contain_text(APPROVED)
        assert openai_stand_in.chat_requests() == [], "a served reply must not call the model"

        page.get_by_role("tab", name="API runs").click()
        page.get_by_role("tab", name="Replies").click()
        expect(page.get_by_test_id("reply-hits")).to_have_text("1 hit")
        assert Reply.objects.get(app=app).hit_count == 1
        visitor.close()
        builder.close()
