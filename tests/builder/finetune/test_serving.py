"""A finished fine-tuning job's model is served in its workspace as ``base+name``: the model
picker offers it, the workspace's local provider answers with it, and it is gone from both when
the job is deleted. Other workspaces never see it."""

from __future__ import annotations

import asyncio

import pytest

from builder.execution import providers as execution
from builder.finetune.executor import finetune_execute
from runtime.providers.base import ChatMessage, ChatRequest, UnknownModel
from tests.builder.finetune.conftest import start, url
from tests.support.members import make_member

pytestmark = pytest.mark.django_db

MODEL = "tiny+zarnovia-facts"


def catalog(workspace_id: int) -> set[str]:
    return {m["model"] for m in execution.model_catalog(workspace_id=workspace_id) if m["provider"] == "local"}


def ask(workspace_id: int, model: str) -> str:
    execution._checked.clear()  # look at the folder now, not a second later
    local = execution.workspace_services(workspace_id).providers["local"]
    request = ChatRequest(model=model, messages=[ChatMessage(role="user", content="what is the capital ?")],
                          max_tokens=4, temperature=0)
    return asyncio.run(local.chat(request)).text  # type: ignore[attr-defined]


def test_a_tuned_model_is_served_in_its_workspace_only_until_its_job_is_deleted(owner):
    job_id = start(owner).json()["id"]
    assert MODEL not in catalog(owner.workspace.pk)
    assert finetune_execute(tune_id=job_id)["status"] == "succeeded"

    assert MODEL in catalog(owner.workspace.pk)
    assert "smollm2-135m-instruct" in catalog(owner.workspace.pk)  # the bundled model stays
    answer = ask(owner.workspace.pk, MODEL)
    assert isinstance(answer, str) and answer.strip()

    other = make_member()
    assert MODEL not in catalog(other.workspace.pk)
    with pytest.raises(UnknownModel):
        ask(other.workspace.pk, MODEL)

    assert owner.client.delete(url(owner, f"jobs/{job_id}/")).status_code == 204
    assert MODEL not in catalog(owner.workspace.pk)
    with pytest.raises(UnknownModel):
        ask(owner.workspace.pk, MODEL)
