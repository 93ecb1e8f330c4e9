"""Shared by the fine-tuning tests: a tiny registered base model, an owner with a dataset of
answered questions, and starting a job through the API."""

from __future__ import annotations

import pytest

from builder.datasets.services import dataset_create
from runtime.evaluation.rows import Row
from tests.builder.finetune.support import tiny_base_model
from tests.support.members import make_member

QUESTIONS = ["what is the capital of zarnovia ?", "tell me the capital of zarnovia", "name the capital city",
             "capital of zarnovia ?", "what is the capital city of zarnovia ?", "tell me the city"]


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory):
    return tiny_base_model(tmp_path_factory.mktemp("tiny-llama"))


@pytest.fixture
def owner(settings, tiny_folder, tmp_path):
    settings.LLMOPS_FINETUNE_BASE_MODELS = {"tiny": str(tiny_folder)}
    settings.LLMOPS_FINETUNE_DIR = tmp_path / "finetune"
    member = make_member()
    rows = [Row(inputs={"question": q}, expected="it is quellport .") for q in QUESTIONS * 2]
    member.dataset = dataset_create(workspace=member.workspace, user=member.user, name="Zarnovia", rows=rows)
    return member


def url(member, path: str = "jobs/") -> str:
    return f"/api/workspaces/{member.workspace.pk}/finetune/{path}"


def start(member, **fields):
    body = {"name": "zarnovia-facts", "base_model": "tiny", "method": "lora", "epochs": 8, "learning_rate": 0.03,
            "batch_size": 4, "max_length": 32, **fields}
    body.setdefault("dataset_id", getattr(member, "dataset", None) and member.dataset.pk)
    return member.client.post(url(member), body, format="json")


