"""validate(): each graph problem yields its stable issue code, on the right node/edge/field."""

from __future__ import annotations

import copy
from typing import get_args

import pytest
from pydantic import BaseModel

from runtime.engine.compiled import compile_graph
from runtime.errors import GraphInvalid
from runtime.nodes.model_call import ModelRef
from runtime.spec import GraphSpec
from runtime.validation import ModelCatalog, validate
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
        "severity": "error",
    }


# --- required fields and available models ----------------------------------------------------
LOCAL = {"provider": "local", "model": "small"}
CATALOG = ModelCatalog(frozenset({("local", "small"), ("local", "tuned")}), open_providers=frozenset({"remote"}))
Q = "{{ inputs.q }}"
SUB_GRAPH = {
    "inputs": [{"name": "item", "type": "string"}],
    "nodes": [
        {"id": "start", "type": "start"},
        {"id": "ask", "type": "prompt", "config": {"model": LOCAL, "messages": [{"role": "user", "template": "x"}]}},
        {"id": "answer", "type": "answer", "config": {"template": "{{ ask.text }}"}},
    ],
    "edges": [{"id": "e1", "source": "start", "target": "ask"}, {"id": "e2", "source": "ask", "target": "answer"}],
}
#: A valid config of every built-in node type but start.
VALID = {
    "prompt": {"model": LOCAL,
               "messages": [{"role": "system", "template": "Be brief."}, {"role": "user", "template": Q}]},
    "agent": {"model": LOCAL, "prompt": Q},
    "classifier": {"model": LOCAL, "query": Q, "classes": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]},
    "answer": {"template": Q},
    "template": {"template": "Hi {{ inputs.q }}"},
    "http_request": {"url": "https://example.com/{{ inputs.q }}"},
    "retrieval": {"query": Q, "knowledge_base": "docs"},
    "tool": {"tool": "calculator", "arguments": {"expression": Q}},
    "branch": {"cases": [{"id": "yes", "conditions": [{"variable": "inputs.q", "operator": "equals", "value": "y"}]}]},
    "aggregate": {"inputs": ["inputs.q"]},
    "iteration": {"items": "inputs.q", "graph": SUB_GRAPH},
    "end": {"outputs": {"r": "inputs.q"}},
}


HANDLE = {"classifier": ":a", "branch": ":yes"}


def one_node(node_type, config):
    """start -> n -> end, with an app input ``q``."""
    arrow = "start>end" if node_type == "end" else f"n{HANDLE.get(node_type, '')}>end"
    return make_spec({"n": (node_type, config)}, ["start>n", arrow], [{"name": "q", "type": "string"}])


def with_(config, path, value):
    """A deep copy of ``config`` with the dotted ``path`` set (or removed, for ``...``)."""
    config = copy.deepcopy(config)
    *parents, last = path.split(".")
    target = config
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    key = int(last) if isinstance(target, list) else last
    if value is ...:
        del target[key]
    else:
        target[key] = value
    return config


REQUIRED = [
    ("prompt", "messages.1.template", ""),
    ("prompt", "messages.1.template", " \n "),
    ("prompt", "messages", []),
    ("prompt", "model", {"provider": "", "model": ""}),
    ("prompt", "model", ...),
    ("agent", "prompt", "  "),
    ("agent", "model", {"provider": "local", "model": " "}),
    ("classifier", "query", ""),
    ("classifier", "classes", []),
    ("classifier", "classes.0.name", ""),
    ("classifier", "model", {"provider": "", "model": "small"}),
    ("answer", "template", ""),
    ("answer", "template", ...),
    ("template", "template", " "),
    ("http_request", "url", ""),
    ("retrieval", "query", ""),
    ("retrieval", "knowledge_base", ""),
    ("tool", "tool", ""),
    ("branch", "cases.0.conditions.0.variable", ""),
    ("aggregate", "inputs", []),
    ("aggregate", "inputs.0", " "),
    ("iteration", "items", ""),
    ("end", "outputs.r", ""),
]


@pytest.mark.parametrize(("node_type", "field", "value"), REQUIRED, ids=[f"{t}.{f}={v!r}" for t, f, v in REQUIRED])
def test_a_required_field_left_empty_is_a_required_error_on_that_field(registry, node_type, field, value):
    spec = one_node(node_type, with_(VALID[node_type], field, value))

    issues = validate(spec, registry)

    assert [(i.code, i.node_id, i.field, i.severity) for i in issues] == [("required", "n", field, "error")]
    assert "required" in issues[0].message
    with pytest.raises(GraphInvalid):
        compile_graph(spec, registry)


