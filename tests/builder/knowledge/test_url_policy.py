"""A knowledge base's embedding base URL under the address policy: refused when it is saved
(create, update, archive import) unless the operator allowlisted the host, and refused again,
clearly and never as a 500, when a stored one is called (search, ingestion, retrieval nodes)."""

import io

import pytest

from builder.jobs.models import Job
from builder.jobs.services import job_execute
from builder.knowledge.models import Document, DocumentState, EmbeddingProvider, KnowledgeBase
from builder.knowledge.retriever import KnowledgeBaseRetriever
from runtime.errors import NodeError
from tests.builder.knowledge.samples import SAMPLES, upload

pytestmark = pytest.mark.django_db

BLOCKED = [
    "http://127.0.0.1:11434/v1",
    "http://10.0.0.5/v1",
    "http://[::1]:8080/v1",
    "http://169.254.169.254/latest/meta-data/",
    "http://0x7f000001/v1",
    "http://localhost:11434/v1",
    "http://ollama.localhost/v1",
    "http://metadata.google.internal/v1",
    "file:///etc/passwd",
]
ACCEPTED = ["http://93.184.216.34/v1", "https://embeddings.nothing-here.invalid/v1"]


def kb_url(member, kb_id=None, rest=""):
    base = f"/api/workspaces/{member.workspace.pk}/knowledge-bases/"
    return f"{base}{kb_id}/{rest}" if kb_id else base


def create(member, base_url: str, name: str = "Remote"):
    body = {"name": name, "embedding_provider": "openai_compatible", "embedding_model": "text-embedding-3-small",
            "embedding_dimensions": 384, "embedding_base_url": base_url}
    return member.client.post(kb_url(member), body, format="json")


def assert_refused(response, field: str = "embedding_base_url") -> dict:
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["code"] == "url_not_allowed", error
    assert error["details"]["field"] == field
    return error


@pytest.mark.parametrize("base_url", BLOCKED)
def test_creating_a_knowledge_base_with_an_internal_embedding_url_is_refused(owner, base_url):
    error = assert_refused(create(owner, base_url))

    assert not KnowledgeBase.objects.filter(workspace=owner.workspace).exists()
    if base_url.startswith("file:"):
        assert "scheme 'file' is not allowed; use http or https" in error["message"]
    else:
        assert "blocked by the address policy" in error["message"]


def test_the_refusal_names_the_address_and_why(owner):
    error = assert_refused(create(owner, "http://0x7f000001:11434/v1"))

    assert "address 127.0.0.1 is loopback" in error["message"]
    assert error["details"]["host"] == "127.0.0.1" and error["details"]["reason"] == "loopback"


@pytest.mark.parametrize("base_url", BLOCKED)
def test_moving_a_knowledge_base_to_an_internal_embedding_url_is_refused(owner, base_url):
    kb = create(owner, ACCEPTED[0]).json()

    response = owner.client.patch(kb_url(owner, kb["id"]), {"embedding_base_url": base_url}, format="json")

    assert_refused(response)
    assert KnowledgeBase.objects.get(pk=kb["id"]).embedding_base_url == ACCEPTED[0]


@pytest.mark.parametrize("base_url", ACCEPTED)
def test_public_addresses_and_names_that_do_not_resolve_are_accepted_and_can_be_moved_to(owner, base_url):
    other = next(url for url in ACCEPTED if url != base_url)
    created = create(owner, other)
    assert created.status_code == 201, created.json()
    moved = owner.client.patch(kb_url(owner, created.json()["id"]), {"embedding_base_url": base_url}, format="json")

    assert moved.status_code == 200, moved.json()
    assert moved.json()["embedding"]["base_url"] == base_url
    assert KnowledgeBase.objects.get(pk=created.json()["id"]).embedding_base_url == base_url


