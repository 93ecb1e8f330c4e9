"""A web chat whose answer has text around the model's (``Hi! {{ ask.text }} Bye.``), in a real
browser, for a visitor who is not signed in: a typing indicator, then the text before the model's
and its first token while the model is still answering, then the rest. On the bundled local model
it prints the time to the first token in the chat next to the model's own."""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect

from builder.flows.services import app_create
from builder.publishing.services import app_publish, web_chat_update
from tests.builder.publishing.support import stand_in_env, standin_configured
from tests.builder.publishing.test_v1_streaming_answer import (
    QUESTION,
    answer_graph,
    local_answer_graph,
    model_first_token_ms,
)
from tests.e2e.test_share import shot, stored_run
from tests.runtime.support.openai_stand_in import Reply
from tests.support.members import make_member
from tests.support.processes import Backends, web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

# Records each text the visitor's answer bubble shows (the typing indicator's "Writing…" left out),
# with when it showed, from the moment Enter is pressed in the message box.
WATCH_THE_ANSWER = """() => {
    window.shown = [];
    window.sentAt = null;
    document.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' && window.sentAt === null) window.sentAt = performance.now();
    }, true);
    new MutationObserver(() => {
        const bubbles = document.querySelectorAll('[data-testid="chat-message"][data-role="assistant"] .chat-bubble');
        const bubble = bubbles[bubbles.length - 1];
        if (!bubble || window.sentAt === null) return;
        const typing = bubble.querySelector('[data-testid="chat-typing"]');
        const text = bubble.textContent.replace(typing ? typing.textContent : '', '');
        const last = window.shown[window.shown.length - 1];
        if (!last || last[1] !== text) window.shown.push([performance.now() - window.sentAt, text, !!typing]);
    }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def shared_app(graph: dict) -> tuple[object, str]:
    member = make_member()
    app = app_create(workspace=member.workspace, name="Front desk", user=member.user, graph=graph)
    app_publish(app=app, user=member.user)
    return app, web_chat_update(app=app, enabled=True).web_chat_token


def test_a_visitor_sees_the_text_before_the_model_and_its_first_token_before_the_run_ends(
    browser, openai_stand_in, settings
):
    standin_configured(settings)  # the app calls the stand-in
    app, token = shared_app(answer_graph())
    release = threading.Event()  # the stand-in holds all after the model's first word until set
    openai_stand_in.script(Reply(text="one two three", release=release))

    try:
        with web_server(Backends(), **stand_in_env(openai_stand_in)) as base:
            visitor = browser.new_context()  # not signed in
            chat = visitor.new_page()
            chat.goto(f"{base}/chat/{token}")
            expect(chat).to_have_title("Front desk")
            box = chat.get_by_role("textbox", name="Message")
            box.fill("Count to three")
            box.press("Enter")

            answer = chat.get_by_test_id("chat-message").nth(1)
            expect(answer).to_contain_text("Hi! one")  # while the model holds the rest of its answer
            expect(answer).to_have_attribute("data-state", "streaming")
            expect(answer.get_by_test_id("chat-typing")).to_have_count(0)
            shot(chat, "streaming-around-the-model")
            assert not release.is_set()

            release.set()
            expect(answer).to_have_attribute("data-state", "done", timeout=15_000)
            expect(answer).to_contain_text("Hi! one two three Bye.")
            visitor.close()
    finally:
        release.set()
    run = stored_run(app)
    assert (run.source, run.outputs) == ("web", {"answer": "Hi! one two three Bye."})


def test_time_to_first_token_in_the_web_chat_against_the_local_model(browser):
    app, token = shared_app(local_answer_graph())

    with web_server(Backends()) as base:
        visitor = browser.new_context()
        chat = visitor.new_page()
        hello = {"messages": [{"role": "user", "content": "Hi"}]}
        warm = chat.request.post(f"{base}/v1/share/{token}/chat", data=hello, timeout=120_000)  # loads the model there
        assert warm.status == 200, warm.text()
        alone_ms, alone_text = model_first_token_ms()

        chat.goto(f"{base}/chat/{token}")
        chat.evaluate(WATCH_THE_ANSWER)
        box = chat.get_by_role("textbox", name="Message")
        box.fill(QUESTION)
        box.press("Enter")
        answer = chat.get_by_test_id("chat-message").nth(1)
        expect(answer).to_have_attribute("data-state", "done", timeout=60_000)
        shown = chat.evaluate("window.shown")
        visitor.close()

    typing = [ms for ms, text, indicator in shown if indicator and not text]
    texts = [text for _, text, _ in shown if text]
    prefix_ms = next(ms for ms, text, _ in shown if text)
    token_ms = next(ms for ms, text, _ in shown if text.strip() not in ("", "Hi!"))
    print(f"\n  SmolLM2 first token: the model alone {alone_ms:.0f} ms ({alone_text!r}); in the web chat "
          f"{token_ms:.0f} ms after Enter, {token_ms - prefix_ms:.0f} ms after 'Hi!' showed (at {prefix_ms:.0f} ms; "
          f"the typing indicator from {typing[0] if typing else float('nan'):.0f} ms)")

    assert texts[0] == "Hi! " and len(texts) > 3, texts  # the text before the model's, then token by token
    final = texts[-1]
    assert final.startswith("Hi! ") and final.endswith(" Bye.")
    assert stored_run(app).outputs == {"answer": final}
