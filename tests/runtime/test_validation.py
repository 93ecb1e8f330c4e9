"""validate(): each graph problem yields its stable issue code, on the right node/edge/field."""

from __future__ import annotations

import pytest

from runtime.engine.compiled import compile_graph
from runtime.errors import GraphInvalid
from runtime.spec import GraphSpec
from runtime.validation import validate
from tests.runtime.conftest import edges, make_spec

ECHO = ("sample_echo", {"value": "x"})
BRANCH = (
    "branch",
    {"cases": [{"id": "yes", "conditions": [{"variable": "inputs.n", "operator": "gt", "value": 1}]}]},
)


def spec_without_start_or_end(nodes, arrows):
    return GraphSpec.from_dict(
        {
            "inputs": [{"name": "n", "type": "number"}],
            "nodes": [{"id": k, "type": t, "config": c} for k, (t, c) in nodes.items()],
            "edges": edges(*arrows),
        }
    )


CASES = [
    ("unknown_node_type", make_spec({"a": ("nope", {})}, ["start>a", "a>end"]), "a", None, "type"),
    (
        "unknown_node_version",
        GraphSpec.from_dict({"nodes": [{"id": "start", "type": "start", "version": 9}]}),
        "start",
        None,
        "type",
    ),
    (
        "invalid_config",
        make_spec({"a": ("sample_echo", {"valu": "x"})}, ["start>a", "a>end"]),
        "a",
        None,
        "valu",
    ),
    (
        "invalid_config",
        make_spec(
            {"a": ("retrieval", {"query": "q", "knowledge_base": "kb", "top_k": 0})}, ["start>a", "a>end"]
        ),
        "a",
        None,
        "top_k",
    ),
    (
        "template_syntax",
        make_spec({"a": ("sample_echo", {"value": "{{ oops"})}, ["start>a", "a>end"]),
        "a",
        None,
        "value",
    ),
    ("dangling_edge", make_spec({}, ["start>end", "start>ghost"]), None, "e1", None),
    ("no_start", spec_without_start_or_end({"a": ECHO, "end": ("end", {})}, ["a>end"]), None, None, None),
    (
        "several_starts",
        make_spec({"start": ("start", {}), "start2": ("start", {})}, ["start>end", "start2>end"]),
        "start2",
        None,
        None,
    ),
    ("unreachable_node", make_spec({"a": ECHO}, ["start>end"]), "a", None, None),
    (
        "no_reachable_end",
        spec_without_start_or_end({"start": ("start", {}), "a": ECHO}, ["start>a"]),
        None,
        None,
        None,
    ),
    ("cycle", make_spec({"a": ECHO, "b": ECHO}, ["start>a", "a>b", "b>a", "b>end"]), "a", None, None),
    (
        "unknown_variable",
        make_spec({"a": ("sample_echo", {"value": "{{ ghost.text }}"})}, ["start>a", "a>end"]),
        "a",
        None,
        "value",
    ),
    (
        "unknown_variable",
        make_spec({"a": ("sample_echo", {"value": "{{ inputs.nope }}"})}, ["start>a", "a>end"]),
        "a",
        None,
        "value",
    ),
    (
        "variable_not_upstream",
        make_spec(
            {"a": ("sample_echo", {"value": "{{ b.value }}"}), "b": ECHO},
            ["start>a", "start>b", "a>end", "b>end"],
        ),
        "a",
        None,
        "value",
    ),
    (
        "unknown_output_field",
        make_spec(
            {"a": ECHO, "b": ("sample_echo", {"value": "{{ a.nothing }}"})}, ["start>a", "a>b", "b>end"]
        ),
        "b",
        None,
        "value",
    ),
    (
        "unknown_handle",
        make_spec({"br": BRANCH, "a": ECHO}, ["start>br", "br:maybe>a", "a>end"]),
        "br",
        "e1",
        None,
    ),
    ("unknown_handle", make_spec({"a": ECHO}, ["start>a", "a:fail>end"]), "a", "e1", None),
    (
        "invalid_selector",
        make_spec({"end": ("end", {"outputs": {"r": "not a ref"}})}, ["start>end"]),
        "end",
        None,
        "outputs.r",
    ),
]


@pytest.mark.parametrize(("code", "spec", "node_id", "edge_id", "field"), CASES, ids=[c[0] for c in CASES])
def test_issue_code(registry, code, spec, node_id, edge_id, field):
    issues = [i for i in validate(spec, registry) if i.code == code]
    assert issues, f"expected {code}, got {[i.code for i in validate(spec, registry)]}"
    issue = issues[0]
    assert (issue.node_id, issue.edge_id, issue.field) == (node_id, edge_id, field)
    assert issue.message


def test_a_valid_graph_has_no_issues(registry):
    spec = make_spec(
        {
            "br": BRANCH,
            "a": ("sample_echo", {"value": "{{ inputs.n }} {{ sys.run_id }}"}),
            "b": ECHO,
            "end": ("end", {"outputs": {"r": "a.value"}}),
        },
        ["start>br", "br:yes>a", "br:else>b", "a>end", "b>end"],
        [{"name": "n", "type": "number"}],
    )
    assert validate(spec, registry) == []


def test_compile_refuses_an_invalid_graph_listing_the_issues(registry):
    with pytest.raises(GraphInvalid) as info:
        compile_graph(make_spec({"a": ("nope", {})}, ["start>a", "a>end"]), registry)
    assert [i.code for i in info.value.issues] == ["unknown_node_type"]
    assert info.value.code == "graph_invalid"


def test_fail_handle_is_allowed_when_the_node_routes_failures(registry):
    spec = make_spec(
        {"a": ("sample_echo", {"value": "x"}, {"error_strategy": "fail_branch"})},
        ["start>a", "a>end", "a:fail>end"],
    )
    assert validate(spec, registry) == []


def test_issues_are_json_ready(registry):
    issue = validate(make_spec({"a": ("nope", {})}, ["start>a", "a>end"]), registry)[0]
    assert issue.to_dict() == {
        "code": "unknown_node_type",
        "message": "unknown node type 'nope'",
        "node_id": "a",
        "edge_id": None,
        "field": "type",
    }