def test_a_host_the_operator_allowlisted_is_accepted(owner, settings):
    settings.LLMOPS_HTTP_ALLOWLIST = ["10.0.0.5", "localhost:11434"]

    first = create(owner, "http://10.0.0.5/v1")
    second = create(owner, "http://localhost:11434/v1", name="Local")
    other_port = create(owner, "http://localhost:8080/v1", name="Other")

    assert first.status_code == 201 and second.status_code == 201
    assert second.json()["embedding"]["base_url"] == "http://localhost:11434/v1"
    assert_refused(other_port)


def test_cloud_metadata_stays_refused_even_when_allowlisted(owner, settings):
    settings.LLMOPS_HTTP_ALLOWLIST = ["169.254.169.254"]
    settings.LLMOPS_HTTP_ALLOW_NETWORKS = ["169.254.0.0/16"]

    error = assert_refused(create(owner, "http://169.254.169.254/latest/meta-data/"))

    assert error["details"]["reason"] == "cloud_metadata"


def test_importing_an_archive_whose_embedding_url_is_internal_is_refused(owner, settings):
    settings.LLMOPS_HTTP_ALLOWLIST = ["10.0.0.5"]  # the exporting instance allowed it
    kb = create(owner, "http://10.0.0.5/v1").json()
    exported = owner.client.get(kb_url(owner, kb["id"], "export/"))
    data = b"".join(exported.streaming_content)
    settings.LLMOPS_HTTP_ALLOWLIST = []
    archive = io.BytesIO(data)
    archive.name = "remote.kb.zip"

    response = owner.client.post(f"{kb_url(owner)}import/", {"archive": archive}, format="multipart")

    assert_refused(response)
    assert KnowledgeBase.objects.filter(workspace=owner.workspace).count() == 1


# --- call time: a base URL stored before save-time checks existed -------------------------------------


@pytest.fixture
def stored_internal_kb(owner, openai_stand_in):
    """A knowledge base pointing at a loopback server, written straight to the database."""
    return KnowledgeBase.objects.create(
        workspace=owner.workspace, name="Legacy", embedding_provider=EmbeddingProvider.OPENAI_COMPATIBLE,
        embedding_model="text-embedding-3-small", embedding_dimensions=384,
        embedding_base_url=openai_stand_in.base_url, created_by=owner.user,
    )


def test_searching_a_stored_internal_embedding_url_says_the_address_policy_blocked_it(
    owner, stored_internal_kb, openai_stand_in
):
    response = owner.client.post(kb_url(owner, stored_internal_kb.pk, "search/"),
                                 {"query": "opening hours", "modes": ["vector"]}, format="json")

    assert response.status_code == 422, response.json()
    error = response.json()["error"]
    assert error["code"] == "ssrf_blocked"
    assert "blocked by the address policy: address 127.0.0.1 is loopback" in error["message"]
    assert "cannot reach" not in error["message"]
    assert openai_stand_in.requests == []


def test_ingesting_into_a_stored_internal_embedding_url_fails_the_document_with_the_reason(
    owner, stored_internal_kb, openai_stand_in
):
    name, data = SAMPLES["md"]
    response = owner.client.post(kb_url(owner, stored_internal_kb.pk, "documents/"),
                                 {"files": [upload(name, data)]}, format="multipart")
    assert response.status_code == 202, response.json()

    for job in Job.objects.filter(kind="knowledge.ingest", status="queued"):
        job_execute(job_id=job.pk)

    document = Document.objects.get(knowledge_base=stored_internal_kb)
    assert document.state == DocumentState.FAILED
    assert document.error_code == "ssrf_blocked"
    assert "blocked by the address policy: address 127.0.0.1 is loopback" in document.error_message
    assert openai_stand_in.requests == []


def test_a_retrieval_node_on_a_stored_internal_embedding_url_fails_with_the_policy_code(owner, stored_internal_kb):
    retriever = KnowledgeBaseRetriever(workspace_id=owner.workspace.pk)

    with pytest.raises(NodeError) as caught:
        retriever.retrieve_sync("opening hours", knowledge_base="Legacy", top_k=3, mode="vector")

    assert caught.value.code == "ssrf_blocked"
    assert "blocked by the address policy" in caught.value.message
