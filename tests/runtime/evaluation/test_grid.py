"""Parameter grids → rows: the full product in a stable order, a seeded sample that is the same
for the same seed and never builds the product, derived fields, the task tag, and refusals."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from runtime.evaluation.grid import GridError, GridSpec, GridVariable, grid_count, grid_rows

ROLES = ["teacher", "nurse"]
STYLES = ["short", "formal", "playful"]


def spec(**kwargs: Any) -> GridSpec:
    variables = kwargs.pop("variables", [GridVariable("role", ROLES), GridVariable("style", STYLES)])
    return GridSpec(variables=variables, **kwargs)


def test_the_product_gives_every_combination_in_order() -> None:
    rows = list(grid_rows(spec()))

    assert grid_count(spec()) == 6
    assert [r.inputs for r in rows] == [{"role": r, "style": s} for r, s in itertools.product(ROLES, STYLES)]
    assert all(r.tags == [] for r in rows)


def test_limit_stops_early() -> None:
    assert [r.inputs["style"] for r in grid_rows(spec(), limit=2)] == ["short", "formal"]
    assert list(grid_rows(spec(), limit=0)) == []


def test_a_sample_is_distinct_stable_for_its_seed_and_drawn_from_a_huge_product() -> None:
    huge = [GridVariable(f"v{i}", list(range(100))) for i in range(5)]
    sample = spec(variables=huge, mode="sample", sample_size=100, seed=7)

    first = [tuple(r.inputs.values()) for r in grid_rows(sample)]
    again = [tuple(r.inputs.values()) for r in grid_rows(spec(variables=huge, mode="sample", sample_size=100, seed=7))]
    other = [tuple(r.inputs.values()) for r in grid_rows(spec(variables=huge, mode="sample", sample_size=100, seed=8))]

    assert grid_count(sample) == 100 and len(first) == 100 and len(set(first)) == 100
    assert first == again and first != other
    assert first == sorted(first)


def test_a_sample_beyond_the_machine_word_still_draws_distinct_rows() -> None:
    enormous = [GridVariable(f"v{i}", list(range(1000))) for i in range(8)]
    rows = [tuple(r.inputs.values()) for r in grid_rows(spec(variables=enormous, mode="sample", sample_size=20))]

    assert len(set(rows)) == 20 and rows == sorted(rows)


def test_a_sample_larger_than_the_product_is_the_product() -> None:
    assert grid_count(spec(mode="sample", sample_size=50)) == 6
    assert [r.inputs for r in grid_rows(spec(mode="sample", sample_size=50))] == [r.inputs for r in grid_rows(spec())]


def test_derived_fields_and_the_task_tag() -> None:
    grid = spec(derived={"question": "As a {{ role }}, answer {{ style }}ly."}, task_variable="role")
    rows = list(grid_rows(grid, limit=4))

    assert rows[0].inputs == {"role": "teacher", "style": "short", "question": "As a teacher, answer shortly."}
    assert [r.tags for r in rows] == [["teacher"]] * 3 + [["nurse"]]


def test_a_grid_from_its_json_form() -> None:
    grid = GridSpec.from_dict({
        "variables": [{"name": "n", "values": [1, 2, 3]}, {"name": "lang", "values": ["en", "fr"]}],
        "mode": "sample", "sample_size": 4, "seed": 3, "task_variable": "lang",
    })

    rows = list(grid_rows(grid))
    assert grid_count(grid) == 4 and len({tuple(r.inputs.items()) for r in rows}) == 4
    assert all(r.tags == [r.inputs["lang"]] for r in rows)
    with pytest.raises(GridError, match="unknown grid field 'colour'"):
        GridSpec.from_dict({"variables": [{"name": "n", "values": [1]}], "colour": "red"})


@pytest.mark.parametrize("kwargs, message", [
    ({"variables": []}, "at least one variable"),
    ({"variables": [GridVariable("a", [1]), GridVariable("a", [2])]}, "must differ: a appears more than once"),
    ({"task_variable": "nope"}, "task variable 'nope' is not a field of the grid"),
    ({"derived": {"role": "x"}}, "derived field 'role' has the name of a variable"),
    ({"derived": {"q": "{{ role "}}, "derived field q"),
    ({"mode": "sample"}, "sample needs a sample_size"),
    ({"mode": "sample", "sample_size": 100_001}, "at most 100,000 rows"),
    ({"variables": [GridVariable(f"v{i}", list(range(100))) for i in range(3)]},
     "makes 1,000,000 rows .at most 100,000.: take a sample instead"),
])
def test_grids_that_cannot_make_rows_say_why(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(GridError, match=message):
        spec(**kwargs)


def test_a_derived_field_that_reads_a_missing_value_says_which() -> None:
    with pytest.raises(GridError, match="derived field q"):
        list(grid_rows(spec(derived={"q": "{{ tone }}"})))


def test_a_variable_needs_a_name_and_values() -> None:
    with pytest.raises(GridError, match="usable variable name"):
        GridVariable("two words", [1])
    with pytest.raises(GridError, match="1 to 1,000 values"):
        GridVariable("empty", [])
    with pytest.raises(GridError, match="not 1,001"):
        GridVariable("many", list(range(1001)))
