"""The knowledge API as clients use it: create, upload, follow, search, preview; roles; limits;
bad files; and two workspaces that never see each other's knowledge."""

import pytest

from builder.accounts.models import Role
from builder.jobs.models import Job
from builder.jobs.services import job_execute
from builder.knowledge.models import Chunk, Document, KnowledgeBase
from tests.builder.knowledge.samples import SAMPLES, upload
from tests.support.isolation import Call, assert_isolated

pytestmark = pytest.mark.django_db

QUERY = "When are penguin parking permits renewed?"


def kb_url(member, kb_id=None, rest=""):
    base = f"/api/workspaces/{member.workspace.pk}/knowledge-bases/"
    return f"{base}{kb_id}/{rest}" if kb_id else base


def create_kb(member, **body):
    response = member.client.post(kb_url(member), {"name": "Handbook", **body}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def upload_files(member, kb_id, files):
    return member.client.post(kb_url(member, kb_id, "documents/"), {"files": files}, format="multipart")


def run_jobs():
    for job in Job.objects.filter(kind="knowledge.ingest", status="queued"):
        job_execute(job_id=job.pk)


def test_a_builder_creates_a_knowledge_base_with_the_local_embedder(owner):
    body = create_kb(owner, description="Company handbook")

    assert body["embedding"] == {"provider": "local", "model": "all-minilm-l6-v2", "dimensions": 384,
                                 "base_url": ""}
    assert body["chunking"]["max_length"] == 800 and body["search_defaults"]["mode"] == "hybrid"
    assert owner.client.get(kb_url(owner)).json()["count"] == 1


def test_a_duplicate_name_is_refused(owner):
    create_kb(owner)
    response = owner.client.post(kb_url(owner), {"name": "Handbook"}, format="json")

    assert response.status_code == 409 and response.json()["error"]["code"] == "name_taken"


def test_invalid_chunking_is_refused_with_the_field(owner):
    response = owner.client.post(kb_url(owner), {"name": "X", "chunking": {"max_length": 100, "overlap": 200}},
                                 format="json")

    assert response.status_code == 400
    assert "overlap" in str(response.json()["error"]["details"])


@pytest.mark.parametrize("file_type", sorted(SAMPLES))
def test_upload_index_and_search_each_file_type(owner, file_type):
    kb = create_kb(owner)
    name, data = SAMPLES[file_type]

    response = upload_files(owner, kb["id"], [upload(name, data)])
    assert response.status_code == 202, response.json()
    assert response.json()["documents"][0]["state"] == "queued"
    run_jobs()

    documents = owner.client.get(kb_url(owner, kb["id"], "documents/")).json()["results"]
    assert [(d["name"], d["state"]) for d in documents] == [(name, "indexed")]
    results = owner.client.post(kb_url(owner, kb["id"], "search/"),
                                {"query": QUERY, "modes": ["vector", "full_text", "hybrid"]}, format="json").json()
    for result in results["results"]:
        assert "Penguin parking permits" in result["hits"][0]["text"], result["mode"]
        assert result["hits"][0]["document_name"] == name


def test_several_files_in_one_upload_share_one_job(owner):
    kb = create_kb(owner)
    response = upload_files(owner, kb["id"], [upload(*SAMPLES["txt"]), upload(*SAMPLES["md"])])

    assert len(response.json()["documents"]) == 2
    assert Job.objects.get(pk=response.json()["job"]["id"]).input["document_ids"] == [
        d["id"] for d in response.json()["documents"]]


@pytest.mark.parametrize(
    ("name", "data", "status", "code"),
    [
        ("empty.txt", b"", 400, "empty_file"),
        ("program.exe", b"MZ\x90\x00", 400, "unsupported_file_type"),
        ("../../etc/passwd", b"root:x:0:0", 400, "unsupported_file_type"),
        ("fake.pdf", b"hello, I am text", 400, "file_content_mismatch"),
        ("fake.docx", b"hello, I am text", 400, "file_content_mismatch"),
        ("binary.txt", b"\x00\x01\x02\x03", 400, "file_content_mismatch"),
    ],
)
def test_bad_files_are_refused_clearly_and_nothing_is_stored(owner, storage_root, name, data, status, code):
    kb = create_kb(owner)

    response = upload_files(owner, kb["id"], [upload(name, data)])

    assert response.status_code == status
    assert response.json()["error"]["code"] == code and response.json()["error"]["message"]
    assert not Document.objects.exists()
    assert not any(path.is_file() for path in storage_root.rglob("*"))


def test_a_path_like_name_is_only_a_display_name(owner, storage_root, tmp_path):
    kb = create_kb(owner)

    response = upload_files(owner, kb["id"], [upload("../../../etc/passwd.txt", b"harmless text")])

    assert response.status_code == 202
    document = Document.objects.get()
    assert document.name == "passwd.txt" and ".." not in document.storage_key
    stored = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(stored) == 1 and storage_root in stored[0].parents


def test_a_file_over_the_size_limit_answers_413(owner, settings):
    settings.KNOWLEDGE_MAX_FILE_BYTES = 100
    kb = create_kb(owner)

    response = upload_files(owner, kb["id"], [upload("big.txt", b"x" * 101)])

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "upload_too_large"
    assert "big.txt" in response.json()["error"]["message"]


def test_a_file_larger_than_the_request_body_limit_uploads_fine(owner, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    kb = create_kb(owner)

    response = upload_files(owner, kb["id"], [upload("big.txt", b"Lots of words here. " * 20_000)])

    assert response.status_code == 202, response.json()
    assert response.json()["documents"][0]["size_bytes"] == 400_000


def test_too_many_files_answer_413(owner, settings):
    settings.KNOWLEDGE_MAX_FILES_PER_UPLOAD = 2
    kb = create_kb(owner)

    response = upload_files(owner, kb["id"], [upload(f"{i}.txt", b"text") for i in range(3)])

    assert response.status_code == 413 and response.json()["error"]["code"] == "too_many_files"


def test_a_corrupt_pdf_ends_failed_with_its_reason_and_can_be_retried(owner):
    kb = create_kb(owner)
    document = upload_files(owner, kb["id"], [upload("broken.pdf", b"%PDF-1.4 garbage")]).json()["documents"][0]
    run_jobs()
    url = kb_url(owner, kb["id"], f"documents/{document['id']}/")

    failed = owner.client.get(url).json()
    assert failed["state"] == "failed" and failed["error"]["code"] == "corrupt_file"

    retried = owner.client.post(url + "retry/")
    assert retried.status_code == 202 and retried.json()["state"] == "queued"


def test_chunks_and_preview_of_a_document(owner):
    kb = create_kb(owner)
    document = upload_files(owner, kb["id"], [upload(*SAMPLES["md"])]).json()["documents"][0]
    url = kb_url(owner, kb["id"], f"documents/{document['id']}/")

    preview = owner.client.post(url + "preview/", {"chunking": {"max_length": 60, "overlap": 0}}, format="json")
    assert preview.status_code == 200
    assert all(len(c["text"]) <= 60 for c in preview.json()["chunks"]) and len(preview.json()["chunks"]) > 2
    assert preview.json()["chunks"][-1]["heading"] == "Facilities › Parking"

    run_jobs()
    chunks = owner.client.get(url + "chunks/").json()
    assert chunks["count"] == Chunk.objects.count() and "Penguin" in chunks["results"][-1]["text"]


def test_deleting_a_document_removes_it_from_search(owner):
    kb = create_kb(owner)
    document = upload_files(owner, kb["id"], [upload(*SAMPLES["md"])]).json()["documents"][0]
    run_jobs()

    assert owner.client.delete(kb_url(owner, kb["id"], f"documents/{document['id']}/")).status_code == 204
    hits = owner.client.post(kb_url(owner, kb["id"], "search/"), {"query": QUERY}, format="json").json()
    assert hits["results"][0]["hits"] == []


@pytest.mark.parametrize("role", [Role.VIEWER])
def test_readers_can_search_but_not_write(owner, member_factory, role):
    kb = create_kb(owner)
    reader = member_factory(role, workspace=owner.workspace)

    assert reader.client.get(kb_url(reader, kb["id"])).status_code == 200
    assert reader.client.post(kb_url(reader, kb["id"], "search/"), {"query": "x"}, format="json").status_code == 200
    for response in (
        reader.client.post(kb_url(reader), {"name": "Mine"}, format="json"),
        upload_files(reader, kb["id"], [upload(*SAMPLES["txt"])]),
        reader.client.delete(kb_url(reader, kb["id"])),
        reader.client.patch(kb_url(reader, kb["id"]), {"name": "Renamed"}, format="json"),
    ):
        assert response.status_code == 403 and response.json()["error"]["code"] == "role_forbidden"


def test_a_builder_can_write(owner, member_factory):
    builder = member_factory(Role.BUILDER, workspace=owner.workspace)
    assert builder.client.post(kb_url(builder), {"name": "Built"}, format="json").status_code == 201


def test_another_workspace_cannot_reach_anything(owner, outsider):
    kb = create_kb(owner)
    document = upload_files(owner, kb["id"], [upload(*SAMPLES["md"])]).json()["documents"][0]
    run_jobs()
    base = kb_url(owner, kb["id"])
    doc = f"{base}documents/{document['id']}/"
    mine = create_kb(outsider, name="Theirs")
    # the outsider replays ids of the first workspace, also under their own workspace's URL
    foreign_doc_in_own_kb = f"{kb_url(outsider, mine['id'])}documents/{document['id']}/"

    assert_isolated(outsider.client, [
        Call("GET", base), Call("PATCH", base, {"name": "pwned"}), Call("GET", base + "documents/"),
        Call("POST", base + "search/", {"query": QUERY}), Call("GET", base + "search-paths/"),
        Call("GET", base + "export/"),
        Call("POST", base + "reindex/"), Call("GET", doc), Call("GET", doc + "chunks/"),
        Call("POST", doc + "preview/", {}), Call("POST", doc + "retry/"), Call("DELETE", doc),
        Call("GET", foreign_doc_in_own_kb), Call("DELETE", foreign_doc_in_own_kb),
        Call("GET", kb_url(outsider, kb["id"])), Call("POST", kb_url(outsider, kb["id"], "search/"), {"query": QUERY}),
        Call("DELETE", base),
    ], watch=[KnowledgeBase.objects.all(), Document.objects.all(), Chunk.objects.all().defer("embedding")])
    own_search = outsider.client.post(kb_url(outsider, mine["id"], "search/"),
                                      {"query": QUERY, "modes": ["vector", "full_text", "hybrid"]}, format="json")
    assert all(result["hits"] == [] for result in own_search.json()["results"])


def test_the_search_paths_of_a_knowledge_base_name_its_size_and_the_database(owner):
    kb = create_kb(owner)
    upload_files(owner, kb["id"], [upload(*SAMPLES["md"])])
    run_jobs()

    found = owner.client.get(kb_url(owner, kb["id"], "search-paths/")).json()

    chunks = Chunk.objects.filter(knowledge_base_id=kb["id"]).exclude(role="parent").count()
    assert found["chunks"] == chunks > 0
    assert found["paths"]["vector"].startswith(f"exact scan of its {chunks} chunks")
    assert found["iterative_scan"] is True and found["index_kind"] == "halfvec" and found["pgvector"].startswith("0.8")
    assert "all the words first" in found["paths"]["full_text"]


def test_changing_chunking_keeps_the_other_settings_and_reindexes(owner):
    kb = create_kb(owner, chunking={"mode": "parent_child", "max_length": 200, "overlap": 20,
                                    "parent_max_length": 900})
    document = upload_files(owner, kb["id"], [upload(*SAMPLES["md"])]).json()["documents"][0]
    run_jobs()

    response = owner.client.patch(kb_url(owner, kb["id"]), {"chunking": {"max_length": 150}}, format="json")

    assert response.status_code == 200
    assert response.json()["chunking"] | {"max_length": 200} == kb["chunking"]
    assert owner.client.get(kb_url(owner, kb["id"], f"documents/{document['id']}/")).json()["state"] == "queued"
    run_jobs()
    assert owner.client.get(kb_url(owner, kb["id"], f"documents/{document['id']}/")).json()["state"] == "indexed"


def test_search_filters_are_validated(owner):
    kb = create_kb(owner)

    response = owner.client.post(kb_url(owner, kb["id"], "search/"),
                                 {"query": "x", "filters": {"page_from": "first"}}, format="json")

    assert response.status_code == 400 and "page_from" in str(response.json()["error"]["details"])
