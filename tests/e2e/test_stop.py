"""Stopping a test run in the editor, in a real browser at 1280×720: while the run is in progress
the Run panel offers Stop instead of Start; Stop drops the model call in progress (the stand-in
model, which holds its answer open, sees its connection closed), the panel says Cancelled, the
canvas marks the LLM node cancelled and keeps the start node's success, and Start comes back.
Web server and Celery worker run as separate processes against the test database."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from playwright.sync_api import expect

from builder.runs.models import NodeTrace, Run
from tests.builder.publishing.support import standin_configured
from tests.e2e.test_editor import create_app, edge, node
from tests.e2e.test_platform_shell import sign_in
from tests.factories import PASSWORD
from tests.runtime.support.openai_stand_in import Reply
from tests.support.members import make_member
from tests.support.processes import Backends, celery_worker, web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = Path(settings.DATA_DIR) / "screenshots"
VIEWPORT = {"width": 1280, "height": 720}


def stand_in_graph() -> dict:
    """start -> LLM (the stand-in model, streamed) -> answer, taking one input `query`."""
    return {
        "name": "Slow thinker",
        "inputs": [{"name": "query", "type": "string"}],
        "nodes": [
            node("start", "start", 80, 200, title="Start"),
            node("llm", "prompt", 380, 200, title="LLM", config={
                "model": {"provider": "standin", "model": "gpt-test"}, "stream": True,
                "messages": [{"role": "user", "template": "{{ inputs.query }}"}]}),
            node("answer", "answer", 680, 200, title="Answer", config={"template": "{{ llm.text }}"}),
        ],
        "edges": [edge("start", "llm"), edge("llm", "answer")],
    }


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"stop-{name}.png"))


def test_stop_a_running_test_run_from_the_run_panel(page, openai_stand_in, settings):
    standin_configured(settings)  # the app calls the 'standin' provider; this process checks its draft
    openai_stand_in.script(Reply.held("Let me think"))
    member = make_member()
    app_id = create_app(member, "Slow thinker", stand_in_graph())
    env = {"LLMOPS_OPENAI_BASE_URL": openai_stand_in.base_url, "LLMOPS_OPENAI_PROVIDER_NAME": "standin",
           "LLMOPS_HTTP_ALLOWLIST": urlparse(openai_stand_in.base_url).netloc}
    backends = Backends()
    page.set_viewport_size(VIEWPORT)

    with web_server(backends, **env) as base, celery_worker(backends, **env):
        sign_in(page, base, member.user.username, PASSWORD)
        expect(page).to_have_url(f"{base}/app/")
        page.goto(f"{base}/app/apps/{app_id}")
        expect(page.get_by_test_id("node-llm")).to_be_visible(timeout=15_000)

        page.get_by_role("button", name="Run", exact=True).click()
        page.locator("#run-input-query").fill("What is the meaning of life?")
        page.get_by_test_id("run-start").click()

        # The model is answering (and holds): the run is in progress.
        answer = page.get_by_test_id("run-answer")
        expect(answer).to_contain_text("Let me think", timeout=60_000)
        expect(page.get_by_test_id("node-status-llm")).to_have_attribute("data-status", "running")
        stop = page.get_by_test_id("run-stop")
        expect(stop).to_be_visible()
        expect(stop).to_be_enabled()
        expect(page.get_by_test_id("run-start")).to_have_count(0)  # Start cannot be clicked meanwhile
        shot(page, "running")

        stop.click()

        expect(answer).to_have_attribute("data-status", "cancelled", timeout=15_000)
        expect(page.get_by_test_id("run-cancelled")).to_contain_text("Cancelled while LLM was running")
        expect(answer).to_contain_text("Let me think")  # what streamed before the stop stays
        expect(page.get_by_test_id("node-status-llm")).to_have_attribute("data-status", "cancelled")
        expect(page.get_by_test_id("node-llm")).to_have_class(re.compile(r"(^|\s)status-cancelled(\s|$)"))
        expect(page.get_by_test_id("node-status-start")).to_have_attribute("data-status", "succeeded")
        expect(page.get_by_test_id("run-stop")).to_have_count(0)
        expect(page.get_by_test_id("run-start")).to_be_enabled()
        shot(page, "cancelled")

        assert openai_stand_in.wait_for_hangup(), "the model's connection was left open"
        run = Run.objects.get(app_id=app_id)
        assert run.status == "cancelled"
        assert dict(NodeTrace.objects.filter(run=run).values_list("node_id", "status")) == {
            "start": "succeeded", "llm": "cancelled"}