def test_a_required_message_names_the_field_by_its_title(registry):
    prompt = validate(one_node("prompt", with_(VALID["prompt"], "messages.1.template", "")), registry)
    http = validate(one_node("http_request", with_(VALID["http_request"], "url", "")), registry)

    assert [i.message for i in prompt + http] == ["Content is required (messages.1.template)", "URL is required"]


def test_a_node_with_config_issues_does_not_make_its_readers_unknown(registry):
    spec = make_spec(
        {"n": ("prompt", with_(VALID["prompt"], "messages.1.template", "")),
         "say": ("answer", {"template": "{{ n.text }}"})},
        ["start>n", "n>say", "say>end"], [{"name": "q", "type": "string"}],
    )

    assert [(i.code, i.node_id) for i in validate(spec, registry)] == [("required", "n")]


def model_node_types(registry):
    """Built-in node types whose config names a model, found from their config models."""

    def names_a_model(model):
        return any(
            _holds(info.annotation, ModelRef) or any(names_a_model(m) for m in _models_in(info.annotation))
            for info in model.model_fields.values()
        )

    return {t for t, v in registry.types() if names_a_model(registry.get(t, v).config_model)}


def _models_in(annotation):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]


def _holds(annotation, cls):
    return cls in _models_in(annotation)


def test_every_node_type_that_names_a_model_is_checked_against_the_available_models(registry):
    assert {t for t, _ in registry.types() if not t.startswith("sample_")} - {"start"} == set(VALID)
    for node_type, config in VALID.items():  # every type, filled in, with available models: clean
        assert validate(one_node(node_type, config), registry, CATALOG) == [], node_type
    assert model_node_types(registry) == {"prompt", "agent", "classifier"}
    for node_type in sorted(model_node_types(registry)):
        config = with_(VALID[node_type], "model", {"provider": "openai", "model": "gpt-4o", "temperature": 0.2})

        issues = validate(one_node(node_type, config), registry, CATALOG)

        assert [(i.code, i.node_id, i.field, i.severity) for i in issues] == [
            ("model_not_configured", "n", "model", "error")], node_type
        assert "openai/gpt-4o" in issues[0].message
        assert "ask the operator to configure provider 'openai'" in issues[0].message


def test_a_model_inside_an_iteration_sub_graph_is_checked_too(registry):
    sub = copy.deepcopy(SUB_GRAPH)
    sub["nodes"][1]["config"]["model"] = {"provider": "openai", "model": "gpt-4o"}

    issues = validate(one_node("iteration", {"items": "inputs.q", "graph": sub}), registry, CATALOG)

    assert [(i.code, i.node_id, i.field) for i in issues] == [("model_not_configured", "n", "graph")]
    assert issues[0].message.startswith("sub-graph node 'ask': model openai/gpt-4o is not available")


def test_a_node_with_another_problem_still_has_its_model_checked(registry):
    config = with_(with_(VALID["prompt"], "messages.1.template", ""), "model", {"provider": "openai", "model": "o1"})

    issues = validate(one_node("prompt", config), registry, CATALOG)

    assert {(i.code, i.field) for i in issues} == {
        ("required", "messages.1.template"), ("model_not_configured", "model")}


def test_a_model_a_provider_does_not_serve_names_the_ones_it_does(registry):
    config = with_(VALID["agent"], "model", {"provider": "local", "model": "huge"})

    issues = validate(one_node("agent", config), registry, CATALOG)

    assert [(i.code, i.severity) for i in issues] == [("model_not_configured", "error")]
    assert "provider 'local' has no model 'huge' (it has small, tuned)" in issues[0].message


def test_a_remote_provider_may_serve_models_it_does_not_list_so_that_is_a_warning(registry):
    listed = ModelCatalog(frozenset({("remote", "big")}), open_providers=frozenset({"remote"}))
    config = with_(VALID["classifier"], "model", {"provider": "remote", "model": "other"})

    unlisted = validate(one_node("classifier", config), registry, listed)
    nothing_listed = validate(one_node("classifier", config), registry, CATALOG)

    assert [(i.code, i.severity, i.field) for i in unlisted] == [("model_not_listed", "warning", "model")]
    assert nothing_listed == []
    spec = one_node("classifier", config)
    assert compile_graph(spec, registry) is not None  # a warning does not stop a run


def test_models_are_not_checked_without_a_catalog_and_a_plain_list_of_pairs_is_one(registry):
    spec = one_node("prompt", with_(VALID["prompt"], "model", {"provider": "openai", "model": "gpt-4o"}))

    assert validate(spec, registry) == []
    assert validate(spec, registry, None) == []
    assert [i.code for i in validate(spec, registry, [("local", "small")])] == ["model_not_configured"]
    assert validate(spec, registry, [("openai", "gpt-4o")]) == []
