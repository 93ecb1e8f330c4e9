"""Datasets through the API as a prompt engineer uses them: rows given, appended, uploaded (CSV,
JSONL, XLSX with a column mapping and a preview), generated from a parameter grid, taken from
traced runs; versions that never change; export; and the errors and isolation of every route."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from builder.datasets.models import DatasetRow, DatasetVersion
from builder.flows.services import app_create
from builder.runs.models import Run, RunSource, RunStatus
from tests.support.errors import assert_error_shape
from tests.support.isolation import Call, assert_isolated

pytestmark = pytest.mark.django_db

ROWS = [
    {"inputs": {"question": "Where is Paris?"}, "expected": "France", "tags": ["geography"]},
    {"inputs": {"question": "2 + 2?"}, "expected": "4", "tags": ["math"], "metadata": {"source": "hand"}},
]


def api(member) -> str:
    return f"/api/workspaces/{member.workspace.pk}/datasets/"


def create(member, name="Questions", rows=ROWS):
    response = member.client.post(api(member), {"name": name, "rows": rows}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def rows_of(member, dataset_id: int, number: int, **params) -> list[dict]:
    response = member.client.get(f"{api(member)}{dataset_id}/versions/{number}/rows/", params)
    assert response.status_code == 200
    return response.json()["results"]


def test_a_dataset_keeps_every_version_of_its_rows(owner):
    dataset = create(owner)
    assert [v["number"] for v in dataset["versions"]] == [1]
    assert dataset["versions"][0]["columns"] == ["question"] and dataset["versions"][0]["tags"] == ["geography", "math"]

    appended = owner.client.post(f"{api(owner)}{dataset['id']}/versions/", {
        "rows": [{"inputs": {"question": "Capital of Peru?", "tone": "brief"}, "expected": "Lima"}]}, format="json")
    replaced = owner.client.post(f"{api(owner)}{dataset['id']}/versions/", {
        "mode": "replace", "note": "only one", "rows": [{"inputs": {"question": "Hi"}}]}, format="json")

    assert appended.status_code == 201 and appended.json()["row_count"] == 3
    assert appended.json()["columns"] == ["question", "tone"]
    assert replaced.json() | {"created_at": None, "id": None} == replaced.json() | {
        "number": 3, "note": "only one", "row_count": 1, "created_at": None, "id": None}
    assert [r["expected"] for r in rows_of(owner, dataset["id"], 1)] == ["France", "4"]
    assert [r["inputs"] for r in rows_of(owner, dataset["id"], 2)][-1] == {"question": "Capital of Peru?",
                                                                           "tone": "brief"}
    assert [r["inputs"]["question"] for r in rows_of(owner, dataset["id"], 2, tag="math")] == ["2 + 2?"]
    version = DatasetVersion.objects.get(dataset_id=dataset["id"], number=1)
    with pytest.raises(Exception, match="immutable"):
        version.save()


@pytest.mark.parametrize("rows, field", [
    ([{"expected": "x"}], "inputs"),
    ([{"inputs": {}}], "inputs"),
    ([{"inputs": {"two words": 1}}], "inputs.two words"),
    ([{"inputs": {"q": 1}, "tags": ["", "x"]}], "tags"),
    ([{"inputs": {"q": 1}, "metadata": [1]}], "metadata"),
])
def test_bad_rows_are_refused_naming_the_row_and_field(owner, rows, field):
    dataset = create(owner)

    response = owner.client.post(f"{api(owner)}{dataset['id']}/versions/", {"rows": [ROWS[0], *rows]}, format="json")

    error = assert_error_shape(response, 400)
    assert error["code"] in ("rows_invalid", "invalid")
    if error["code"] == "rows_invalid":
        assert error["details"] == {"row": 1, "field": field}
    assert DatasetVersion.objects.filter(dataset_id=dataset["id"]).count() == 1


def upload(member, dataset_id: int, name: str, data: bytes, **fields):
    return member.client.post(f"{api(member)}{dataset_id}/files/",
                              {"file": SimpleUploadedFile(name, data), **fields}, format="multipart")


def test_a_csv_is_previewed_with_a_suggested_mapping_then_imported_with_another(owner):
    dataset = create(owner)
    text = ("question,audience,expected,task\n"
            "What is DNS?,kids,A phone book,networking\nWhat is TLS?,,Encryption,security\n")

    preview = upload(owner, dataset["id"], "rows.csv", text.encode(), preview="true")

    assert preview.status_code == 200, preview.content
    assert preview.json()["mapping"] == {"inputs": ["question", "audience"], "expected": "expected", "tags": "task"}
    assert preview.json()["row_count"] == 2
    assert preview.json()["rows"][1] == {"inputs": {"question": "What is TLS?"}, "expected": "Encryption",
                                         "tags": ["security"], "metadata": {}}
    assert DatasetVersion.objects.filter(dataset_id=dataset["id"]).count() == 1  # nothing written

    imported = upload(owner, dataset["id"], "rows.csv", text.encode(), mode="replace",
                      mapping=json.dumps({"inputs": ["question"], "expected": None, "tags": "task"}))

    assert imported.status_code == 201 and imported.json()["row_count"] == 2 and imported.json()["number"] == 2
    assert rows_of(owner, dataset["id"], 2)[0] | {"position": 0} == {
        "position": 0, "inputs": {"question": "What is DNS?"}, "expected": None, "tags": ["networking"],
        "metadata": {}, "source_run_id": None}


def test_jsonl_and_xlsx_uploads(owner):
    dataset = create(owner)
    jsonl = b'{"inputs": {"q": "a"}, "expected": "A", "tags": ["t1"]}\n\n{"q": "b", "expected": "B"}\n'
    book = Workbook()
    sheet = book.active
    sheet.append(["q", "expected"])
    sheet.append(["from excel", 42])
    sheet.append([None, None])
    data = io.BytesIO()
    book.save(data)

    from_jsonl = upload(owner, dataset["id"], "rows.jsonl", jsonl, mode="replace")
    from_xlsx = upload(owner, dataset["id"], "sheet.xlsx", data.getvalue())

    assert from_jsonl.status_code == 201 and from_xlsx.status_code == 201, (from_jsonl.content, from_xlsx.content)
    rows = rows_of(owner, dataset["id"], 3)
    assert [(r["inputs"], r["expected"], r["tags"]) for r in rows] == [
        ({"q": "a"}, "A", ["t1"]), ({"q": "b"}, "B", []), ({"q": "from excel"}, "42", [])]


@pytest.mark.parametrize("name, data, code", [
    ("rows.txt", b"q\n1\n", "file_invalid"),
    ("rows.csv", b"", "file_invalid"),
    ("rows.csv", b"\xff\xfe\x00bad", "file_invalid"),
    ("rows.jsonl", b'{"q": 1}\nnot json\n', "file_invalid"),
    ("rows.jsonl", b"[1, 2]\n", "file_invalid"),
    ("sheet.xlsx", b"not a workbook", "file_invalid"),
])
def test_unreadable_files_are_refused_with_what_is_wrong(owner, name, data, code):
    dataset = create(owner)

    assert_error_shape(upload(owner, dataset["id"], name, data), 400, code)


def test_a_mapping_naming_a_missing_column_is_refused(owner):
    dataset = create(owner)

    response = upload(owner, dataset["id"], "rows.csv", b"q\n1\n", mapping=json.dumps({"inputs": ["nope"]}))

    error = assert_error_shape(response, 400, "file_invalid")
    assert error["details"] == {"columns": ["q"]}


GRID = {"variables": [{"name": "role", "values": ["teacher", "nurse"]},
                      {"name": "field", "values": ["biology", "law", "art"]}],
        "derived": {"question": "As a {{ role }}, what matters in {{ field }}?"}, "task_variable": "field"}


def test_a_grid_is_previewed_then_becomes_rows_tagged_by_its_task_variable(owner):
    dataset = create(owner)

    preview = owner.client.post(f"{api(owner)}grid-preview/", GRID, format="json")
    sample = owner.client.post(f"{api(owner)}grid-preview/", {**GRID, "mode": "sample", "sample_size": 4, "seed": 3},
                               format="json")
    made = owner.client.post(f"{api(owner)}{dataset['id']}/versions/", {"grid": GRID, "mode": "replace"},
                             format="json")

    assert preview.status_code == 200 and preview.json()["row_count"] == 6
    assert preview.json()["rows"][0] == {"inputs": {"role": "teacher", "field": "biology",
                                                    "question": "As a teacher, what matters in biology?"},
                                         "expected": None, "tags": ["biology"], "metadata": {}}
    assert sample.json()["row_count"] == 4
    assert made.status_code == 201 and made.json()["row_count"] == 6
    assert made.json()["tags"] == ["art", "biology", "law"]
    assert "grid" in made.json()["note"]


@pytest.mark.parametrize("grid, code", [
    ({**GRID, "task_variable": "nope"}, "grid_invalid"),
    ({**GRID, "derived": {"role": "x"}}, "grid_invalid"),
    ({**GRID, "mode": "sample"}, "grid_invalid"),
    ({"variables": [{"name": f"v{i}", "values": list(range(100))} for i in range(3)]}, "grid_invalid"),
    ({"variables": []}, "invalid"),
])
def test_grids_that_cannot_make_rows_are_refused(owner, grid, code):
    assert_error_shape(owner.client.post(f"{api(owner)}grid-preview/", grid, format="json"), 400, code)


def test_traced_runs_become_rows_with_their_answer_as_the_expected_output(owner, outsider):
    dataset = create(owner)
    app = app_create(workspace=owner.workspace, name="FAQ", user=owner.user)
    runs = [Run.objects.create(workspace=owner.workspace, app=app, graph={}, inputs={"question": f"q{i}"},
                               outputs={"answer": f"a{i}"}, status=RunStatus.SUCCEEDED, source=RunSource.API)
            for i in range(2)]
    foreign = Run.objects.create(workspace=outsider.workspace, graph={}, inputs={"question": "secret"})

    made = owner.client.post(f"{api(owner)}{dataset['id']}/versions/",
                             {"run_ids": [str(r.pk) for r in runs]}, format="json")
    refused = owner.client.post(f"{api(owner)}{dataset['id']}/versions/",
                                {"run_ids": [str(runs[0].pk), str(foreign.pk)]}, format="json")

    assert made.status_code == 201 and made.json()["row_count"] == 4
    added = rows_of(owner, dataset["id"], 2)[2:]
    assert [(r["inputs"], r["expected"], r["source_run_id"]) for r in added] == [
        ({"question": "q0"}, "a0", str(runs[0].pk)), ({"question": "q1"}, "a1", str(runs[1].pk))]
    assert_error_shape(refused, 404, "run_not_found")


def test_one_source_per_version(owner):
    dataset = create(owner)

    response = owner.client.post(f"{api(owner)}{dataset['id']}/versions/", {"rows": ROWS, "grid": GRID}, format="json")

    assert_error_shape(response, 400, "rows_source_invalid")


def test_export_as_csv_and_jsonl_reads_back_as_the_same_rows(owner):
    dataset = create(owner)

    as_csv = owner.client.get(f"{api(owner)}{dataset['id']}/versions/1/export/", {"format": "csv"})
    as_jsonl = owner.client.get(f"{api(owner)}{dataset['id']}/versions/1/export/", {"format": "jsonl"})

    assert as_csv["Content-Disposition"] == 'attachment; filename="Questions-v1.csv"'
    assert list(csv.reader(io.StringIO(as_csv.content.decode()))) == [
        ["question", "expected", "tags"], ["Where is Paris?", "France", "geography"], ["2 + 2?", "4", "math"]]
    lines = [json.loads(line) for line in as_jsonl.content.decode().splitlines()]
    assert lines[1] == {"inputs": {"question": "2 + 2?"}, "expected": "4", "tags": ["math"],
                        "metadata": {"source": "hand"}}
    reimported = upload(owner, dataset["id"], "back.jsonl", as_jsonl.content, mode="replace")
    assert [(r["inputs"], r["expected"], r["tags"]) for r in rows_of(owner, dataset["id"],
                                                                       reimported.json()["number"])] == [
        (r["inputs"], r["expected"], r["tags"]) for r in ROWS]
    assert_error_shape(owner.client.get(f"{api(owner)}{dataset['id']}/versions/1/export/", {"format": "xml"}),
                       400, "format_invalid")


def test_names_are_unique_per_workspace_and_versions_must_exist(owner, outsider):
    dataset = create(owner)
    create(outsider)  # the same name elsewhere is fine

    assert_error_shape(owner.client.post(api(owner), {"name": "Questions"}, format="json"), 409, "dataset_name_taken")
    assert_error_shape(owner.client.get(f"{api(owner)}{dataset['id']}/versions/9/"), 404, "dataset_version_not_found")
    renamed = owner.client.patch(f"{api(owner)}{dataset['id']}/", {"name": "FAQ rows"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "FAQ rows"
    listed = owner.client.get(api(owner), {"q": "faq"}).json()
    assert [(d["name"], d["latest_version"], d["version_count"]) for d in listed["results"]] == [("FAQ rows", 1, 1)]


def test_another_workspace_sees_nothing_and_changes_nothing(owner, outsider):
    dataset = create(owner)
    base = f"{api(outsider)}{dataset['id']}/"

    assert_isolated(outsider.client, [
        Call("GET", base), Call("PATCH", base, {"name": "mine"}), Call("DELETE", base),
        Call("POST", base + "versions/", {"rows": ROWS}), Call("GET", base + "versions/1/"),
        Call("GET", base + "versions/1/rows/"), Call("GET", base + "versions/1/export/"),
    ], watch=[DatasetVersion.objects.all(), DatasetRow.objects.all()])


@pytest.mark.parametrize("role, status, reads", [("viewer", 403, 200), ("annotator", 403, 403), ("builder", 201, 200)])
def test_only_builders_write(member_factory, role, status, reads):
    """Annotators reach no dataset at all: they review in their queues."""
    member = member_factory(role)

    response = member.client.post(api(member), {"name": "Mine", "rows": ROWS}, format="json")

    assert response.status_code == status
    assert member.client.get(api(member)).status_code == reads


def test_deleting_a_dataset_deletes_its_versions(owner):
    dataset = create(owner)

    assert owner.client.delete(f"{api(owner)}{dataset['id']}/").status_code == 204
    assert not DatasetRow.objects.exists()
