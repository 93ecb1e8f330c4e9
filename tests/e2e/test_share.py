"""Sharing an app as a web chat, in a real browser: a builder turns the chat on in the Publish
panel's Share tab and copies the link; an anonymous visitor opens it, the answer streams in, a
reload keeps the conversation, and the message is a stored run with source web. Then the embed: a
page on another origin with the <script> tag gets a round button that opens the chat in a panel.
The app's model is the local OpenAI stand-in, answering word by word."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from builder.flows.services import app_create
from builder.publishing.services import app_publish, web_chat_update
from builder.runs.models import Run
from tests.builder.publishing.graphs import prompt_graph
from tests.builder.publishing.support import stand_in_env, standin_configured
from tests.e2e.test_platform_shell import sign_in
from tests.factories import PASSWORD
from tests.runtime.support.openai_stand_in import Reply
from tests.support.members import make_member
from tests.support.processes import Backends, free_port, web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = Path(settings.DATA_DIR) / "screenshots"
ANSWER = "The office is on the third floor, next to the kitchen."


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"share-{name}.png"))


def slow_answer(text: str = ANSWER) -> Reply:
    return Reply(text=text, chunk_delay_s=0.25)


def stored_run(app, timeout: float = 10.0) -> Run:
    """The server writes runs in batches just after answering."""
    deadline = time.monotonic() + timeout
    while (run := Run.objects.filter(app=app).first()) is None:
        assert time.monotonic() < deadline, "the chat's run was not stored"
        time.sleep(0.1)
    return run


@contextmanager
def other_site(directory: Path) -> Iterator[str]:
    """Another origin (localhost, its own port) serving the files of ``directory``."""
    port = free_port()
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{port}"
    finally:
        server.shutdown()
        server.server_close()


def test_turn_the_chat_on_and_a_visitor_chats_with_the_streamed_answer(browser, openai_stand_in, settings):
    standin_configured(settings)  # the app calls the stand-in
    member = make_member()
    app = app_create(workspace=member.workspace, name="Front desk", user=member.user, graph=prompt_graph())
    app_publish(app=app, user=member.user)

    with web_server(Backends(), **stand_in_env(openai_stand_in)) as base:
        builder = browser.new_context(viewport={"width": 1440, "height": 900})
        builder.grant_permissions(["clipboard-read", "clipboard-write"])
        page = builder.new_page()
        sign_in(page, base, member.user.username, PASSWORD)
        expect(page).to_have_url(f"{base}/app/")
        page.goto(f"{base}/app/apps/{app.pk}")
        page.get_by_role("button", name="API", exact=True).click()
        page.get_by_role("tab", name="Share").click()
        page.get_by_role("switch", name="Web chat enabled").click()
        expect(page.get_by_test_id("share-notice")).to_have_text("The web chat is on.")
        link = page.get_by_test_id("web-chat-url").inner_text().strip()
        assert link.startswith(f"{base}/chat/")
        page.get_by_role("button", name="Copy chat link").click()
        assert page.evaluate("navigator.clipboard.readText()") == link
        expect(page.get_by_test_id("snippet-embed-script")).to_contain_text(f'src="{base}/embed.js"')
        shot(page, "tab")

        visitor = browser.new_context()  # not signed in
        chat = visitor.new_page()
        chat.goto(link)
        expect(chat).to_have_title("Front desk")
        openai_stand_in.script(slow_answer())
        box = chat.get_by_role("textbox", name="Message")
        box.fill("Where is the office?")
        box.press("Enter")

        answer = chat.get_by_test_id("chat-message").nth(1)
        expect(answer).to_have_attribute("data-state", "streaming")
        expect(answer).to_contain_text("The office")  # the first words, while the rest is on its way
        expect(answer).to_have_attribute("data-state", "streaming")
        expect(chat.get_by_role("button", name="Stop")).to_be_visible()
        shot(chat, "streaming")
        expect(answer).to_have_attribute("data-state", "done", timeout=15_000)
        expect(answer).to_contain_text(ANSWER)

        chat.reload()
        messages = chat.get_by_test_id("chat-message")
        expect(messages).to_have_count(2)
        expect(messages.nth(0)).to_contain_text("Where is the office?")
        expect(messages.nth(1)).to_contain_text(ANSWER)
        shot(chat, "after-reload")

        run = stored_run(app)
        assert (run.source, run.inputs["query"], run.outputs["answer"]) == ("web", "Where is the office?", ANSWER)

        # Turned off: the same link now shows a plain "not available" page.
        page.get_by_role("switch", name="Web chat enabled").click()
        expect(page.get_by_test_id("share-notice")).to_contain_text("The web chat is off")
        chat.reload()
        expect(chat.get_by_role("heading", name="This chat is not available")).to_be_visible()
        visitor.close()
        builder.close()


def test_the_embed_script_opens_the_chat_from_a_round_button_on_another_site(
    browser, tmp_path, openai_stand_in, settings
):
    standin_configured(settings)  # the app calls the stand-in
    member = make_member()
    app = app_create(workspace=member.workspace, name="Front desk", user=member.user, graph=prompt_graph())
    app_publish(app=app, user=member.user)
    token = web_chat_update(app=app, enabled=True).web_chat_token

    with web_server(Backends(), **stand_in_env(openai_stand_in)) as base:
        (tmp_path / "index.html").write_text(
            "<!doctype html><html><head><title>Acme</title>"
            "<style>button { background: red !important; }</style></head>"
            "<body><h1>Acme Corp</h1>"
            f'<script src="{base}/embed.js" data-chat="{token}" data-title="Front desk" defer></script>'
            "</body></html>"
        )
        with other_site(tmp_path) as site:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            page.goto(f"{site}/index.html")
            bubble = page.get_by_role("button", name="Open chat: Front desk")
            expect(bubble).to_be_visible()
            expect(bubble).to_have_attribute("aria-expanded", "false")
            assert bubble.evaluate("b => getComputedStyle(b).backgroundColor") != "rgb(255, 0, 0)", "page CSS leaked in"
            assert page.locator("h1").evaluate("h => getComputedStyle(h).position") == "static", "our CSS leaked out"

            bubble.click()
            close = page.get_by_role("button", name="Close chat")
            expect(close).to_have_attribute("aria-expanded", "true")
            chat = page.frame_locator("iframe[title='Front desk']")
            openai_stand_in.script(slow_answer("Hello from the front desk."))
            box = chat.get_by_role("textbox", name="Message")
            box.fill("Hi there")
            box.press("Enter")
            answer = chat.get_by_test_id("chat-message").nth(1)
            expect(answer).to_have_attribute("data-state", "done", timeout=15_000)
            expect(answer).to_contain_text("Hello from the front desk.")
            shot(page, "embedded")

            box.press("Escape")  # keys inside the iframe: the page asks embed.js to close
            expect(page.get_by_role("button", name="Open chat: Front desk")).to_have_attribute("aria-expanded", "false")
            expect(page.locator("iframe[title='Front desk']")).to_be_hidden()
            context.close()
    assert stored_run(app).source == "web"
