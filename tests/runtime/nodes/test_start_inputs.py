"""The start node's inputs: one check of a run's inputs against the app's declared ones, the
same wherever a run starts. A required input is present and not null; null counts as absent
(the default applies); each wrong input is named."""

from __future__ import annotations

import pytest

from runtime.errors import InputInvalid
from runtime.spec import GraphSpec
from tests.runtime.conftest import event_kinds

DECLARED = [
    {"name": "topic"},
    {"name": "n", "type": "number", "default": 2},
    {"name": "note", "required": False},
]


def echo_graph(build):
    return build({"end": ("end", {"outputs": {"topic": "inputs.topic", "n": "inputs.n", "note": "inputs.note"}})},
                 ["start>end"], DECLARED)


async def test_a_required_input_sent_as_null_fails_the_run_before_any_node(build, context, hook):
    result = await echo_graph(build).run({"topic": None}, context=context, hooks=[hook])

    assert result.error["code"] == "invalid_input"
    assert "'topic' is required" in result.error["message"]
    assert event_kinds(hook) == ["run.started", "run.failed"]


async def test_null_is_absent_so_an_inputs_default_applies(build, context):
    result = await echo_graph(build).run({"topic": "tea", "n": None, "note": None}, context=context)

    assert result.status == "succeeded"
    assert result.outputs == {"topic": "tea", "n": 2, "note": None}


def test_every_wrong_input_is_named_with_its_field(build):
    with pytest.raises(InputInvalid) as caught:
        echo_graph(build).prepare_inputs({"topic": None, "n": "two", "color": "red"})

    assert caught.value.problems == [
        {"field": "inputs.topic", "message": "'topic' is required (it was null)"},
        {"field": "inputs.n", "message": "'n' must be a number, got string"},
        {"field": "inputs.color", "message": "'color' is not an input of this app"},
    ]


@pytest.mark.parametrize(("value", "got"), [(True, "boolean"), ([1], "array"), ({"a": 1}, "object"), (1.5, "number")])
def test_a_string_input_takes_only_a_string(build, value, got):
    with pytest.raises(InputInvalid) as caught:
        echo_graph(build).prepare_inputs({"topic": value})

    assert caught.value.problems == [{"field": "inputs.topic", "message": f"'topic' must be a string, got {got}"}]


def test_the_spec_checks_inputs_as_the_compiled_graph_does(build):
    spec = GraphSpec.from_dict({"inputs": DECLARED})

    assert spec.prepare_inputs({"topic": "tea"}) == {"topic": "tea", "n": 2, "note": None}
    with pytest.raises(InputInvalid) as caught:
        spec.prepare_inputs({"topic": None})
    assert [p["field"] for p in caught.value.problems] == ["inputs.topic"]
