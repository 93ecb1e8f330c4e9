"""Annotation in a real browser at 1280×720: a builder sets up a queue (one categorical and one
yes/no score, one review per item) and feeds it three runs from the Runs list; the three items are
reviewed with the keyboard only, each next item showing at once; then two reviewers' disagreeing
scores are settled by the owner on the Disagreements tab."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from builder.accounts.models import Role
from builder.annotation import services
from builder.annotation.models import ItemStatus, QueueItem, Review, ReviewStatus
from builder.replies.models import Reply
from tests.builder.annotation.support import make_app, make_run
from tests.e2e.test_platform_shell import sign_in
from tests.factories import PASSWORD
from tests.support.members import make_member
from tests.support.processes import Backends, web_server
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

SCREENSHOT = "/tmp/annotation-review.png"


def submitted_scores(queue) -> dict[str, tuple]:
    """The submitted scores of the queue by run question: (correct, polite)."""
    result = {}
    for review in Review.objects.filter(item__queue=queue, status=ReviewStatus.SUBMITTED).select_related("item__run"):
        values = {s.config.name: s.value for s in review.scores.select_related("config")}
        result[review.item.run.inputs["question"]] = (values.get("Correct"), values.get("Polite"))
    return result


def test_a_queue_fed_from_runs_is_reviewed_by_keyboard_only(page):
    owner = make_member()
    correct = services.score_config_create(workspace=owner.workspace, name="Correct", kind="categorical",
                                           options=["yes", "partly", "no"], description="Is the answer right?")
    services.score_config_create(workspace=owner.workspace, name="Polite", kind="boolean")
    app = make_app(owner.workspace)
    questions = ["How do I reset my password?", "Where is my invoice?", "Can I change my plan?"]
    for question in questions:
        make_run(app, question, f"An answer to: {question}")
    page.set_viewport_size({"width": 1280, "height": 720})

    with web_server(Backends()) as base:
        sign_in(page, base, owner.user.username, PASSWORD)
        # 1. A queue: instructions in markdown, one categorical and one yes/no score, one review each.
        page.goto(f"{base}/app/annotation")
        expect(page.get_by_role("table", name="Score configs")).to_contain_text("yes · partly · no")
        page.get_by_role("link", name="New queue").click()
        # (the queues page has a "Name" field too: the score config form)
        expect(page.get_by_role("heading", name="New queue")).to_be_visible()
        page.get_by_label("Name").fill("Support answers")
        page.get_by_label("Instructions").fill("Judge the **answer**, not the question.\n\n- `partly`: half right")
        page.get_by_role("button", name="Preview").click()
        expect(page.get_by_test_id("instructions-preview").locator("strong")).to_have_text("answer")
        page.get_by_label("Correct").check()
        page.get_by_label("Polite").check()
        page.get_by_role("button", name="Create queue").click()
        expect(page.get_by_role("heading", name="Support answers")).to_be_visible()
        queue = owner.workspace.annotation_queues.get()
        assert queue.required_reviews == 1

        # 2. Three runs into it from the Runs list.
        page.goto(f"{base}/app/runs")
        page.get_by_label("Select every run shown").check()
        group = page.get_by_role("group", name="Add to review queue")
        group.get_by_label("Review queue").select_option(label="Support answers")
        group.get_by_role("button", name="Add to review queue").click()
        expect(group.get_by_role("status")).to_contain_text("Added 3 items")
        assert queue.items.count() == 3

        # 3. Review the three items with the keyboard only.
        page.goto(f"{base}/app/annotation/queues/{queue.pk}/review")
        progress = page.get_by_test_id("review-progress")
        expect(progress).to_have_text("1 / 3")
        expect(page.get_by_role("radiogroup", name="Correct")).to_be_focused()
        page.keyboard.press("t")  # the trace, folded by default, opens …
        expect(page.locator(".ann-trace-node")).to_have_count(1)
        page.keyboard.press("t")  # … and folds again
        page.keyboard.press("?")
        expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
        page.keyboard.press("Escape")
        expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_hidden()
        page.keyboard.press("1")  # Correct: yes — the focus moves on to Polite
        expect(page.get_by_role("radiogroup", name="Polite")).to_be_focused()
        page.keyboard.press("y")
        page.screenshot(path=SCREENSHOT)
        first = page.get_by_test_id("review-output").inner_text()
        page.keyboard.press("Enter")
        expect(progress).to_have_text("2 / 3")
        expect(page.get_by_test_id("review-output")).not_to_have_text(first)

        page.keyboard.press("Enter")  # nothing scored: refused, the first missing score named
        expect(page.get_by_role("radiogroup", name="Correct")).to_contain_text("Required.")
        page.keyboard.press("3")  # Correct: no
        page.keyboard.press("n")  # Polite: no
        page.keyboard.press("e")  # the corrected output …
        page.keyboard.press("Control+a")
        page.keyboard.type("A better answer.")
        page.keyboard.press("Escape")  # … left with Esc
        page.keyboard.press("Enter")
        expect(progress).to_have_text("3 / 3")

        page.keyboard.press("]")  # to Polite, then back with [
        page.keyboard.press("2")
        page.keyboard.press("[")
        page.keyboard.press("2")  # Correct: partly
        page.keyboard.press("c")
        page.keyboard.type("Half right.")
        page.keyboard.press("Control+Enter")  # submits from inside the comment
        expect(page.get_by_test_id("queue-done")).to_contain_text("Queue done")

        wait_for(lambda: queue.items.filter(status=ItemStatus.COMPLETED).count() == 3, "three completed items")
        page.goto(f"{base}/app/annotation")
        queue_row = page.get_by_test_id("queue-row")
        expect(queue_row).to_contain_text("3 / 3")
        expect(queue_row.get_by_test_id("my-remaining")).to_have_text("0")
        page.screenshot(path="/tmp/annotation-queues.png")
        scores = submitted_scores(queue)
        assert sorted(scores.values(), key=str) == sorted([("yes", True), ("no", False), ("partly", False)], key=str)
        corrected = Review.objects.get(item__queue=queue, scores__config=correct, scores__value="no")
        assert corrected.corrected_output == "A better answer."
        assert Review.objects.get(item__queue=queue, comment="Half right.").scores.get(config=correct).value == "partly"


def test_the_owner_settles_a_disagreement(page):
    owner = make_member()
    ann = make_member(Role.ANNOTATOR, workspace=owner.workspace)
    bob = make_member(Role.ANNOTATOR, workspace=owner.workspace)
    correct = services.score_config_create(workspace=owner.workspace, name="Correct", kind="categorical",
                                           options=["yes", "partly", "no"])
    polite = services.score_config_create(workspace=owner.workspace, name="Polite", kind="boolean")
    queue = services.queue_create(workspace=owner.workspace, user=owner.user, name="Two opinions",
                                  score_config_ids=[correct.pk, polite.pk], required_reviews=2)
    run = make_run(make_app(owner.workspace), "Is the office open on Sunday?", "Yes, from 10 to 4.")
    services.items_add_runs(queue=queue, run_ids=[str(run.pk)])
    for reviewer, verdict, note in [(ann, "yes", "Looks right."), (bob, "no", "Closed on Sundays.")]:
        item = services.item_claim_next(queue=queue, user=reviewer.user)
        services.review_submit(item=item, user=reviewer.user, scores={str(correct.pk): verdict, str(polite.pk): True},
                               corrected_output="No, it is closed." if verdict == "no" else None, comment=note)
    item = QueueItem.objects.get(queue=queue)
    page.set_viewport_size({"width": 1280, "height": 720})

    with web_server(Backends(), LLMOPS_WARM_EMBEDDINGS="1") as base:
        sign_in(page, base, owner.user.username, PASSWORD)
        page.goto(f"{base}/app/annotation/queues/{queue.pk}?tab=disagreements")
        detail = page.get_by_test_id("disagreement-detail")
        reviews = detail.get_by_role("table", name="Reviews side by side")
        expect(reviews).to_contain_text(ann.user.username)
        expect(reviews).to_contain_text(bob.user.username)
        expect(reviews).to_contain_text("No, it is closed.")
        expect(detail.get_by_test_id(f"final-{correct.pk}")).to_have_text("–")  # a tie: no majority

        detail.get_by_label("Final Correct", exact=True).select_option("no")
        detail.get_by_label("Final corrected output").fill("No: the office is closed on Sundays.")
        detail.get_by_role("button", name="Save final result").click()
        expect(detail.get_by_test_id(f"final-{correct.pk}")).to_have_text("no")
        expect(detail.get_by_role("status")).to_contain_text(f"Adjudicated by {owner.user.username}")
        page.screenshot(path="/tmp/annotation-adjudicate.png")

        # The settled answer becomes a reply of the app.
        page.get_by_role("tab", name="Items").click()
        row = page.get_by_test_id("item-row")
        expect(row).to_contain_text("completed")
        row.get_by_role("button", name="Use as reply").click()
        page.get_by_role("button", name="Save reply").click()
        # the question is embedded by the local model, which the fresh server may still be loading
        expect(page.get_by_role("status")).to_contain_text(f"Item #{item.pk} is now a reply of Support bot",
                                                           timeout=30_000)
        assert Reply.objects.get(source_item_id=item.pk).answer == "No: the office is closed on Sundays."

        item.refresh_from_db()
        assert item.final_scores == {str(correct.pk): "no", str(polite.pk): True}
        assert item.final_output == "No: the office is closed on Sundays."
        assert item.adjudicated_by == owner.user
