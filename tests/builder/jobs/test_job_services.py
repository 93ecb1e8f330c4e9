import pytest

from builder.jobs.kinds import JOB_KINDS
from builder.jobs.models import Job, JobStatus
from builder.jobs.services import job_execute

pytestmark = pytest.mark.django_db


def test_unknown_job_kind_is_refused_with_the_known_kinds(owner):
    response = owner.client.post(f"/api/workspaces/{owner.workspace.pk}/jobs/", {"kind": "nope"}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "unknown_job_kind" and "ping" in error["details"]
    assert not Job.objects.exists()


def test_viewers_cannot_start_jobs_but_can_follow_them(member_factory, owner):
    viewer = member_factory("viewer", workspace=owner.workspace)
    job = Job.objects.create(workspace=owner.workspace, kind="ping")

    refused = viewer.client.post(f"/api/workspaces/{owner.workspace.pk}/jobs/", {"kind": "ping"}, format="json")
    followed = viewer.client.get(f"/api/workspaces/{owner.workspace.pk}/jobs/{job.pk}/")

    assert refused.status_code == 403 and followed.status_code == 200


def test_a_job_runs_once_even_when_its_task_is_delivered_twice(owner):
    job = Job.objects.create(workspace=owner.workspace, kind="ping", input={"steps": 1, "delay": 0})

    job_execute(job_id=job.pk)
    job_execute(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 1 and job.result["pong"] is True


def test_a_failing_job_records_its_error_for_the_user(owner, monkeypatch):
    def explode(job, progress):
        progress(0.5, "half way")
        raise ValueError("the input file is empty")

    monkeypatch.setitem(JOB_KINDS, "explode", explode)
    job = Job.objects.create(workspace=owner.workspace, kind="explode")

    job_execute(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error_message == "the input file is empty" and job.progress == 0.5


def test_jobs_of_another_workspace_are_not_found(owner, outsider):
    job = Job.objects.create(workspace=owner.workspace, kind="ping")

    response = outsider.client.get(f"/api/workspaces/{owner.workspace.pk}/jobs/{job.pk}/")
    mine = outsider.client.get(f"/api/workspaces/{outsider.workspace.pk}/jobs/{job.pk}/")

    assert response.status_code == 404 and mine.status_code == 404
