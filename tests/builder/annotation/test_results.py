"""What reviews become: agreement per config, downloads, and a dataset for experiments."""

from __future__ import annotations

import csv
import io
import json

import pytest

from builder.annotation import services
from builder.datasets.models import DatasetRow
from tests.builder.annotation.support import make_app, make_configs, make_queue, make_run

pytestmark = pytest.mark.django_db


def review(member, queue, scores, corrected=None):
    item = services.item_claim_next(queue=queue, user=member.user)
    services.review_submit(item=item, user=member.user, scores=scores, corrected_output=corrected)
    return item


@pytest.fixture
def reviewed(member_factory):
    """Four answers reviewed twice each: 'correct' agrees on 3 of 4 (the hand-worked case of
    tests/runtime/evaluation/test_agreement.py), 'polite' on all four."""
    owner = member_factory("owner")
    ann, bob = (member_factory("annotator", workspace=owner.workspace) for _ in range(2))
    correct, polite, note = make_configs(owner.workspace)
    queue = make_queue(owner.workspace, owner.user, [correct, polite, note], required_reviews=2)
    app = make_app(owner.workspace)
    runs = [make_run(app, f"question {i}", f"answer {i}") for i in range(4)]
    services.items_add_runs(queue=queue, run_ids=[str(r.pk) for r in runs])
    ann_says, bob_says = ["yes", "yes", "no", "no"], ["yes", "no", "no", "no"]
    for i in range(4):
        review(ann, queue, {str(correct.pk): ann_says[i], str(polite.pk): True, str(note.pk): "ok"},
               corrected=f"better answer {i}" if i == 0 else None)
        review(bob, queue, {str(correct.pk): bob_says[i], str(polite.pk): True})
    return owner, queue, (correct, polite, note), runs


def test_agreement_per_config_matches_the_hand_computed_figures(reviewed):
    owner, queue, (_correct, _polite, _note), _ = reviewed
    answer = owner.client.get(f"/api/workspaces/{owner.workspace.pk}/annotation/queues/{queue.pk}/agreement/")
    figures = {row["config"]["name"]: row for row in answer.json()["configs"]}
    assert figures["Correct"]["level"] == "nominal" and figures["Correct"]["items"] == 4
    assert figures["Correct"]["percent_agreement"] == 0.75
    assert figures["Correct"]["cohen_kappa"] == pytest.approx(0.5)
    assert figures["Correct"]["krippendorff_alpha"] == pytest.approx(16 / 30)
    assert figures["Polite"]["percent_agreement"] == 1.0 and figures["Polite"]["krippendorff_alpha"] is None
    assert figures["Note"]["level"] is None and figures["Note"]["percent_agreement"] is None


def test_completed_items_download_as_csv_and_jsonl(reviewed):
    owner, queue, _, runs = reviewed
    base = f"/api/workspaces/{owner.workspace.pk}/annotation/queues/{queue.pk}/export/"
    lines = owner.client.get(base + "?format=jsonl").content.decode().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["run_id"] for r in records] == [str(r.pk) for r in runs]
    assert records[0]["expected"] == "better answer 0" and records[1]["expected"] == "answer 1"
    assert records[1]["scores"] == {"Polite": True, "Note": "ok"}  # 'Correct' split 1–1: no final value
    assert records[2]["scores"] == {"Correct": "no", "Polite": True, "Note": "ok"}
    table = list(csv.DictReader(io.StringIO(owner.client.get(base + "?format=csv").content.decode())))
    assert table[0]["question"] == "question 0" and table[2]["score:Correct"] == "no"
    assert owner.client.get(base + "?format=xml").json()["error"]["code"] == "format_invalid"


