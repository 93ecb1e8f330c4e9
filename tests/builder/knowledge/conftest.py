"""Fixtures of the knowledge tests: a storage root per test, knowledge bases, inline ingestion."""

from __future__ import annotations

import pytest

from builder.jobs.services import job_execute
from builder.knowledge.models import Document
from builder.knowledge.services import documents_upload, knowledge_base_create
from tests.builder.knowledge.samples import upload
from tests.runtime.support.openai_stand_in import openai_stand_in, stand_in_server  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def storage_root(tmp_path, settings):
    settings.KNOWLEDGE_STORAGE_ROOT = tmp_path / "files"
    return tmp_path / "files"


@pytest.fixture
def knowledge_base(owner):
    return knowledge_base_create(workspace=owner.workspace, name="Handbook", created_by=owner.user)


def ingest(knowledge_base, files: dict[str, bytes]) -> list[Document]:
    """Upload and ingest right here (what the worker does), returning the refreshed documents."""
    documents, job = documents_upload(knowledge_base=knowledge_base, files=[upload(n, d) for n, d in files.items()])
    job_execute(job_id=job.pk)
    return [Document.objects.get(pk=d.pk) for d in documents]
