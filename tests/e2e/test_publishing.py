"""One-click publishing in a real browser: publish from the editor, make an API key in the UI and
read its secret once, call the endpoint with httpx, with the official `openai` client and with the
panel's own copy-paste snippets (curl, Python, JavaScript); publish a second version, roll back in
one click and see the served answer change back; every call shows up in the panel's API runs and
opens in the editor's run drawer. The app is template-only (start -> template -> answer): no model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from openai import OpenAI
from playwright.sync_api import expect

from builder.flows.services import app_create, draft_save
from tests.e2e.test_platform_shell import sign_in
from tests.factories import PASSWORD
from tests.support.members import make_member
from tests.support.processes import Backends, web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = Path(settings.DATA_DIR) / "screenshots"
VIEWPORT = {"width": 1440, "height": 900}


def greeting_graph(greeting: str) -> dict:
    """start -> template -> answer; answers '<greeting>, <name>!'."""
    return {
        "inputs": [{"name": "name", "type": "string"}],
        "nodes": [
            {"id": "start", "type": "start", "title": "Start", "position": {"x": 0, "y": 0}},
            {"id": "greet", "type": "template", "title": "Greet",
             "config": {"template": greeting + ", {{ inputs.name }}!"}, "position": {"x": 280, "y": 0}},
            {"id": "answer", "type": "answer", "title": "Answer",
             "config": {"template": "{{ greet.text }}"}, "position": {"x": 560, "y": 0}},
        ],
        "edges": [
            {"id": "e1", "source": "start", "target": "greet"},
            {"id": "e2", "source": "greet", "target": "answer"},
        ],
    }


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"publish-{name}.png"))


def served_answer(run_url: str, secret: str, name: str = "Ada") -> str:
    response = httpx.post(run_url, json={"inputs": {"name": name}}, headers={"Authorization": f"Bearer {secret}"},
                          timeout=20)
    assert response.status_code == 200, response.text
    return response.json()["outputs"]["answer"]


def eventually_served(run_url: str, secret: str, expected: str, timeout: float = 10.0) -> None:
    """A label move is served at once by this process; allow the gateway's cache a moment anyway."""
    deadline = time.monotonic() + timeout
    while (answer := served_answer(run_url, secret)) != expected:
        assert time.monotonic() < deadline, f"still served {answer!r}, expected {expected!r}"
        time.sleep(0.2)


