"""What the reply tests share: a reviewed question, its paraphrases and an unrelated question
(MiniLM similarities to the reviewed one: about 0.94, 0.99 and 0.07), and helpers."""

from __future__ import annotations

from builder.replies.services import reply_create, reply_settings_update

REVIEWED = "How do I reset my password?"
APPROVED = "Open Settings → Security and choose “Reset password”; a link arrives by email."
PARAPHRASED = "I forgot my password, how do I reset it?"
CLOSE = "How can I reset my password?"
UNRELATED = "What is the capital of France?"


def approved_reply(member, app, *, question: str = REVIEWED, answer: str = APPROVED, **kwargs):
    return reply_create(app=app, question=question, answer=answer, created_by=member.user, **kwargs)


def replies_on(member, app, threshold: float = 0.9):
    return reply_settings_update(app=app, user=member.user, enabled=True, threshold=threshold)
