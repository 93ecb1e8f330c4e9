"""POST /api/workspaces/<ws>/runs/<id>/cancel/ without a worker: a queued run is cancelled at once,
a running one is asked to stop, a finished one answers 409 ``run_finished``, and a run of another
workspace is not found (and left alone). The worker's side is in test_debug_runs.py."""

import pytest

from builder.flows.services import app_create
from builder.runs.models import Run
from tests.builder.flows.graphs import greeting_graph

pytestmark = pytest.mark.django_db


def a_run(member, status: str) -> Run:
    app = app_create(workspace=member.workspace, name="Greeter", user=member.user, graph=greeting_graph("Hi"))
    return Run.objects.create(workspace=member.workspace, app=app, graph=app.draft, status=status,
                              inputs={"name": "Ada"})


def cancel(member, run: Run, workspace_id: int | None = None):
    return member.client.post(f"/api/workspaces/{workspace_id or member.workspace.pk}/runs/{run.pk}/cancel/")


def test_a_queued_run_is_cancelled_at_once(owner):
    run = a_run(owner, "queued")

    response = cancel(owner, run)

    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    run.refresh_from_db()
    assert run.status == "cancelled" and run.finished_at is not None


def test_a_running_run_is_asked_to_stop(owner):
    run = a_run(owner, "running")

    response = cancel(owner, run)

    assert response.status_code == 200 and response.json()["status"] == "running"  # the worker ends it
    assert Run.objects.get(pk=run.pk).cancel_requested


@pytest.mark.parametrize("status", ["succeeded", "failed", "cancelled"])
def test_a_finished_run_answers_409_run_finished(owner, status):
    run = a_run(owner, status)

    response = cancel(owner, run)

    assert response.status_code == 409
    assert response.json() == {"error": {"code": "run_finished", "message": "This run has already finished.",
                                         "details": None}}
    assert not Run.objects.get(pk=run.pk).cancel_requested


def test_a_run_of_another_workspace_is_not_found_and_keeps_running(owner, outsider):
    run = a_run(owner, "running")

    from_own_workspace = cancel(outsider, run)
    through_the_owners_workspace = cancel(outsider, run, workspace_id=owner.workspace.pk)

    assert from_own_workspace.status_code == 404
    assert from_own_workspace.json()["error"]["code"] == "not_found"
    assert through_the_owners_workspace.status_code in (403, 404)
    assert set(through_the_owners_workspace.json()) == {"error"}
    assert not Run.objects.get(pk=run.pk).cancel_requested
