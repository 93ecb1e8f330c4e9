"""The one rule for text the database cannot hold and for JSON bodies: refused at the edge with a
stable code naming the field, made storable wherever it still reaches storage."""

from __future__ import annotations

import pytest

from builder.core.text import json_depth_exceeds, storable, unstorable_field

pytestmark = pytest.mark.django_db


def test_storable_replaces_only_what_the_database_refuses():
    value = {"ok": "Grüße 👋", "bad\ud800key": ["nul \x00 here", 1.5, float("inf")], "n": None}

    assert storable(value) == {"ok": "Grüße 👋", "bad\ufffdkey": ["nul \ufffd here", 1.5, "inf"], "n": None}
    clean = {"a": ["b", {"c": "d"}]}
    assert storable(clean) is clean, "nothing to change: no copy"


@pytest.mark.parametrize(("value", "path"), [
    ({"inputs": {"query": "x\ud83d"}}, "inputs.query"),
    ({"messages": [{"content": "fine"}, {"content": "\x00"}]}, "messages[1].content"),
    ({"inputs": {"\udc00": 1}}, "inputs.\udc00"),
    ({"inputs": {"query": "fine 😀"}}, None),
])
def test_the_first_unstorable_field_is_named_by_its_path(value, path):
    assert unstorable_field(value) == path


def test_depth_is_measured_without_recursion():
    deep: list = []
    for _ in range(100_000):
        deep = [deep]

    assert json_depth_exceeds(deep, 64) and not json_depth_exceeds({"a": [{"b": [1]}]}, 4)


def post_raw(member, body: bytes):
    return member.client.generic("POST", "/api/tokens/", body, content_type="application/json")


@pytest.mark.parametrize(("body", "code", "field"), [
    (b'{"name": "ci \\ud800"}', "invalid_text", "name"),
    (b'{"name": "ci \\u0000"}', "invalid_text", "name"),
    (b'{"name": "ci", "extra": ' + b"[" * 70 + b"]" * 70 + b"}", "invalid_json", None),
    (b'{"name": "ci", "extra": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "invalid_json", None),
    (b'{"name": NaN}', "malformed_request", None),
    (b'{"name": ', "malformed_request", None),
])
def test_the_rest_api_refuses_bodies_it_cannot_store_with_a_stable_code(member_factory, body, code, field):
    member = member_factory("owner")

    response = post_raw(member, body)

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == code
    if field:
        assert error["details"] == {"field": field} and field in error["message"]


def test_the_rest_api_still_takes_any_real_text(member_factory):
    member = member_factory("owner")

    response = post_raw(member, '{"name": "Grüße 你好 👋"}'.encode())

    assert response.status_code == 201, response.content
    assert response.json()["name"] == "Grüße 你好 👋"


def test_a_document_with_unstorable_text_is_read_storable():
    from builder.knowledge.parsing import parse_document

    sections = parse_document(b'"Opening hours\\u0000: nine \\ud800 to five"\n', "jsonl")

    assert sections[0].text == "Opening hours\ufffd: nine \ufffd to five"


def test_an_import_file_with_unstorable_text_is_refused_naming_the_field():
    from builder.core.text import InvalidText
    from builder.flows.interchange import import_report

    with pytest.raises(InvalidText) as refused:
        import_report(content='{"name": "x", "nodes": [{"id": "a", "title": "bad \\ud800"}]}', filename="app.json",
                      workspace_id=0)

    assert refused.value.details == {"field": "nodes[0].title"}


@pytest.mark.parametrize("path", [
    "apps/?search=a%00b", "prompts/?q=%00", "prompts/?tag=x%00", "runs/?status=%00", "prompts/resolve/?ref=a%00",
    "apps/?%00=1", "playground/runs/?prompt=%00",
])
def test_a_query_parameter_the_database_cannot_hold_is_a_400_on_every_list(owner, path):
    from tests.support.errors import assert_error_shape

    response = owner.client.get(f"/api/workspaces/{owner.workspace.pk}/{path}")

    error = assert_error_shape(response, 400, "invalid_text")
    assert error["details"]["field"].startswith("query")
