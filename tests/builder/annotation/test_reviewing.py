"""Claiming, reviewing, skipping and adjudicating through the API, as reviewers do it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from builder.annotation.models import ItemStatus, Review
from tests.builder.annotation.support import make_app, make_configs, make_queue, make_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(member_factory):
    owner = member_factory("owner")
    ann = member_factory("annotator", workspace=owner.workspace)
    bob = member_factory("annotator", workspace=owner.workspace)
    correct, polite, note = make_configs(owner.workspace)
    app = make_app(owner.workspace)
    runs = [make_run(app, f"question {i}", f"answer {i}") for i in range(3)]
    return owner, ann, bob, (correct, polite, note), app, runs


def url(member, tail: str) -> str:
    return f"/api/workspaces/{member.workspace.pk}/annotation/{tail}"


def add_runs(owner, queue, runs):
    answer = owner.client.post(url(owner, f"queues/{queue.pk}/items/"), {"run_ids": [str(r.pk) for r in runs]},
                               format="json")
    assert answer.status_code == 201, answer.content
    return answer.json()


def test_a_reviewer_works_through_a_queue_and_the_next_item_comes_with_each_answer(setup):
    owner, ann, _, (correct, polite, note), _, runs = setup
    queue = make_queue(owner.workspace, owner.user, [correct, polite, note])
    assert add_runs(owner, queue, runs) == {"added": 3, "already_queued": 0}
    assert add_runs(owner, queue, runs[:1]) == {"added": 0, "already_queued": 1}

    item = ann.client.post(url(ann, f"queues/{queue.pk}/next/"), {}, format="json").json()
    assert item["input"] == {"question": "question 0"} and item["output"] == "answer 0"
    assert item["trace"][0]["node_type"] == "llm" and item["position"] == {"done": 0, "total": 3}
    seen = []
    for n in range(3):
        seen.append(item["output"])
        body = {"scores": {str(correct.pk): "yes", str(polite.pk): True}, "corrected_output": "",
                "comment": f"fine {n}"}
        answer = ann.client.post(url(ann, f"queues/{queue.pk}/items/{item['id']}/review/?next=1"), body,
                                 format="json")
        assert answer.status_code == 200, answer.content
        assert answer.json()["item"]["my_review"]["status"] == "submitted"
        item = answer.json()["next"]
        if n < 2:
            assert item["position"] == {"done": n + 1, "total": 3}
    assert item is None and seen == ["answer 0", "answer 1", "answer 2"]
    assert ann.client.post(url(ann, f"queues/{queue.pk}/next/"), {}, format="json").status_code == 204
    counts = owner.client.get(url(owner, f"queues/{queue.pk}/")).json()["counts"]
    assert counts["completed"] == 3 and counts["pending"] == 0


def test_scores_are_checked_against_their_configs(setup):
    owner, ann, _, (correct, polite, note), _, runs = setup
    queue = make_queue(owner.workspace, owner.user, [correct, polite, note])
    add_runs(owner, queue, runs[:1])
    item = ann.client.post(url(ann, f"queues/{queue.pk}/next/"), {}, format="json").json()
    review = url(ann, f"queues/{queue.pk}/items/{item['id']}/review/")
    missing = ann.client.post(review, {"scores": {str(correct.pk): "yes"}}, format="json")
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "score_required"
    assert str(polite.pk) in missing.json()["error"]["details"]
    wrong = ann.client.post(review, {"scores": {str(correct.pk): "maybe", str(polite.pk): True}}, format="json")
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "score_invalid"
    not_bool = ann.client.post(review, {"scores": {str(correct.pk): "no", str(polite.pk): "yes"}}, format="json")
    assert not_bool.json()["error"]["code"] == "score_invalid"
    ok = ann.client.post(review, {"scores": {str(correct.pk): "no", str(polite.pk): False,
                                             str(note.pk): "too short"},
                                  "corrected_output": "Open Settings, then Security."}, format="json")
    assert ok.status_code == 200
    assert ok.json()["my_review"]["corrected_output"] == "Open Settings, then Security."


def test_an_item_wanting_two_reviews_goes_to_two_people_and_blind_hides_the_first(setup):
    owner, ann, bob, (correct, polite, _), _, runs = setup
    queue = make_queue(owner.workspace, owner.user, [correct, polite], required_reviews=2, blind=True)
    add_runs(owner, queue, runs[:1])
    first = ann.client.post(url(ann, f"queues/{queue.pk}/next/"), {}, format="json").json()
    second = bob.client.post(url(bob, f"queues/{queue.pk}/next/"), {}, format="json").json()
    assert first["id"] == second["id"]
    body = {"scores": {str(correct.pk): "yes", str(polite.pk): True}}
    ann.client.post(url(ann, f"queues/{queue.pk}/items/{first['id']}/review/"), body, format="json")
    # bob has not submitted: ann's scores are hidden from him, and nothing says how many reviewed
    hidden = bob.client.get(url(bob, f"queues/{queue.pk}/items/{first['id']}/")).json()
    assert hidden["reviews"] == [] and hidden["final"] is None and hidden["reviews_submitted"] is None
    bob.client.post(url(bob, f"queues/{queue.pk}/items/{first['id']}/review/"),
                    {"scores": {str(correct.pk): "no", str(polite.pk): True}}, format="json")
    shown = bob.client.get(url(bob, f"queues/{queue.pk}/items/{first['id']}/")).json()
    assert [r["reviewer"] for r in shown["reviews"]] == [ann.user.username]
    assert shown["status"] == ItemStatus.COMPLETED and shown["disagreement"] is True
    # a third reviewer finds nothing: both slots are used
    third = ann.client.post(url(ann, f"queues/{queue.pk}/next/"), {}, format="json")
    assert third.status_code == 204


def test_blind_holds_for_an_owner_who_reviews_and_lifts_for_one_who_adjudicates(setup):
    owner, ann, _, (correct, polite, _), _, runs = setup
    queue = make_queue(owner.workspace, owner.user, [correct, polite], required_reviews=2, blind=True)
    add_runs(owner, queue, runs[:1])
    item = ann.client.post(url(ann, f"queues/{queue.pk}/next/"), {}, format="json").json()
    ann.client.post(url(ann, f"queues/{queue.pk}/items/{item['id']}/review/"),
                    {"scores": {str(correct.pk): "yes", str(polite.pk): True}}, format="json")
    watching = owner.client.get(url(owner, f"queues/{queue.pk}/items/{item['id']}/")).json()
    assert [r["reviewer"] for r in watching["reviews"]] == [ann.user.username]
    claimed = owner.client.post(url(owner, f"queues/{queue.pk}/next/"), {}, format="json").json()
    assert claimed["id"] == item["id"] and claimed["reviews"] == [] and claimed["reviews_submitted"] is None
    while_reviewing = owner.client.get(url(owner, f"queues/{queue.pk}/items/{item['id']}/")).json()
    assert while_reviewing["reviews"] == [] and while_reviewing["final"] is None
    owner.client.post(url(owner, f"queues/{queue.pk}/items/{item['id']}/review/"),
                      {"scores": {str(correct.pk): "no", str(polite.pk): True}}, format="json")
    after = owner.client.get(url(owner, f"queues/{queue.pk}/items/{item['id']}/")).json()
    assert [r["reviewer"] for r in after["reviews"]] == [ann.user.username]


def test_an_expired_claim_returns_the_item_and_the_late_reviewer_is_told(setup):
    owner, ann, bob, (correct, polite, _), _, runs = setup
    queue = make_queue(owner.workspace, owner.user, [correct, polite], lock_timeout_s=60)
    add_runs(owner, queue, runs[:1])
    item = ann.client.post(url(ann, f"queues/{queue.pk}/next/"), {}, format="json").json()
    assert bob.client.post(url(bob, f"queues/{queue.pk}/next/"), {}, format="json").status_code == 204
    Review.objects.filter(item_id=item["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert owner.client.get(url(owner, f"queues/{queue.pk}/items/?status=pending")).json()["count"] == 1
    taken = bob.client.post(url(bob, f"queues/{queue.pk}/next/"), {}, format="json").json()
    assert taken["id"] == item["id"]
    late = ann.client.post(url(ann, f"queues/{queue.pk}/items/{item['id']}/review/"),
                           {"scores": {str(correct.pk): "yes", str(polite.pk): True}}, format="json")
    assert late.status_code == 409 and late.json()["error"]["code"] == "claim_lost"


def test_skipping_needs_a_reason_and_frees_the_item_for_others(setup):
    owner, ann, bob, (correct, polite, _), _, runs = setup
    queue = make_queue(owner.workspace, owner.user, [correct, polite])
    add_runs(owner, queue, runs[:1])
    item = ann.client.post(url(ann, f"queues/{queue.pk}/next/"), {}, format="json").json()
    skip = url(ann, f"queues/{queue.pk}/items/{item['id']}/skip/")
    assert ann.client.post(skip, {"reason": " "}, format="json").json()["error"]["code"] == "skip_reason_required"
    answer = ann.client.post(skip + "?next=1", {"reason": "not English"}, format="json").json()
    assert answer["item"]["my_review"]["skip_reason"] == "not English" and answer["next"] is None
    assert bob.client.post(url(bob, f"queues/{queue.pk}/next/"), {}, format="json").json()["id"] == item["id"]


def test_reviewing_without_a_claim_is_refused(setup):
    owner, ann, _, (correct, polite, _), _, runs = setup
    queue = make_queue(owner.workspace, owner.user, [correct, polite])
    add_runs(owner, queue, runs[:1])
    item_id = queue.items.get().pk
    answer = ann.client.post(url(ann, f"queues/{queue.pk}/items/{item_id}/review/"),
                             {"scores": {str(correct.pk): "yes", str(polite.pk): True}}, format="json")
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "not_claimed"


def test_a_queue_with_reviewers_is_only_theirs(setup):
    owner, ann, bob, (correct, polite, _), _, runs = setup
    queue = make_queue(owner.workspace, owner.user, [correct, polite], reviewer_ids=[ann.user.pk])
    add_runs(owner, queue, runs[:1])
    assert [q["id"] for q in bob.client.get(url(bob, "queues/")).json()["results"]] == []
    assert bob.client.post(url(bob, f"queues/{queue.pk}/next/"), {}, format="json").status_code == 404
    assert ann.client.post(url(ann, f"queues/{queue.pk}/next/"), {}, format="json").status_code == 200


def test_the_owner_adjudicates_a_disagreement(setup):
    owner, ann, bob, (correct, polite, _), _, runs = setup
    queue = make_queue(owner.workspace, owner.user, [correct, polite], required_reviews=2)
    add_runs(owner, queue, runs[:1])
    for member, verdict in ((ann, "yes"), (bob, "no")):
        item = member.client.post(url(member, f"queues/{queue.pk}/next/"), {}, format="json").json()
        member.client.post(url(member, f"queues/{queue.pk}/items/{item['id']}/review/"),
                           {"scores": {str(correct.pk): verdict, str(polite.pk): True},
                            "corrected_output": f"{verdict} answer"}, format="json")
    listed = owner.client.get(url(owner, f"queues/{queue.pk}/items/?disagreements=1")).json()
    assert listed["count"] == 1 and listed["results"][0]["disagreement"] is True
    item_id = listed["results"][0]["id"]
    refused = ann.client.post(url(ann, f"queues/{queue.pk}/items/{item_id}/adjudicate/"),
                              {"scores": {str(correct.pk): "partly"}}, format="json")
    assert refused.status_code == 403
    final = owner.client.post(url(owner, f"queues/{queue.pk}/items/{item_id}/adjudicate/"),
                              {"scores": {str(correct.pk): "partly"}, "corrected_output": "The right answer."},
                              format="json").json()["final"]
    assert final["scores"] == {str(correct.pk): "partly", str(polite.pk): True}
    assert final["corrected_output"] == "The right answer." and final["adjudicated_by"] == owner.user.username
