"""A real worker killed with SIGKILL in the middle of an experiment; a new worker finishes it with
exactly one recorded run per cell: no cell lost, no run made or executed twice."""

from __future__ import annotations

import signal
import time
from urllib.parse import urlparse

import httpx
import pytest

from builder.accounts.services import access_token_create
from builder.datasets.services import dataset_create
from builder.experiments.models import Cell, Experiment
from builder.jobs.models import Job
from builder.prompts.services import prompt_create, version_push
from builder.runs.models import Run
from runtime.evaluation.rows import Row
from tests.runtime.support.openai_stand_in import Reply
from tests.support.members import make_member
from tests.support.processes import Backends, celery_worker, web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ROWS = 40
MODEL = {"provider": "team", "model": "gpt-test"}


def finished(experiment_id: int) -> int:
    return Cell.objects.filter(experiment_id=experiment_id, status__in=("done", "failed")).count()


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def field(experiment_id: int, name: str):
    return Experiment.objects.values_list(name, flat=True).get(pk=experiment_id)


def test_a_worker_killed_mid_experiment_is_resumed_with_one_run_per_cell(openai_stand_in, settings):
    netloc = urlparse(openai_stand_in.base_url).netloc
    settings.LLMOPS_HTTP_ALLOWLIST = [netloc]
    openai_stand_in.responder = lambda body: Reply(text=f"Answer to: {body['messages'][-1]['content']}")
    openai_stand_in.latency_s = 0.15  # 80 cells, 2 at a time: several seconds of work
    member = make_member()
    created = member.client.post(f"/api/workspaces/{member.workspace.pk}/providers/", {
        "name": "team", "kind": "openai_compatible", "settings": {"base_url": openai_stand_in.base_url},
        "models": [{"name": "gpt-test", "input_per_million": 1000, "output_per_million": 2000}]}, format="json")
    assert created.status_code == 201, created.content
    content = {"variables": [{"name": "topic"}], "model": MODEL}
    prompt, _ = prompt_create(workspace=member.workspace, user=member.user, name="facts", version={
        **content, "messages": [{"role": "user", "template": "Tell me about {{ topic }}."}]})
    version_push(prompt=prompt, user=member.user, content={
        **content, "messages": [{"role": "user", "template": "One sentence on {{ topic }}, please."}]})
    dataset = dataset_create(workspace=member.workspace, user=member.user, name="Topics",
                             rows=[Row(inputs={"topic": f"topic {i}"}) for i in range(ROWS)])
    _, token = access_token_create(user=member.user, name="restart")
    # The worker calls the stand-in; the web server queues the job on the worker's queue.
    env = {"LLMOPS_HTTP_ALLOWLIST": netloc}
    backends = Backends()

    with web_server(backends, **env) as base:
        with celery_worker(backends, **env) as worker:
            response = httpx.post(f"{base}/api/workspaces/{member.workspace.pk}/experiments/", json={
                "name": "restart", "dataset_id": dataset.pk, "concurrency": 2,
                "variants": [{"prompt_version_id": v.pk, "model": MODEL} for v in prompt.versions.order_by("number")],
            }, headers={"Authorization": f"Bearer {token}"}, timeout=30)
            assert response.status_code == 201, response.text
            experiment_id, total = response.json()["id"], response.json()["cells_total"]
            assert total == 2 * ROWS
            # Killed while cells are in flight: their runs are re-executed, not made again.
            wait_for(lambda: finished(experiment_id) > 5 and Cell.objects.filter(
                experiment_id=experiment_id, status="running").exists(), 120, "the first cells, others running")
            worker.send_signal(signal.SIGKILL)
            worker.wait()

        done_at_kill = finished(experiment_id)
        assert 0 < done_at_kill < total, "the worker was not killed in the middle of the experiment"
        assert field(experiment_id, "status") == "running"
        assert Cell.objects.filter(experiment_id=experiment_id, status="running").exists()

        with celery_worker(backends, **env):
            wait_for(lambda: field(experiment_id, "status") == "completed", 180,
                     "the experiment completed after the restart")

    experiment = Experiment.objects.get(pk=experiment_id)
    assert (experiment.cells_done, experiment.cells_failed) == (total, 0)
    cells = Cell.objects.filter(experiment=experiment)
    assert cells.count() == total
    assert set(cells.values_list("status", flat=True)) == {"done"}
    run_ids = list(cells.values_list("run_id", flat=True))
    assert None not in run_ids and len(set(run_ids)) == total
    runs = Run.objects.filter(source="experiment")
    assert runs.count() == total and set(runs.values_list("pk", flat=True)) == set(run_ids)
    assert set(runs.values_list("status", flat=True)) == {"succeeded"}
    for cell in cells.select_related("run", "row"):
        assert cell.output == cell.run.answer and cell.output.startswith("Answer to: ")
        assert cell.row.inputs["topic"] in cell.output
    # One job, delivered twice: the dead worker's attempt and the new worker's.
    job = Job.objects.get(kind="experiment.run")
    assert job.pk == experiment.job_id
    assert job.status == "succeeded" and job.attempts == 2
    assert job.result["cells"] == total - done_at_kill  # the new worker computed exactly the rest
    # Only the (at most 2) calls in flight at the kill were made again, on their own runs.
    assert total <= len(openai_stand_in.chat_requests()) <= total + 2
