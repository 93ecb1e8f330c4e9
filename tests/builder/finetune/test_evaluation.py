"""Base vs tuned on the held-out rows: a job that succeeds queues an experiment of its base model
against the tuned one over the rows it never trained on; the job shows both sides' good-result
ratios and the winner, links to the experiment, and can be evaluated again with other evaluators."""

from __future__ import annotations

import pytest

from builder.experiments.models import Experiment
from builder.finetune.evaluation import heldout_row_ids
from builder.finetune.executor import finetune_execute
from builder.finetune.models import FineTuneJob
from builder.jobs.services import job_execute
from tests.builder.finetune.conftest import start, url
from tests.support.members import make_member

pytestmark = pytest.mark.django_db(transaction=True)

FACT = [{"name": "exact", "type": "exact_match"}]


def shown(member, job_id: int) -> dict:
    return member.client.get(url(member, f"jobs/{job_id}/")).json()


def run_evaluation(member, job_id: int) -> dict:
    job_execute(job_id=Experiment.objects.get(pk=shown(member, job_id)["evaluation"]["experiment_id"]).job_id)
    return shown(member, job_id)["evaluation"]


def test_a_finished_job_is_compared_with_its_base_on_the_rows_it_never_trained_on(owner):
    job_id = start(owner).json()["id"]
    assert shown(owner, job_id)["evaluation"] is None
    result = finetune_execute(tune_id=job_id)
    experiment = Experiment.objects.get(pk=result["evaluation_experiment_id"])

    job = FineTuneJob.objects.get(pk=job_id)
    heldout = heldout_row_ids(job)
    assert len(heldout) == job.validation_rows == 2
    assert set(experiment.cells.values_list("row_id", flat=True)) == set(heldout)
    assert [v.model["model"] for v in experiment.variants.order_by("position")] == ["tiny", "tiny+zarnovia-facts"]

    evaluation = run_evaluation(owner, job_id)
    assert evaluation["status"] == "completed" and evaluation["cells_done"] == evaluation["cells_total"] == 4
    assert evaluation["base"]["n"] == evaluation["tuned"]["n"] == 2
    assert evaluation["primary_evaluator"] == "similarity"

    again = owner.client.post(url(owner, f"jobs/{job_id}/evaluate/"), {"evaluators": FACT}, format="json")
    assert again.status_code == 201, again.content
    assert again.json()["evaluation"]["experiment_id"] != experiment.pk
    evaluation = run_evaluation(owner, job_id)
    # The tuned model learnt the answer; the random base did not.
    assert (evaluation["tuned"]["good"], evaluation["base"]["good"]) == (2, 0)
    assert evaluation["winner"] == "tuned"
    listed = owner.client.get(url(owner, "jobs/")).json()["results"]
    assert listed[0]["evaluation"] == {"experiment_id": evaluation["experiment_id"], "status": "completed"}
    opened = owner.client.get(f"/api/workspaces/{owner.workspace.pk}/experiments/{evaluation['experiment_id']}/")
    assert opened.status_code == 200 and "held out" in opened.json()["description"]


def test_only_a_succeeded_job_with_held_out_rows_is_evaluated(owner):
    queued = start(owner).json()["id"]
    answer = owner.client.post(url(owner, f"jobs/{queued}/evaluate/"), {}, format="json")
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "finetune_not_ready"

    all_trained = start(owner, name="no-heldout", validation_share=0, epochs=1).json()["id"]
    assert finetune_execute(tune_id=all_trained)["evaluation_experiment_id"] is None
    answer = owner.client.post(url(owner, f"jobs/{all_trained}/evaluate/"), {}, format="json")
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "finetune_no_heldout"
    assert answer.json()["error"]["details"]["field"] == "validation_share"

    bad = owner.client.post(url(owner, f"jobs/{queued}/evaluate/"), {"evaluators": [{"type": "nope"}]},
                            format="json")
    assert bad.status_code in (400, 409)


def test_another_workspace_cannot_evaluate_or_see_the_evaluation(owner):
    job_id = start(owner, epochs=1).json()["id"]
    finetune_execute(tune_id=job_id)
    other = make_member()
    answer = other.client.post(f"/api/workspaces/{other.workspace.pk}/finetune/jobs/{job_id}/evaluate/", {},
                               format="json")
    assert answer.status_code == 404
    answer = other.client.post(f"/api/workspaces/{owner.workspace.pk}/finetune/jobs/{job_id}/evaluate/", {},
                               format="json")
    assert answer.status_code == 404