def run_snippet(args: list[str], secret: str, cwd: Path) -> str:
    result = subprocess.run(args, env={**os.environ, "LLMOPS_API_KEY": secret}, cwd=cwd, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, f"{args[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_publish_from_the_editor_call_with_a_ui_key_and_roll_back_in_one_click(page, tmp_path):
    member = make_member()
    user = member.user
    app = app_create(workspace=member.workspace, name="Greeter", user=user, graph=greeting_graph("Hello"))
    page.set_viewport_size(VIEWPORT)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])

    with web_server(Backends()) as base:
        sign_in(page, base, user.username, PASSWORD)
        expect(page).to_have_url(f"{base}/app/")
        page.goto(f"{base}/app/apps/{app.pk}")
        expect(page.get_by_test_id("node-greet")).to_be_visible()
        expect(page.get_by_test_id("checklist-count")).to_have_text("0")

        # One click: validate, version, production -> v1; the panel shows the endpoint URL.
        page.get_by_role("button", name="Publish", exact=True).click()
        success = page.get_by_test_id("publish-success")
        expect(success).to_contain_text("Published v1", timeout=15_000)
        run_url = f"{base}/v1/apps/{app.slug}/run"
        expect(page.get_by_test_id("publish-success-url")).to_have_text(run_url)
        expect(page.get_by_test_id("publish-state")).to_have_text("Live · v1")
        expect(page.get_by_test_id("label-production-version")).to_have_text("v1")
        success.get_by_role("button", name="Copy endpoint URL").click()
        assert page.evaluate("navigator.clipboard.readText()") == run_url
        shot(page, "published")

        # A key made in the UI; its secret is shown once.
        page.get_by_role("tab", name="API keys").click()
        page.get_by_label("Key name").fill("e2e backend")
        page.get_by_role("button", name="Create key").click()
        expect(page.get_by_test_id("api-key-created")).to_contain_text("it will not be shown again")
        secret = page.get_by_test_id("api-key-secret").inner_text().strip()
        assert secret.startswith("lsk_")
        page.get_by_role("button", name="Copy API key").click()
        assert page.evaluate("navigator.clipboard.readText()") == secret
        prefix = secret.split("_")[1]
        expect(page.get_by_test_id(f"api-key-{prefix}")).to_contain_text(f"Scope: this app ({app.slug})")
        shot(page, "key-created")

        # Call it: plain HTTP and the official openai client (model = the app's slug).
        assert served_answer(run_url, secret) == "Hello, Ada!"
        client = OpenAI(base_url=f"{base}/v1", api_key=secret)
        reply = client.chat.completions.create(model=app.slug, messages=[{"role": "user", "content": "Grace"}])
        assert reply.choices[0].message.content == "Hello, Grace!"

        # The panel's snippets run as shown, with the key in LLMOPS_API_KEY.
        page.get_by_role("button", name="Use it in a snippet").click()
        expect(page.get_by_test_id("snippet-key-setup")).to_have_text(f"export LLMOPS_API_KEY='{secret}'")
        curl = page.get_by_test_id("snippet-curl").inner_text()
        page.get_by_role("button", name="Copy curl snippet").click()
        assert page.evaluate("navigator.clipboard.readText()") == curl
        shot(page, "snippets")
        if shutil.which("curl"):
            answer = json.loads(run_snippet(["bash", "-c", curl], secret, tmp_path))
            assert answer["outputs"] == {"answer": "Hello, Hello!"}
        page.get_by_role("tab", name="Python (openai)").click()
        (tmp_path / "app.py").write_text(page.get_by_test_id("snippet-python").inner_text())
        assert run_snippet([sys.executable, "app.py"], secret, tmp_path).strip() == "Hello, Hello!"
        page.get_by_role("tab", name="JavaScript (SSE)").click()
        if shutil.which("node"):
            (tmp_path / "app.mjs").write_text(page.get_by_test_id("snippet-javascript").inner_text())
            out = run_snippet(["node", "app.mjs"], secret, tmp_path)
            assert out.startswith("Hello, Hello!") and '"run.finished"' in out, out

        # A second version, published with the same button: production -> v2 serves the new text.
        app.refresh_from_db()
        draft_save(app=app, graph=greeting_graph("Howdy"), revision=app.draft_revision, user=user)
        page.reload()
        expect(page.get_by_test_id("node-greet")).to_be_visible()
        page.get_by_role("button", name="Publish", exact=True).click()
        expect(page.get_by_test_id("publish-success")).to_contain_text("Published v2", timeout=15_000)
        eventually_served(run_url, secret, "Howdy, Ada!")

        # Rollback: one click (and a confirmation) puts production back on v1, without a restart.
        page.get_by_role("tab", name="Endpoint").click()
        page.get_by_role("button", name="↶ Roll back to v1").click()
        page.get_by_role("button", name="Confirm rollback").click()
        expect(page.get_by_test_id("label-production-version")).to_have_text("v1")
        expect(page.get_by_test_id("publish-notice")).to_have_text("Rolled production back to v1.")
        eventually_served(run_url, secret, "Hello, Ada!")
        audit = page.get_by_test_id("label-audit")
        expect(audit.locator("li").first).to_contain_text("production rolled back: v2 → v1")
        expect(audit.locator("li").first).to_contain_text(user.username)
        expect(audit.locator("li")).to_have_count(3)
        shot(page, "rolled-back")

        # Every call is a traced run in the panel; a click opens it in the editor's run drawer.
        page.get_by_role("tab", name="API runs").click()
        runs = page.get_by_test_id("api-run")
        expect(runs.first).to_be_visible(timeout=15_000)
        page.get_by_role("button", name="Refresh").click()
        # 2 direct calls + 3 snippets on v1, then at least one on v2 and one after the rollback.
        expect(runs.nth(6)).to_be_visible(timeout=15_000)
        expect(runs.first).to_contain_text("production · v1")
        expect(runs.first).to_contain_text("Hello, Ada!")
        expect(page.get_by_test_id("api-runs")).to_contain_text("Hello, Grace!")
        expect(page.get_by_test_id("api-runs")).to_contain_text(f"key lsk_{prefix}…")
        shot(page, "api-runs")
        runs.first.click()
        run_panel = page.get_by_role("complementary", name="Test run")
        expect(run_panel).to_be_visible()
        expect(page.get_by_test_id("run-answer")).to_have_text("Hello, Ada!")
        expect(page.get_by_test_id("node-status-greet")).to_have_attribute("data-status", "succeeded")
        shot(page, "run-trace")
