"""A column filled by a model: each row's values through a template, the model's answers as a new
input column in the next version, made by a job with progress; bad requests refused up front."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from builder.datasets.models import DatasetVersion
from builder.jobs.models import Job
from builder.jobs.services import job_execute
from tests.runtime.support.openai_stand_in import Reply
from tests.support.errors import assert_error_shape
from tests.support.members import make_member

pytestmark = pytest.mark.django_db(transaction=True)

MODEL = {"provider": "team", "model": "gpt-test"}


@pytest.fixture
def member(openai_stand_in, settings):
    settings.LLMOPS_HTTP_ALLOWLIST = [urlparse(openai_stand_in.base_url).netloc]
    member = make_member()
    created = member.client.post(f"/api/workspaces/{member.workspace.pk}/providers/", {
        "name": "team", "kind": "openai_compatible", "settings": {"base_url": openai_stand_in.base_url},
        "models": [{"name": "gpt-test"}]}, format="json")
    assert created.status_code == 201, created.content
    return member


def dataset_of(member) -> dict:
    response = member.client.post(f"/api/workspaces/{member.workspace.pk}/datasets/", {"name": "Roles", "rows": [
        {"inputs": {"role": role, "field": field}, "tags": [field]}
        for role in ("nurse", "judge") for field in ("law", "art")]}, format="json")
    assert response.status_code == 201
    return response.json()


def test_a_model_writes_a_new_column_into_the_next_version(member, openai_stand_in):
    openai_stand_in.responder = lambda body: Reply(text=f"  Q for {body['messages'][-1]['content']}  ")
    dataset = dataset_of(member)

    started = member.client.post(f"/api/workspaces/{member.workspace.pk}/datasets/{dataset['id']}/fill/", {
        "column": "question", "template": "a {{ role }} about {{ field }}", "model": MODEL}, format="json")

    assert started.status_code == 202, started.content
    job = job_execute(job_id=started.json()["job"]["id"])
    assert job.status == "succeeded" and job.result["version"] == 2 and job.message == "4 of 4 rows"
    version = DatasetVersion.objects.get(dataset_id=dataset["id"], number=2)
    assert version.columns == ["role", "field", "question"] and "filled by team/gpt-test" in version.note
    rows = list(version.rows.order_by("position"))
    assert rows[0].inputs == {"role": "nurse", "field": "law", "question": "Q for a nurse about law"}
    assert rows[3].tags == ["art"]
    assert DatasetVersion.objects.get(dataset_id=dataset["id"], number=1).columns == ["role", "field"]


@pytest.mark.parametrize("body, code", [
    ({"column": "two words", "template": "x", "model": MODEL}, "column_invalid"),
    ({"column": "q", "template": "{{ role ", "model": MODEL}, "template_invalid"),
    ({"column": "q", "template": "x", "model": {"provider": "nowhere", "model": "m"}}, "model_not_configured"),
    ({"column": "q", "template": "x"}, "invalid"),
])
def test_a_bad_fill_is_refused_before_any_job(member, body, code):
    dataset = dataset_of(member)

    response = member.client.post(f"/api/workspaces/{member.workspace.pk}/datasets/{dataset['id']}/fill/", body,
                                  format="json")

    assert_error_shape(response, 400, code)
    assert not Job.objects.filter(kind="dataset.fill").exists()
