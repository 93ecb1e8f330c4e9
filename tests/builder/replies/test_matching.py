"""Storing replies and matching questions to them, with the real embedding model: a paraphrase
is matched, an unrelated question is not; only enabled replies of apps whose replies are on."""

import pytest

from builder.flows.services import app_create
from builder.replies.errors import ReplyInvalid, ThresholdInvalid
from builder.replies.models import Reply
from builder.replies.selectors import reply_match, reply_switch
from builder.replies.services import reply_hit, reply_settings_update, reply_update
from tests.builder.publishing.graphs import prompt_graph
from tests.builder.replies.support import APPROVED, CLOSE, PARAPHRASED, REVIEWED, UNRELATED, approved_reply, replies_on

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def app(owner):
    return app_create(workspace=owner.workspace, name="Helpdesk", user=owner.user, graph=prompt_graph())


def test_a_paraphrased_question_matches_the_reviewed_one(owner, app):
    reply = approved_reply(owner, app)
    replies_on(owner, app)

    found, similarity = reply_match(app=app, question=PARAPHRASED)

    assert found == reply and found.answer == APPROVED
    assert 0.9 <= similarity < 1.0


def test_an_unrelated_question_matches_nothing(owner, app):
    approved_reply(owner, app)
    replies_on(owner, app)

    assert reply_match(app=app, question=UNRELATED) is None


def test_replies_are_off_until_a_builder_turns_them_on(owner, app):
    approved_reply(owner, app)

    assert (reply_switch(app_id=app.pk).enabled, reply_switch(app_id=app.pk).threshold) == (False, 0.9)
    assert reply_match(app=app, question=REVIEWED) is None


def test_a_switched_off_reply_is_not_matched(owner, app):
    reply = approved_reply(owner, app)
    replies_on(owner, app)

    reply_update(reply=reply, enabled=False)

    assert reply_match(app=app, question=REVIEWED) is None


def test_the_threshold_decides_how_close_a_question_must_be(owner, app):
    approved_reply(owner, app)
    replies_on(owner, app, threshold=0.95)
    assert reply_match(app=app, question=PARAPHRASED) is None  # about 0.94
    assert reply_match(app=app, question=CLOSE) is not None  # about 0.99

    replies_on(owner, app, threshold=1.0)
    assert reply_match(app=app, question=CLOSE) is None
    assert reply_match(app=app, question=f"  {REVIEWED} ") is not None, "the very same question always matches"


def test_the_nearest_reply_of_this_app_answers(owner, app, member_factory):
    approved_reply(owner, app, question="How do I change my email address?", answer="Settings → Profile.")
    password = approved_reply(owner, app)
    other_app = app_create(workspace=owner.workspace, name="Other", user=owner.user, graph=prompt_graph())
    approved_reply(owner, other_app, question=CLOSE, answer="Another app's answer.")
    replies_on(owner, app, threshold=0.5)

    assert reply_match(app=app, question=CLOSE)[0] == password


def test_a_new_question_is_embedded_again(owner, app):
    reply = approved_reply(owner, app)
    replies_on(owner, app)

    reply_update(reply=reply, question="Where can I download my invoices?", answer="Billing → Invoices.")

    assert reply_match(app=app, question=PARAPHRASED) is None
    assert reply_match(app=app, question="How can I download my invoices?")[0].answer == "Billing → Invoices."


def test_an_approved_annotation_becomes_a_reply(owner, app):
    reply = approved_reply(owner, app, source="annotation", source_item_id=41)

    stored = Reply.objects.get(pk=reply.pk)
    assert (stored.source, stored.source_item_id, stored.workspace_id, stored.created_by) == (
        "annotation", 41, owner.workspace.pk, owner.user)
    assert (stored.enabled, stored.hit_count, stored.last_hit_at) == (True, 0, None)
    assert len(stored.embedding) == 384


def test_hits_are_counted(owner, app):
    reply = approved_reply(owner, app)

    reply_hit(reply_id=reply.pk)
    reply_hit(reply_id=reply.pk)

    reply.refresh_from_db()
    assert reply.hit_count == 2 and reply.last_hit_at is not None


@pytest.mark.parametrize(("question", "answer", "field"), [
    ("   ", APPROVED, "question"), (REVIEWED, "", "answer"), ("x" * 4001, APPROVED, "question"),
])
def test_a_reply_needs_a_question_and_an_answer(owner, app, question, answer, field):
    with pytest.raises(ReplyInvalid) as refused:
        approved_reply(owner, app, question=question, answer=answer)
    assert refused.value.details == {"field": field}
    assert not Reply.objects.exists()


def test_the_threshold_is_a_similarity_between_one_half_and_one(owner, app):
    with pytest.raises(ThresholdInvalid):
        reply_settings_update(app=app, user=owner.user, threshold=0.2)
    assert reply_switch(app_id=app.pk).threshold == 0.9
