"""Many reviewers claiming from one queue at once, against the real database: an item that wants
two reviews gets exactly two, from two different people; no slot is ever held twice."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from builder.annotation import services
from builder.annotation.models import ItemStatus, QueueItem, Review, ReviewStatus
from tests.builder.annotation.support import make_app, make_configs, make_queue, make_run

REVIEWERS = 8
ITEMS = 24


@pytest.mark.django_db(transaction=True)
def test_parallel_reviewers_never_share_a_slot(member_factory):
    owner = member_factory("owner")
    reviewers = [member_factory("annotator", workspace=owner.workspace).user for _ in range(REVIEWERS)]
    correct, polite, _ = make_configs(owner.workspace)
    queue = make_queue(owner.workspace, owner.user, [correct, polite], required_reviews=2)
    app = make_app(owner.workspace)
    services.items_add_runs(queue=queue, run_ids=[str(make_run(app, f"q{i}").pk) for i in range(ITEMS)])
    start = threading.Barrier(REVIEWERS)
    held_at_once: list[tuple[int, int]] = []

    def review_all(user) -> int:
        done = 0
        try:
            start.wait()
            while (item := services.item_claim_next(queue=queue, user=user)) is not None:
                held_at_once.append((item.pk, user.pk))
                services.review_submit(item=item, user=user,
                                       scores={str(correct.pk): "yes", str(polite.pk): done % 2 == 0})
                done += 1
            return done
        finally:
            connection.close()

    with ThreadPoolExecutor(REVIEWERS) as pool:
        per_reviewer = list(pool.map(review_all, reviewers))

    assert sum(per_reviewer) == ITEMS * 2
    submitted = Counter(Review.objects.filter(status=ReviewStatus.SUBMITTED).values_list("item_id", flat=True))
    assert set(submitted.values()) == {2} and len(submitted) == ITEMS
    pairs = list(Review.objects.values_list("item_id", "reviewer_id"))
    assert len(pairs) == len(set(pairs))  # nobody reviewed an item twice
    assert len(held_at_once) == len(set(held_at_once))
    assert QueueItem.objects.filter(queue=queue, status=ItemStatus.COMPLETED).count() == ITEMS
    assert sum(1 for n in per_reviewer if n) > 1  # the work spread over several reviewers


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_claims_take_different_slots(member_factory):
    """Every reviewer asks at the same instant for a one-item queue that wants two reviews: exactly
    two of them get it."""
    owner = member_factory("owner")
    reviewers = [member_factory("annotator", workspace=owner.workspace).user for _ in range(REVIEWERS)]
    correct, polite, _ = make_configs(owner.workspace)
    queue = make_queue(owner.workspace, owner.user, [correct, polite], required_reviews=2)
    services.items_add_runs(queue=queue, run_ids=[str(make_run(make_app(owner.workspace)).pk)])
    start = threading.Barrier(REVIEWERS)

    def claim(user):
        try:
            start.wait()
            return services.item_claim_next(queue=queue, user=user)
        finally:
            connection.close()

    with ThreadPoolExecutor(REVIEWERS) as pool:
        got = [item for item in pool.map(claim, reviewers) if item is not None]
    assert len(got) == 2  # nobody was told "nothing left" while a slot was free, nor got a third slot
    assert Review.objects.filter(status=ReviewStatus.CLAIMED).values("reviewer").distinct().count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_reviewers_own_claim_in_flight_is_their_next_item(member_factory):
    """The review screen claims the next item in advance while the reviewer submits the current one:
    the submit's "next" must wait for that claim and answer it, not say the queue is done."""
    owner = member_factory("owner")
    correct, polite, _ = make_configs(owner.workspace)
    queue = make_queue(owner.workspace, owner.user, [correct, polite], required_reviews=1)
    app = make_app(owner.workspace)
    services.items_add_runs(queue=queue, run_ids=[str(make_run(app, f"q{i}").pk) for i in range(2)])
    current = services.item_claim_next(queue=queue, user=owner.user)
    claiming, answered = threading.Event(), threading.Event()

    def preload():  # the claim in advance, its transaction still open when the submit asks
        from django.db import transaction

        try:
            with transaction.atomic():
                claimed = services.item_claim_next(queue=queue, user=owner.user, exclude=[current.pk])
                claiming.set()
                answered.wait(timeout=0.5)  # the submit's "next" is blocked on this row meanwhile
            return claimed
        finally:
            connection.close()

    def submit_then_next():
        try:
            claiming.wait(timeout=10)
            services.review_submit(item=current, user=owner.user,
                                   scores={str(correct.pk): "yes", str(polite.pk): True})
            following = services.item_claim_next(queue=queue, user=owner.user, exclude=[current.pk])
            answered.set()
            return following
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        preloaded, following = pool.submit(preload), pool.submit(submit_then_next)
        preloaded, following = preloaded.result(), following.result()
    assert preloaded is not None and following is not None and following.pk == preloaded.pk
