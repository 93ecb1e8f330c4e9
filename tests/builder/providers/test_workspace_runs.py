"""A provider added on the Models page is what the workspace's runs call — with its key, its
prices — and the key (a canary) appears nowhere else: not in a run, its traces, an answer of the
API, an app export, or the logs; only encrypted in its own column."""

from __future__ import annotations

import json
import logging
import secrets
from urllib.parse import urlparse

import pytest
from django.db import connection

from builder.flows.services import app_create
from builder.runs.models import NodeTrace, Run
from builder.runs.services import run_create, run_execute
from tests.runtime.support.openai_stand_in import Reply
from tests.support.members import make_member

pytestmark = [pytest.mark.django_db(transaction=True)]


def team_graph() -> dict:
    return {
        "inputs": [{"name": "question", "type": "string"}],
        "nodes": [
            {"id": "start", "type": "start"},
            {"id": "llm", "type": "prompt", "config": {
                "model": {"provider": "team", "model": "gpt-test"},
                "messages": [{"role": "user", "template": "{{ inputs.question }}"}]}},
            {"id": "answer", "type": "answer", "config": {"template": "{{ llm.text }}"}},
        ],
        "edges": [{"id": "e1", "source": "start", "target": "llm"}, {"id": "e2", "source": "llm", "target": "answer"}],
    }


def test_runs_call_the_workspace_provider_and_its_key_is_stored_nowhere_in_clear(
    openai_stand_in, settings, caplog, capfd
):
    settings.LLMOPS_HTTP_ALLOWLIST = [urlparse(openai_stand_in.base_url).netloc]
    canary = f"sk-canary-{secrets.token_hex(12)}"
    openai_stand_in.api_key = canary
    member = make_member()
    api = f"/api/workspaces/{member.workspace.pk}"
    answers = []

    def get(path: str) -> str:
        response = member.client.get(path)
        answers.append(response.content.decode())
        return response.content.decode()

    created = member.client.post(f"{api}/providers/", {
        "name": "team", "kind": "openai_compatible", "settings": {"base_url": openai_stand_in.base_url},
        "api_key": canary, "models": [{"name": "gpt-test", "input_per_million": 1000, "output_per_million": 2000}],
    }, format="json")
    answers.append(created.content.decode())
    assert created.status_code == 201
    app = app_create(workspace=member.workspace, name="Team app", user=member.user, graph=team_graph())
    caplog.set_level(logging.DEBUG)

    openai_stand_in.script(Reply(text="Hello from the team's model", usage=(10, 5)))
    good = run_create(app=app, user=member.user, inputs={"question": f"is {canary} safe?"})
    run_execute(run_id=str(good.pk))
    openai_stand_in.script(*[Reply.error(400, message=f"bad request for key {canary}")] * 3)
    bad = run_create(app=app, user=member.user, inputs={"question": "again"})
    run_execute(run_id=str(bad.pk))

    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.status == "succeeded" and good.outputs["answer"] == "Hello from the team's model"
    assert good.cost == pytest.approx(10 * 1000 / 1e6 + 5 * 2000 / 1e6)  # the workspace's own price
    assert bad.status == "failed"
    assert openai_stand_in.chat_requests()  # the stand-in demanded the canary and got it

    for path in (f"{api}/providers/", f"{api}/providers/{created.json()['id']}/", f"{api}/runs/{good.pk}/",
                 f"{api}/runs/{bad.pk}/", f"{api}/runs/", f"{api}/apps/{app.pk}/export/"):
        get(path)
    stored = json.dumps([list(Run.objects.values()), list(NodeTrace.objects.values())], default=str)
    with connection.cursor() as cursor:
        cursor.execute("SELECT key_encrypted FROM providers_provider")
        (encrypted,) = cursor.fetchone()
    out, err = capfd.readouterr()
    for where, text in [("API answers", "\n".join(answers)), ("runs and traces", stored),
                        ("logs", caplog.text + out + err), ("encrypted column", encrypted)]:
        assert canary not in text, f"the canary key leaked into {where}"
    assert "[redacted]" in stored  # the question and the error message held it: masked
