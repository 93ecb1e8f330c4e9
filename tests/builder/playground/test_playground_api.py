"""What the playground refuses before it queues anything: each a 400 (or 404) in the error shape,
and no run created."""

from __future__ import annotations

import pytest

from builder.prompts.services import prompt_create
from builder.runs.models import Run
from tests.support.errors import assert_error_shape

pytestmark = pytest.mark.django_db

LOCAL = {"provider": "local", "model": "smollm2-135m-instruct"}
DRAFT = {"messages": [{"role": "user", "template": "Explain {{ topic }}."}], "variables": [{"name": "topic"}]}


def start(member, **body):
    return member.client.post(f"/api/workspaces/{member.workspace.pk}/playground/runs/",
                              {"prompt": DRAFT, "values": {"topic": "owls"}, "columns": [LOCAL], **body}, format="json")


@pytest.mark.parametrize("body, status, code", [
    ({"columns": []}, 400, "no_columns"),
    ({"columns": [LOCAL] * 5}, 400, "too_many_columns"),
    ({"columns": [LOCAL] * 2, "column_index": 3}, 400, "too_many_columns"),
    ({"columns": [LOCAL, {"provider": "nowhere", "model": "x"}]}, 400, "model_not_configured"),
    ({"columns": [{**LOCAL, "temperature": 5}]}, 400, "invalid"),
    ({"prompt": {**DRAFT, "messages": [{"role": "user", "template": "{{ topic "}]}}, 400, "template_invalid"),
    ({"values": {}}, 400, "inputs_invalid"),
    ({"values": {"topic": "owls", "other": 1}}, 400, "inputs_invalid"),
    ({"prompt_version": 999999}, 400, "invalid"),
    ({"prompt": None, "prompt_version": 999999}, 400, "invalid"),
    ({"group_id": "00000000-0000-0000-0000-000000000000"}, 400, "group_not_found"),
])
def test_a_bad_request_is_refused_before_any_run_is_queued(owner, body, status, code):
    response = start(owner, **body)

    error = assert_error_shape(response, status, code)
    assert not Run.objects.exists()
    if code == "model_not_configured":
        assert error["details"]["column"] == 1


def test_another_workspaces_prompt_version_is_not_found(owner, outsider):
    prompt, _ = prompt_create(workspace=owner.workspace, user=owner.user, name="mine",
                              version={**DRAFT, "model": LOCAL})

    response = outsider.client.post(f"/api/workspaces/{outsider.workspace.pk}/playground/runs/",
                                    {"prompt_version": prompt.versions.get().pk, "values": {"topic": "x"},
                                     "columns": [LOCAL]}, format="json")

    assert_error_shape(response, 404, "prompt_version_not_found")
    assert not Run.objects.exists()


@pytest.mark.parametrize("role", ["viewer", "annotator"])
def test_members_who_may_not_run_cannot_start_the_playground(member_factory, role):
    member = member_factory(role)

    assert_error_shape(start(member), 403, "role_forbidden")


def test_the_columns_are_queued_as_playground_runs_of_the_draft(owner):
    response = start(owner, columns=[LOCAL, {**LOCAL, "temperature": 0.7}])

    assert response.status_code == 201
    runs = Run.objects.order_by("group_index")
    assert [(r.source, r.status, r.group_index, r.app_id) for r in runs] == [
        ("playground", "queued", 0, None), ("playground", "queued", 1, None)]
    assert runs[1].graph["nodes"][1]["config"]["model"]["temperature"] == 0.7


def test_a_queued_column_is_cancelled_through_the_runs_api(owner):
    run_id = start(owner).json()["runs"][0]["id"]

    response = owner.client.post(f"/api/workspaces/{owner.workspace.pk}/runs/{run_id}/cancel/")

    assert response.status_code == 200, response.json()
    assert Run.objects.get(pk=run_id).status == "cancelled"
