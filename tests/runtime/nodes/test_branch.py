"""Branch conditions: each operator, and/or, first match wins, else."""

from __future__ import annotations

import pytest

from runtime.engine.compiled import compile_graph
from tests.runtime.conftest import make_spec


def branch_graph(registry, cases):
    spec = make_spec(
        {"br": ("branch", {"cases": cases}), "end": ("end", {"outputs": {"case": "br.case"}})},
        ["start>br", *(f"br:{c['id']}>end" for c in cases), "br:else>end"],
        [{"name": "v", "type": "object"}],
    )
    return compile_graph(spec, registry)


@pytest.mark.parametrize(
    ("operator", "value", "given", "matches"),
    [
        ("equals", "yes", "yes", True),
        ("equals", "3", 3, True),
        ("equals", "true", True, True),
        ("not_equals", "yes", "no", True),
        ("contains", "ell", "hello", True),
        ("contains", "b", ["a", "b"], True),
        ("contains", "z", "hello", False),
        ("regex", r"^\d{3}-\d{4}$", "555-1234", True),
        ("regex", r"^\d+$", "12a", False),
        ("gt", 10, 11, True),
        ("gt", 10, "10", False),
        ("lt", 10, 9.5, True),
        ("gte", 10, 10, True),
        ("lte", 10, 11, False),
        ("empty", None, "  ", True),
        ("empty", None, [], True),
        ("empty", None, None, True),
        ("not_empty", None, "x", True),
    ],
)
async def test_operator(registry, operator, value, given, matches):
    graph = branch_graph(
        registry,
        [{"id": "hit", "conditions": [{"variable": "inputs.v.x", "operator": operator, "value": value}]}],
    )
    result = await graph.run({"v": {"x": given}})
    assert result.outputs["case"] == ("hit" if matches else "else")


@pytest.mark.parametrize(("combine", "expected"), [("and", "else"), ("or", "hit")])
async def test_conditions_combine_with_and_or(registry, combine, expected):
    conditions = [
        {"variable": "inputs.v.a", "operator": "equals", "value": 1},
        {"variable": "inputs.v.b", "operator": "equals", "value": 2},
    ]
    graph = branch_graph(registry, [{"id": "hit", "logical_operator": combine, "conditions": conditions}])
    result = await graph.run({"v": {"a": 1, "b": 3}})
    assert result.outputs["case"] == expected


async def test_first_matching_case_wins(registry):
    cases = [
        {"id": f"c{i}", "conditions": [{"variable": "inputs.v.n", "operator": "gt", "value": i}]}
        for i in (5, 1)
    ]
    result = await branch_graph(registry, cases).run({"v": {"n": 9}})
    assert result.outputs["case"] == "c5"


async def test_comparing_text_as_a_number_fails_the_node(registry):
    graph = branch_graph(
        registry, [{"id": "hit", "conditions": [{"variable": "inputs.v.n", "operator": "gt", "value": 1}]}]
    )
    result = await graph.run({"v": {"n": "many"}})
    assert result.error["code"] == "branch_type_error"


def test_bad_regex_is_a_config_issue_on_its_field(registry):
    from runtime.validation import validate

    spec = make_spec(
        {
            "br": (
                "branch",
                {
                    "cases": [
                        {
                            "id": "x",
                            "conditions": [{"variable": "inputs.v", "operator": "regex", "value": "("}],
                        }
                    ]
                },
            )
        },
        ["start>br", "br:x>end"],
    )
    issue = validate(spec, registry)[0]
    assert (issue.code, issue.field) == ("invalid_config", "cases.0.conditions.0.value")
