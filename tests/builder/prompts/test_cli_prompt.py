"""`llmops prompt` against a running platform, from a clean shell: push a version from a file (the
prompt is created), push a second with a label, list, show a reference, move a label back, and an
exported prompt pushed whole; a refusal is a message and exit code 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from builder.accounts.services import access_token_create
from builder.prompts.models import Prompt, PromptLabel
from tests.support.members import make_member
from tests.support.processes import Backends, web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]

VERSION_FILE = """
name: support-answer
commit_message: {message}
messages:
  - {{role: system, template: "Answer in a {{{{ tone }}}} tone."}}
  - {{role: user, template: "{{{{ question }}}}"}}
variables: [{{name: tone, default: friendly}}, {{name: question}}]
model: {{provider: local, model: smollm2-135m-instruct, temperature: {temperature}}}
"""


def llmops(base, token, workspace, *args):
    env = {**os.environ, "LLMOPS_TOKEN": token}
    return subprocess.run([sys.executable, "-m", "runtime.cli", "prompt", *args, "--server", base,
                           "--workspace", str(workspace)], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120)


def test_push_list_show_and_label_prompts_from_the_shell(tmp_path):
    member = make_member()
    _, token = access_token_create(user=member.user, name="ci")
    first, second = tmp_path / "v1.yaml", tmp_path / "v2.yaml"
    first.write_text(VERSION_FILE.format(message="first", temperature=0.2))
    second.write_text(VERSION_FILE.format(message="warmer", temperature=0.7))
    ws = member.workspace.pk

    with web_server(Backends()) as base:
        pushed = llmops(base, token, ws, "push", str(first), "--label", "production")
        again = llmops(base, token, ws, "push", str(second), "--label", "staging")
        listed = llmops(base, token, ws, "list")
        shown = llmops(base, token, ws, "show", "support-answer@staging")
        moved = llmops(base, token, ws, "label", "support-answer", "staging", "1")
        exported = tmp_path / "export.yaml"
        exported.write_text(member.client.get(
            f"/api/workspaces/{ws}/prompts/{Prompt.objects.get().pk}/export/").content.decode())
        imported = llmops(base, token, ws, "push", str(exported))
        unknown = llmops(base, token, ws, "show", "nothing@production")
        no_token = subprocess.run([sys.executable, "-m", "runtime.cli", "prompt", "list", "--workspace", str(ws)],
                                  capture_output=True, text=True, cwd=ROOT, timeout=60,
                                  env={k: v for k, v in os.environ.items() if k != "LLMOPS_TOKEN"})

    assert pushed.returncode == 0, pushed.stderr
    assert "pushed 'support-answer' as version 1" in pushed.stdout and "production → v1" in pushed.stdout
    assert again.returncode == 0 and "as version 2" in again.stdout
    assert "support-answer  latest v2" in listed.stdout and "production→v1, staging→v2" in listed.stdout
    assert shown.returncode == 0 and "# support-answer v2 [staging] — warmer" in shown.stdout
    assert "temperature: 0.7" in shown.stdout
    assert moved.returncode == 0 and "support-answer@staging: v2 → v1" in moved.stdout
    assert imported.returncode == 0 and "imported 'support-answer-2' with 2 versions" in imported.stdout
    assert unknown.returncode == 1 and "[prompt_not_found]" in unknown.stderr
    assert no_token.returncode == 2 and "LLMOPS_TOKEN" in no_token.stderr
    labels = {(p.prompt.name, p.name): p.version.number
              for p in PromptLabel.objects.select_related("prompt", "version")}
    assert labels[("support-answer", "staging")] == 1 and labels[("support-answer-2", "staging")] == 1
