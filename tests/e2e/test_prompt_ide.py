"""The Prompt IDE in a real browser at 1280×720, as a prompt engineer uses it: add a provider on the
Models page (the local OpenAI stand-in, tested before saving), write a prompt with two variables,
run it on the bundled local model and the stand-in side by side in the playground, keep it as a
labelled version, use it from an app's LLM node, publish — and after the label moves to a new
version, the published app still answers with the version it pinned."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from django.conf import settings
from playwright.sync_api import expect

from builder.flows.models import App
from builder.flows.services import app_create
from builder.prompts.services import label_set, prompt_create
from builder.publishing.selectors import publishing_state
from builder.publishing.services import api_key_create
from tests.e2e.test_platform_shell import sign_in
from tests.factories import PASSWORD
from tests.support.members import make_member
from tests.support.processes import Backends, celery_worker, web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = Path(settings.DATA_DIR) / "screenshots"
VIEWPORT = {"width": 1280, "height": 720}


def explainer_app() -> dict:
    """start (input: topic) -> LLM (its own messages, the local model) -> answer."""
    return {
        "inputs": [{"name": "topic", "type": "string"}],
        "nodes": [
            {"id": "start", "type": "start", "title": "Start", "position": {"x": 60, "y": 200}},
            {"id": "llm", "type": "prompt", "title": "LLM", "position": {"x": 360, "y": 200}, "config": {
                "model": {"provider": "local", "model": "smollm2-135m-instruct"},
                "messages": [{"role": "user", "template": "{{ inputs.topic }}"}]}},
            {"id": "answer", "type": "answer", "title": "Answer", "position": {"x": 660, "y": 200},
             "config": {"template": "{{ llm.text }}"}},
        ],
        "edges": [{"id": "e1", "source": "start", "target": "llm"}, {"id": "e2", "source": "llm", "target": "answer"}],
    }


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"prompt-ide-{name}.png"))


def last_messages(stand_in) -> list[dict]:
    return stand_in.chat_requests()[-1]["messages"]


def test_provider_prompt_playground_label_app_publish_and_a_pinned_version(page, openai_stand_in):
    openai_stand_in.models = ["gpt-test", "gpt-mini"]
    member = make_member()
    app = app_create(workspace=member.workspace, name="Explainer", user=member.user, graph=explainer_app())
    _, secret = api_key_create(workspace=member.workspace, name="e2e", user=member.user)
    env = {"LLMOPS_HTTP_ALLOWLIST": urlparse(openai_stand_in.base_url).netloc}
    backends = Backends()
    page.set_viewport_size(VIEWPORT)

    with web_server(backends, **env) as base, celery_worker(backends, **env):
        sign_in(page, base, member.user.username, PASSWORD)
        expect(page).to_have_url(f"{base}/app/")

        # 1. A provider, tested before it is saved.
        page.get_by_role("link", name="Models").click()
        expect(page.get_by_test_id("provider-local")).to_contain_text("bundled")
        page.get_by_role("button", name="Add provider").click()
        form = page.get_by_role("form", name="Add a provider")
        form.get_by_label("Kind").select_option("openai_compatible")
        form.get_by_label("Name", exact=True).fill("standin")
        form.get_by_label("Base URL").fill(openai_stand_in.base_url)
        form.get_by_label("API key (optional)").fill("sk-e2e-key-0000-1234")
        form.get_by_role("button", name="Test connection").click()
        expect(page.get_by_test_id("connection-result")).to_contain_text("Connected: 2 models", timeout=15_000)
        form.get_by_role("button", name="Add all 2 fetched").click()
        form.get_by_role("button", name="Add provider").click()
        expect(page.get_by_test_id("provider-standin")).to_contain_text("key …1234")
        shot(page, "models")

        # 2. A prompt with two variables, saved as v1 on the stand-in's model, labelled production.
        page.get_by_role("link", name="Prompt IDE").click()
        page.get_by_role("button", name="New prompt").click()
        page.get_by_label("Name", exact=True).fill("explainer")
        page.get_by_role("button", name="Create prompt").click()
        editor = page.locator('form[aria-label="New version"]')
        expect(editor).to_be_visible()
        editor.get_by_label("Message 1", exact=True).fill("You are a {{ role }}.")
        editor.get_by_label("Message 2", exact=True).fill("Explain {{ topic }}.")
        editor.get_by_role("button", name="Declare them").click()
        editor.get_by_role("button", name="Remove variable 1").click()  # the starter's unused "question"
        editor.get_by_label("Model", exact=True).select_option(label="gpt-test (standin)")
        editor.get_by_label("Commit message").fill("first")
        page.keyboard.press("Control+s")
        expect(page.get_by_test_id("version-view")).to_contain_text("Explain {{ topic }}.", timeout=10_000)
        page.get_by_role("button", name="Point at v1").click()
        expect(page.get_by_role("list", name="Label moves")).to_contain_text("production set to v1")

        # 3. The playground: the local model and the stand-in, side by side.
        page.get_by_role("link", name="Open in playground").click()
        expect(page.get_by_test_id("column-1")).to_be_visible()
        page.get_by_label("Model of column 1").select_option(label="smollm2-135m-instruct (local)")
        page.get_by_label("Model of column 2").select_option(label="gpt-test (standin)")
        page.get_by_label("Max tokens of column 1").fill("24")
        page.locator("#pg-var-role").fill("naturalist")
        page.locator("#pg-var-topic").fill("owls")
        page.keyboard.press("Control+Enter")
        expect(page.get_by_test_id("column-1-output")).to_contain_text("Hello from the stand-in", timeout=30_000)
        expect(page.get_by_test_id("column-1-metrics")).to_contain_text("7 → 5 tok", timeout=30_000)
        expect(page.get_by_test_id("column-0-metrics")).to_contain_text("tok", timeout=120_000)
        assert page.get_by_test_id("column-0-output").inner_text().strip()
        assert last_messages(openai_stand_in) == [
            {"role": "system", "content": "You are a naturalist."}, {"role": "user", "content": "Explain owls."}]
        shot(page, "playground")

        # 4. The app's LLM node uses explainer@production; publish.
        page.goto(f"{base}/app/apps/{app.pk}")
        page.get_by_test_id("node-llm").click()
        page.get_by_label("Library prompt").fill("explainer@production")
        expect(page.get_by_test_id("prompt-link-status")).to_contain_text("Resolves to explainer v1", timeout=10_000)
        page.get_by_label("role", exact=True).fill("naturalist")
        deadline = time.monotonic() + 15
        while "naturalist" not in str(App.objects.get(pk=app.pk).draft):  # the editor saves the draft by itself
            assert time.monotonic() < deadline, "the draft was not saved"
            time.sleep(0.2)
        shot(page, "node")
        page.get_by_role("button", name="Publish", exact=True).click()
        expect(page.get_by_test_id("publish-success")).to_contain_text("Published v1", timeout=15_000)
        run_url = f"{base}/v1/apps/{app.slug}/run"

        def served() -> list[dict]:
            response = httpx.post(run_url, json={"inputs": {"topic": "owls"}},
                                  headers={"Authorization": f"Bearer {secret}"}, timeout=30)
            assert response.status_code == 200, response.text
            return last_messages(openai_stand_in)

        assert served() == [{"role": "system", "content": "You are a naturalist."},
                            {"role": "user", "content": "Explain owls."}]

        # 5. v2 of the prompt becomes production; the published app keeps the version it pinned.
        page.goto(f"{base}/app/prompts")
        page.get_by_role("link", name="explainer").click()
        page.get_by_role("button", name="New version").click()
        editor = page.locator('form[aria-label="New version"]')
        editor.get_by_label("Message 2", exact=True).fill("Explain {{ topic }} to a child.")
        page.keyboard.press("Control+s")
        expect(page.get_by_test_id("version-view")).to_contain_text("to a child", timeout=10_000)
        page.get_by_role("button", name="Point at v2").click()
        expect(page.get_by_role("list", name="Label moves")).to_contain_text("production v1 → v2")
        assert served()[1] == {"role": "user", "content": "Explain owls."}
        uses = publishing_state(app=App.objects.get(pk=app.pk))["prompts"]
        assert [(u["ref"], u["version"], u["current"], u["outdated"]) for u in uses] == [
            ("explainer@production", 1, 2, True)]

        # 6. The publish panel says so; one click republishes with the latest labels.
        page.goto(f"{base}/app/apps/{app.pk}")
        page.get_by_role("button", name="API", exact=True).click()  # the publish panel
        pins = page.get_by_test_id("publish-prompts")
        expect(pins).to_contain_text("explainer v1", timeout=15_000)
        expect(pins).to_contain_text("production now → v2")
        shot(page, "publish-pins")
        pins.get_by_role("button", name="Republish with latest labels").click()
        expect(page.get_by_test_id("publish-state")).to_have_text("Live · v2", timeout=15_000)
        assert served()[1] == {"role": "user", "content": "Explain owls to a child."}


def test_a_classifier_takes_a_library_prompt_in_place_of_its_input_and_instruction(page):
    member = make_member()
    prompt, _ = prompt_create(workspace=member.workspace, user=member.user, name="triage", version={
        "messages": [{"role": "system", "template": "Tickets of Acme."}, {"role": "user", "template": "{{ ticket }}"}],
        "variables": [{"name": "ticket"}], "model": {"provider": "local", "model": "smollm2-135m-instruct"}})
    label_set(prompt=prompt, name="production", number=1, user=member.user)
    graph = explainer_app()
    graph["nodes"][1] = {"id": "sort", "type": "classifier", "title": "Triage", "position": {"x": 360, "y": 200},
                         "config": {"model": {"provider": "local", "model": "smollm2-135m-instruct"},
                                    "query": "{{ inputs.topic }}",
                                    "classes": [{"id": "bug", "name": "Bug"}, {"id": "other", "name": "Other"}]}}
    graph["nodes"][2]["config"]["template"] = "{{ sort.class_name }}"
    graph["edges"] = [{"id": "e1", "source": "start", "target": "sort"},
                      {"id": "e2", "source": "sort", "source_handle": "bug", "target": "answer"},
                      {"id": "e3", "source": "sort", "source_handle": "other", "target": "answer"}]
    app = app_create(workspace=member.workspace, name="Triage", user=member.user, graph=graph)
    page.set_viewport_size(VIEWPORT)

    with web_server(Backends()) as base:
        sign_in(page, base, member.user.username, PASSWORD)
        page.goto(f"{base}/app/apps/{app.pk}")
        page.get_by_test_id("node-sort").click()
        panel = page.get_by_test_id("node-panel")
        expect(panel.get_by_label("Input", exact=True)).to_be_visible()
        panel.get_by_label("Library prompt").fill("triage@production")

        expect(panel.get_by_test_id("prompt-link-status")).to_contain_text("Resolves to triage v1", timeout=10_000)
        expect(panel.get_by_label("Input", exact=True)).to_have_count(0)
        expect(panel.get_by_label("Instruction", exact=True)).to_have_count(0)
        expect(panel.get_by_label("Messages of the library prompt")).to_have_count(0)
        panel.get_by_label("ticket", exact=True).fill("{{ inputs.topic }}")
        deadline = time.monotonic() + 15
        while "library_prompt" not in str(App.objects.get(pk=app.pk).draft):  # saved by itself
            assert time.monotonic() < deadline, "the draft was not saved"
            time.sleep(0.2)
        shot(page, "classifier")
        config = next(n for n in App.objects.get(pk=app.pk).draft["nodes"] if n["id"] == "sort")["config"]
        assert config["library_prompt"]["ref"] == "triage@production"
