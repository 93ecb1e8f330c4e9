"""Fine-tuning jobs through the API and the job that trains them: what cannot work is refused at
once naming the setting; a job on a registered base model trains, records its loss curve and
leaves an adapter in the workspace's folder; a cancelled job keeps nothing; other workspaces and
annotators reach nothing."""

from __future__ import annotations

import pytest

from builder.accounts.models import Role
from builder.datasets.services import dataset_create
from builder.finetune.executor import finetune_execute
from builder.finetune.models import FineTuneJob, TuneStatus
from builder.finetune.services import job_folder
from runtime.evaluation.rows import Row
from runtime.finetune.methods import LEARNING_RATES, Method
from tests.builder.finetune.conftest import QUESTIONS, start, url
from tests.support.members import make_member

pytestmark = pytest.mark.django_db

def test_the_methods_are_listed_with_what_they_train(owner):
    answer = owner.client.get(url(owner, "methods/")).json()
    assert [m["method"] for m in answer["methods"]] == ["lora", "ia3", "prefix", "prompt", "p_tuning", "adapter"]
    assert all(m["summary"] for m in answer["methods"])
    assert answer["base_models"] == ["smollm2-135m-instruct", "tiny"]
    assert "trainable_params" not in answer["methods"][0] and "total_params" not in answer


def test_the_methods_say_how_many_parameters_each_trains_on_a_base_model(owner):
    bundled = owner.client.get(url(owner, "methods/?base_model=smollm2-135m-instruct")).json()
    counts = {m["method"]: m["trainable_params"] for m in bundled["methods"]}
    # the figures peft reports on the bundled model (docs/benchmarks.md)
    assert counts == {"lora": 460_800, "ia3": 57_600, "prefix": 184_320, "prompt": 9_216, "p_tuning": 173_888,
                      "adapter": 46_088}
    assert bundled["total_params"] == 134_515_008

    rates = {m["method"]: m["learning_rate"] for m in bundled["methods"]}
    assert rates == {m.value: lr for m, lr in LEARNING_RATES.items()}

    tiny = owner.client.get(url(owner, "methods/?base_model=tiny")).json()
    assert 0 < tiny["methods"][0]["trainable_params"] < tiny["total_params"] < 100_000
    answer = owner.client.get(url(owner, "methods/?base_model=gpt-9"))
    assert answer.status_code == 400 and "base_model" in answer.json()["error"]["details"]


@pytest.mark.parametrize(("fields", "code", "field"), [
    ({"method": "adapter", "method_settings": {"adapter_layers": 9}}, "finetune_invalid",
     "method_settings.adapter_layers"),
    ({"method_settings": {"r": 0}}, "finetune_invalid", "method_settings.r"),
    ({"method_settings": {"rank": 8}}, "finetune_invalid", "method_settings"),
    ({"method_settings": {"r": "8"}}, "finetune_invalid", "method_settings.r"),
    ({"method_settings": {"dropout": True}}, "finetune_invalid", "method_settings.dropout"),
    ({"method_settings": {"target_modules": []}}, "finetune_invalid", "method_settings.target_modules"),
    ({"base_model": "gpt-9"}, "finetune_invalid", "base_model"),
    ({"base_model": "smollm2-135m-instruct", "batch_size": 256, "max_length": 8192}, "finetune_too_large",
     "batch_size"),
])
def test_a_job_that_cannot_work_is_refused_naming_the_setting(owner, fields, code, field):
    answer = start(owner, **fields)
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"]["code"] == code
    assert answer.json()["error"]["details"]["field"] == field
    assert not FineTuneJob.objects.exists()


def test_data_without_answers_is_refused(owner):
    empty = dataset_create(workspace=owner.workspace, user=owner.user, name="No answers",
                           rows=[Row(inputs={"question": q}) for q in QUESTIONS])
    answer = start(owner, dataset_id=empty.pk)
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "finetune_data_too_small"


def test_a_job_trains_records_its_loss_curve_and_leaves_an_adapter(owner):
    created = start(owner)
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "queued" and created.json()["model"] == "tiny+zarnovia-facts"
    assert start(owner).json()["error"]["code"] == "finetune_name_taken"

    job = FineTuneJob.objects.get()
    result = finetune_execute(tune_id=job.pk)
    assert result["status"] == "succeeded"

    shown = owner.client.get(url(owner, f"jobs/{job.pk}/")).json()
    assert shown["status"] == "succeeded" and shown["step"] == shown["total_steps"] == 8 * 3  # 10 rows → 3 batches
    assert (shown["train_rows"], shown["validation_rows"]) == (10, 2)
    steps = [step for step, _ in shown["losses"]]
    assert steps == list(range(1, 25))  # every step on the curve, once
    assert shown["losses"][-1][1] < shown["losses"][0][1] * 0.6
    assert len(shown["val_losses"]) == 8  # one per epoch
    assert 0 < shown["trainable_params"] < shown["total_params"]
    adapter = job_folder(job) / "adapter"
    assert (adapter / "adapter_model.safetensors").exists()
    assert f"w{owner.workspace.pk}" in str(adapter)
    assert not (job_folder(job) / "checkpoint").exists()

    deleted = owner.client.delete(url(owner, f"jobs/{job.pk}/"))
    assert deleted.status_code == 204 and not job_folder(job).exists()


def test_a_cancelled_job_stops_and_keeps_nothing(owner):
    job_id = start(owner).json()["id"]
    cancelled = owner.client.post(url(owner, f"jobs/{job_id}/cancel/"))
    assert cancelled.status_code == 200 and cancelled.json()["cancel_requested"] is True
    assert cancelled.json()["status"] == "cancelled"  # no worker had started it: cancelled at once
    assert finetune_execute(tune_id=job_id)["status"] == "cancelled"  # a worker that gets it later does nothing
    job = FineTuneJob.objects.get(pk=job_id)
    assert job.status == TuneStatus.CANCELLED and not job_folder(job).exists()
    again = owner.client.post(url(owner, f"jobs/{job_id}/cancel/"))
    assert again.status_code == 409 and again.json()["error"]["code"] == "finetune_finished"


def test_other_workspaces_find_nothing_and_annotators_and_viewers_start_nothing(owner):
    job_id = start(owner).json()["id"]
    outsider = make_member()
    assert outsider.client.get(f"/api/workspaces/{owner.workspace.pk}/finetune/jobs/{job_id}/").status_code == 404
    assert outsider.client.get(url(outsider, f"jobs/{job_id}/")).status_code == 404
    viewer = make_member(Role.VIEWER, workspace=owner.workspace)
    assert viewer.client.get(url(owner, f"jobs/{job_id}/")).status_code == 200
    viewer_start = viewer.client.post(url(owner), {"name": "other", "dataset_id": owner.dataset.pk}, format="json")
    assert viewer_start.status_code == 403
    annotator = make_member(Role.ANNOTATOR, workspace=owner.workspace)
    assert annotator.client.get(url(owner)).status_code == 403


@pytest.mark.parametrize("method", ["lora", "prompt"])
def test_a_job_started_without_a_learning_rate_takes_its_methods_own(owner, method):
    body = {"name": f"own-rate-{method}", "base_model": "tiny", "method": method, "dataset_id": owner.dataset.pk}
    answer = owner.client.post(url(owner), body, format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["learning_rate"] == LEARNING_RATES[Method(method)]
