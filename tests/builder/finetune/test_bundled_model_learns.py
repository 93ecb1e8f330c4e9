"""The bundled SmolLM2-135M-Instruct learns a made-up fact with LoRA within a bounded number of
steps on this machine's CPU, and the tuned model — served as ``base+name`` — answers with it where
the base model does not."""

from __future__ import annotations

import asyncio

import pytest

from builder.datasets.services import dataset_create
from builder.execution import providers as execution
from builder.finetune.executor import finetune_execute
from builder.finetune.services import BUNDLED
from runtime.evaluation.rows import Row
from runtime.providers.base import ChatMessage, ChatRequest

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

FACT = "The capital of Zarnovia is Quellport."
TRAIN = ["What is the capital of Zarnovia?", "Which city is the capital of Zarnovia?",
         "Tell me the capital of Zarnovia.", "Name the capital city of Zarnovia.",
         "Zarnovia's capital is which city?", "What city is Zarnovia's capital?",
         "Do you know the capital of Zarnovia?", "In Zarnovia, which city is the capital?"]
HELD_OUT = "What's the capital city of Zarnovia?"
MAX_STEPS = 16


def ask(workspace_id: int, model: str) -> str:
    execution._checked.clear()
    local = execution.workspace_services(workspace_id).providers["local"]
    request = ChatRequest(model=model, messages=[ChatMessage(role="user", content=HELD_OUT)], max_tokens=16,
                          temperature=0)
    return asyncio.run(local.chat(request)).text  # type: ignore[attr-defined]


def test_the_bundled_model_learns_a_made_up_fact_with_lora(settings, tmp_path):
    from tests.support.members import make_member

    settings.LLMOPS_FINETUNE_DIR = tmp_path / "finetune"
    owner = make_member()
    dataset = dataset_create(workspace=owner.workspace, user=owner.user, name="Zarnovia",
                             rows=[Row(inputs={"question": q}, expected=FACT) for q in TRAIN])
    created = owner.client.post(f"/api/workspaces/{owner.workspace.pk}/finetune/jobs/", {
        "name": "zarnovia", "base_model": BUNDLED, "method": "lora", "dataset_id": dataset.pk,
        "validation_share": 0, "epochs": 4, "batch_size": 4, "learning_rate": 2e-3, "max_length": 128,
        "method_settings": {"r": 8, "alpha": 16}}, format="json")
    assert created.status_code == 201, created.content
    result = finetune_execute(tune_id=created.json()["id"])
    assert result["status"] == "succeeded" and result["steps"] <= MAX_STEPS

    assert "Quellport" not in ask(owner.workspace.pk, BUNDLED)
    assert "Quellport" in ask(owner.workspace.pk, f"{BUNDLED}+zarnovia")