def test_export_to_a_dataset_round_trip(reviewed):
    owner, queue, _, _ = reviewed
    url = f"/api/workspaces/{owner.workspace.pk}/annotation/queues/{queue.pk}/export-dataset/"
    created = owner.client.post(url, {"name": "Reviewed answers"}, format="json")
    assert created.status_code == 201 and created.json()["rows"] == 4
    dataset_id = created.json()["dataset_id"]
    rows = list(DatasetRow.objects.filter(version__dataset_id=dataset_id).order_by("position"))
    assert rows[0].inputs == {"question": "question 0"} and rows[0].expected == "better answer 0"
    assert rows[0].tags == ["Support bot"]  # one task per row: the experiment matrix groups by it
    assert rows[0].metadata["queue"] == "Answers"
    # again into the same dataset: the next version holds both exports
    again = owner.client.post(url, {"dataset_id": dataset_id}, format="json").json()
    assert (again["version_number"], again["rows"]) == (2, 8)
    # the dataset reads back through its own API as an experiment would use it
    listed = owner.client.get(f"/api/workspaces/{owner.workspace.pk}/datasets/{dataset_id}/versions/2/rows/").json()
    assert listed["count"] == 8 and listed["results"][0]["expected"] == "better answer 0"


def test_nothing_to_export_is_a_clear_conflict(member_factory):
    owner = member_factory("owner")
    correct, _, _ = make_configs(owner.workspace)
    queue = make_queue(owner.workspace, owner.user, [correct])
    answer = owner.client.post(f"/api/workspaces/{owner.workspace.pk}/annotation/queues/{queue.pk}/export-dataset/",
                               {"name": "x"}, format="json")
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "nothing_to_export"


def test_an_approved_answer_becomes_a_reply_of_its_app(reviewed):
    from builder.replies.models import Reply

    owner, queue, _, runs = reviewed
    item = queue.items.get(run=runs[0])
    url = f"/api/workspaces/{owner.workspace.pk}/annotation/queues/{queue.pk}/items/{item.pk}/reply/"
    answer = owner.client.post(url, {}, format="json")
    assert answer.status_code == 201, answer.content
    reply = Reply.objects.get(pk=answer.json()["id"])
    assert (reply.question, reply.answer) == ("question 0", "better answer 0")  # the reviewer's correction
    assert (reply.app_id, reply.source, reply.source_item_id) == (runs[0].app_id, "annotation", item.pk)


def test_an_exported_run_keeps_the_messages_its_answer_was_written_from(member_factory):
    """The messages of the model call whose text is the run's answer (not an earlier classifier's)
    go into the row's metadata: fine-tuning trains on what the app really asked."""
    from builder.runs.models import NodeTrace

    owner = member_factory("owner")
    correct, _, _ = make_configs(owner.workspace)
    queue = make_queue(owner.workspace, owner.user, [correct])
    run = make_run(make_app(owner.workspace), "Is roaming free?", "Yes, everywhere.", traced=False)
    asked = [{"role": "system", "content": "You are the helpdesk."}, {"role": "user", "content": "Is roaming free?"}]
    for sequence, (node, messages, text) in enumerate((
            ("classify", [{"role": "user", "content": "Topic of: Is roaming free?"}], "billing"),
            ("reply", asked, "Yes, everywhere."),
            ("tidy", [{"role": "user", "content": "Tidy this"}], "Yes, everywhere!")), start=1):
        NodeTrace.objects.create(run=run, app=run.app, sequence=sequence, node_id=node, node_type="llm",
                                 status="succeeded", inputs={"model": "local/x", "messages": messages},
                                 outputs={"text": text})
    services.items_add_runs(queue=queue, run_ids=[str(run.pk)])
    review(owner, queue, {str(correct.pk): "no"}, corrected="Yes, in every Zarnovian Union country.")
    url = f"/api/workspaces/{owner.workspace.pk}/annotation/queues/{queue.pk}/export-dataset/"
    dataset_id = owner.client.post(url, {"name": "Roaming"}, format="json").json()["dataset_id"]
    row = DatasetRow.objects.get(version__dataset_id=dataset_id)
    assert row.inputs == {"question": "Is roaming free?"} and row.metadata["prompt"] == asked
