"""`llmops publish` against a running platform: a file becomes a published app, headless."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from builder.accounts.services import access_token_create
from builder.flows.models import App
from builder.publishing.models import Label
from tests.support.members import make_member
from tests.support.processes import Backends, web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
APP_FILE = ROOT / "fixtures" / "apps" / "webhook_notifier.yaml"


OPENAI_APP = """
name: Asks OpenAI
inputs: [{name: q, type: string}]
nodes:
  - {id: start, type: start}
  - id: ask
    type: prompt
    config:
      model: {provider: openai, model: gpt-4o}
      messages: [{role: user, template: "{{ inputs.q }}"}]
  - {id: answer, type: answer, config: {template: "{{ ask.text }}"}}
edges:
  - {id: e1, source: start, target: ask}
  - {id: e2, source: ask, target: answer}
"""


def publish(base, token, *args, file=APP_FILE):
    env = {**os.environ, "LLMOPS_TOKEN": token}
    return subprocess.run(
        [sys.executable, "-m", "runtime.cli", "publish", str(file), "--server", base, *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )


def test_publish_creates_the_app_then_publishes_new_versions_and_labels(tmp_path):
    openai_app = tmp_path / "asks_openai.yaml"
    openai_app.write_text(OPENAI_APP)
    member = make_member()
    _, token = access_token_create(user=member.user, name="ci")
    workspace = str(member.workspace.pk)

    with web_server(Backends()) as base:
        first = publish(base, token, "--workspace", workspace, "--name", "Notifier")
        second = publish(base, token, "--workspace", workspace, "--name", "Notifier", "--label", "staging")
        refused = publish(base, "llm_00000000_wrong", "--workspace", workspace)
        cannot_run = publish(base, token, "--workspace", workspace, file=openai_app)

    assert first.returncode == 0, first.stderr
    assert "as version 1 (production)" in first.stdout and "/v1/apps/notifier/run" in first.stdout
    assert second.returncode == 0, second.stderr
    app = App.objects.get(workspace=member.workspace, name="Notifier")
    labels = {label.name: label.version.number for label in Label.objects.filter(app=app)}
    assert labels == {"production": 2, "staging": 2}
    assert refused.returncode == 1 and "authentication_failed" in refused.stderr
    # Valid as a file, but the platform has no OpenAI provider: refused, saying which node and why.
    assert cannot_run.returncode == 1 and "[app_invalid]" in cannot_run.stderr
    assert "model_not_configured  node ask, field model  model openai/gpt-4o is not available" in cannot_run.stderr
    assert not Label.objects.filter(app__name="Asks OpenAI").exists()
