"""The fine-tuning worker killed with SIGKILL in the middle of a job: a new worker takes the job up
again from its last checkpoint, and the job's step count and loss curve go on without a gap or a
repeated step."""

import signal
import time

import httpx
import pytest

from builder.accounts.services import access_token_create
from builder.datasets.services import dataset_create
from builder.finetune.models import FineTuneJob
from builder.jobs.models import Job
from runtime.evaluation.rows import Row
from tests.builder.finetune.conftest import QUESTIONS
from tests.builder.finetune.support import tiny_base_model
from tests.support.members import make_member
from tests.support.processes import Backends, celery_worker, web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]



def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_worker_killed_mid_training_is_resumed_from_the_checkpoint_without_a_gap(tmp_path, settings):
    folder = tiny_base_model(tmp_path / "tiny")
    settings.LLMOPS_FINETUNE_BASE_MODELS = {"tiny": str(folder)}
    member = make_member()
    _, token = access_token_create(user=member.user, name="restart")
    dataset = dataset_create(workspace=member.workspace, user=member.user, name="Zarnovia",
                             rows=[Row(inputs={"question": q}, expected="it is quellport .") for q in QUESTIONS * 2])
    env = {"LLMOPS_FINETUNE_BASE_MODELS": f"tiny={folder}"}
    backends = Backends()
    epochs, steps_per_epoch = 60, 10  # 10 training rows, one a step: 600 steps, a checkpoint every 20

    with web_server(backends, **env) as base:
        with celery_worker(backends, queue_suffix=".finetune", **env) as worker:
            started = httpx.post(
                f"{base}/api/workspaces/{member.workspace.pk}/finetune/jobs/", timeout=30,
                headers={"Authorization": f"Bearer {token}"},
                json={"name": "zarnovia", "base_model": "tiny", "dataset_id": dataset.pk, "epochs": epochs,
                      "batch_size": 1, "learning_rate": 0.01, "max_length": 32})
            assert started.status_code == 201, started.text
            job_id = started.json()["id"]
            wait_for(lambda: FineTuneJob.objects.get(pk=job_id).step >= 50, 120, "training under way")
            worker.send_signal(signal.SIGKILL)
            worker.wait()

        at_kill = FineTuneJob.objects.get(pk=job_id)
        assert at_kill.status == "running" and 50 <= at_kill.step < epochs * steps_per_epoch

        with celery_worker(backends, queue_suffix=".finetune", **env):
            wait_for(lambda: FineTuneJob.objects.get(pk=job_id).status == "succeeded", 180, "the job to finish")

    job = FineTuneJob.objects.get(pk=job_id)
    assert job.step == job.total_steps == epochs * steps_per_epoch
    assert [step for step, _ in job.losses] == list(range(1, epochs * steps_per_epoch + 1))  # no gap, no repeat
    assert [step for step, _ in job.val_losses] == [steps_per_epoch * (e + 1) for e in range(epochs)]
    assert Job.objects.get(pk=job.job_id).attempts == 2
