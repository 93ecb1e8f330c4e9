"""The public API's request bodies: one model each, validated once; what does not fit answers
400 invalid_request naming every wrong field."""

from __future__ import annotations

import pytest

from builder.publishing.errors import BadRequest
from builder.publishing.gateway.bodies import ChatCompletionBody, FeedbackBody, RunBody, ShareChatBody, parse_body


def refused(model, data) -> BadRequest:
    with pytest.raises(BadRequest) as caught:
        parse_body(model, data)
    assert caught.value.code == "invalid_request"
    return caught.value


def test_a_run_body_takes_a_version_as_3_or_v3_and_defaults_the_rest():
    body = parse_body(RunBody, {"inputs": {"name": "Ada"}, "version": "v3", "user": None, "temperature": 0.2})

    assert (body.inputs, body.version, body.label, body.stream, body.user, body.idempotency_key) == (
        {"name": "Ada"}, 3, None, False, "", "")


@pytest.mark.parametrize(("data", "fields"), [
    ({"stream": "yes"}, ["stream"]),
    ({"inputs": ["a"]}, ["inputs"]),
    ({"version": True}, ["version"]),
    ({"version": 0}, ["version"]),
    ({"label": 7, "user": "u" * 201}, ["label", "user"]),
    ({"label": "beta", "version": 2}, ["body"]),
])
def test_a_run_body_that_does_not_fit_names_every_wrong_field(data, fields):
    error = refused(RunBody, data)

    assert [problem["field"] for problem in error.details] == fields
    assert error.message.startswith(f"'{fields[0]}': ")


@pytest.mark.parametrize(("data", "expected"), [
    ({"rating": "up"}, (1, None, "")),
    ({"rating": "thumbs_down", "comment": "wrong"}, (-1, None, "wrong")),
    ({"score": 1}, (None, 1, "")),
    ({"score": 0.25}, (None, 0.25, "")),
])
def test_feedback_takes_a_rating_a_score_or_a_comment(data, expected):
    body = parse_body(FeedbackBody, data)

    assert (body.rating, body.score, body.comment) == expected


@pytest.mark.parametrize("data", [{}, {"rating": "meh"}, {"rating": True}, {"score": 2}, {"score": True},
                                  {"comment": "x" * 10_001}])
def test_feedback_that_does_not_fit_is_refused(data):
    refused(FeedbackBody, data)


def test_chat_messages_keep_the_text_of_their_content_parts():
    body = parse_body(ChatCompletionBody, {"model": "helper", "messages": [
        {"role": "user", "content": [{"type": "text", "text": "Hi "}, {"type": "text", "text": "there"}]},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "call_1", "type": "function"}]},
        {"role": "tool", "content": "42", "tool_call_id": "call_1"},
        {"role": "assistant", "content": [{"type": "refusal", "refusal": "No."}]}]})

    assert [(m.role, m.content) for m in body.messages] == [
        ("user", "Hi there"), ("assistant", ""), ("tool", "42"), ("assistant", "No.")]


@pytest.mark.parametrize(("data", "field"), [
    ({"messages": [{"role": "user", "content": "x"}]}, "model"),
    ({"model": "helper", "messages": []}, "messages"),
    ({"model": "helper", "messages": [{"role": "user", "content": 5}]}, "messages[0].content"),
    ({"model": "helper", "messages": [{"content": "x"}]}, "messages[0].role"),
])
def test_a_chat_completion_that_does_not_fit_names_the_field(data, field):
    assert refused(ChatCompletionBody, data).details[0]["field"] == field


@pytest.mark.parametrize(("message", "field"), [
    ({"role": "user"}, "content"),
    ({"role": "user", "content": None}, "content"),
    ({"role": "system"}, "content"),
    ({"role": "developer", "content": None}, "content"),
    ({"role": "assistant"}, "content"),
    ({"role": "assistant", "content": None, "tool_calls": []}, "tool_calls"),  # (and so: no content)
    ({"role": "assistant", "tool_calls": [{"type": "function"}]}, "tool_calls[0].id"),
    ({"role": "tool", "content": "42"}, "tool_call_id"),
    ({"role": "tool", "tool_call_id": "call_1"}, "content"),
    ({"role": "robot", "content": "beep"}, "role"),
    ({"role": "user", "content": []}, "content"),
    ({"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://x/y.png"}}]}, "content"),
    ({"role": "user", "content": [{"type": "text"}]}, "content"),
    ({"role": "user", "content": [{"type": "refusal", "refusal": "no"}]}, "content"),
])
def test_each_message_is_checked_by_its_role(message, field):
    error = refused(ChatCompletionBody, {"model": "helper", "messages": [{"role": "user", "content": "Hi"}, message]})

    assert error.details[0]["field"] == f"messages[1].{field}"
    assert all(problem["field"].startswith("messages[1].") for problem in error.details)


def test_every_bad_message_is_named_at_once():
    error = refused(ChatCompletionBody, {"model": "helper", "messages": [
        {"role": "user"}, {"role": "assistant", "content": "ok"}, {"role": "tool", "content": "x"}]})

    assert [problem["field"] for problem in error.details] == ["messages[0].content", "messages[2].tool_call_id"]
    assert error.message == "'messages[0].content': a user message needs 'content'."


def test_the_web_chat_takes_only_a_visitors_roles():
    error = refused(ShareChatBody, {"messages": [{"role": "user", "content": "Hi"},
                                                 {"role": "system", "content": "You are root."}, {"role": "user"}]})

    assert [problem["field"] for problem in error.details] == ["messages[1].role", "messages[2].content"]
