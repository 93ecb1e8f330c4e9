"""Parameter grids that generate test rows: each variable has a list of values, and the rows are
every combination (``product``) or a seeded sample of distinct combinations (``sample``) drawn
without building the whole product. ``derived`` fields are templates over a row's values,
sandboxed like every template; the ``task_variable``'s value becomes the row's tag, so results can
be broken down by task."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from runtime.errors import TemplateError
from runtime.templates import Template, compile_template

MAX_PRODUCT_ROWS = 100_000
MAX_SAMPLE_ROWS = 100_000
MAX_VALUES = 1_000

GridMode = Literal["product", "sample"]


class GridError(ValueError):
    """A grid that cannot make rows; the message says why."""


@dataclass(frozen=True, slots=True)
class GridVariable:
    """One axis of the grid: an input ``name`` (an identifier) and its 1 to 1000 ``values``."""

    name: str
    values: list[Any]

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise GridError(f"{self.name!r} is not a usable variable name (letters, digits and _, not first a digit)")
        if not isinstance(self.values, list | tuple):
            raise GridError(f"the values of {self.name} are a list")
        if not 1 <= len(self.values) <= MAX_VALUES:
            raise GridError(f"{self.name} needs 1 to {MAX_VALUES:,} values, not {len(self.values):,}")


@dataclass(frozen=True)
class GridSpec:
    """A grid: its variables, whether rows are the whole ``product`` or a ``sample`` of
    ``sample_size`` distinct combinations (drawn with ``seed``), templates for ``derived`` fields and
    the ``task_variable`` whose value tags each row. Checked when made: :class:`GridError` says
    what is wrong."""

    variables: list[GridVariable]
    mode: GridMode = "product"
    sample_size: int | None = None
    seed: int = 0
    derived: dict[str, str] = field(default_factory=dict)
    task_variable: str | None = None
    _templates: dict[str, Template] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = [variable.name for variable in self.variables]
        if not names:
            raise GridError("a grid needs at least one variable")
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise GridError(f"variable names must differ: {', '.join(duplicates)} appears more than once")
        if self.mode not in ("product", "sample"):
            raise GridError(f"mode is 'product' or 'sample', not {self.mode!r}")
        for name in self.derived:
            if not isinstance(name, str) or not name.isidentifier():
                raise GridError(f"{name!r} is not a usable derived field name (letters, digits and _)")
            if name in names:
                raise GridError(f"derived field {name!r} has the name of a variable")
        fields = [*names, *self.derived]
        if self.task_variable is not None and self.task_variable not in fields:
            raise GridError(f"the task variable {self.task_variable!r} is not a field of the grid: {', '.join(fields)}")
        total = product_size(self.variables)
        if self.mode == "sample":
            if isinstance(self.sample_size, bool) or not isinstance(self.sample_size, int) or self.sample_size < 1:
                raise GridError("a sample needs a sample_size of at least 1")
            if self.sample_size > MAX_SAMPLE_ROWS:
                raise GridError(f"a sample has at most {MAX_SAMPLE_ROWS:,} rows, not {self.sample_size:,}")
        elif total > MAX_PRODUCT_ROWS:
            raise GridError(
                f"the full product makes {total:,} rows (at most {MAX_PRODUCT_ROWS:,}): take a sample instead"
            )
        templates: dict[str, Template] = {}
        for name, source in self.derived.items():
            try:
                templates[name] = compile_template(source, field=f"derived.{name}")
            except TemplateError as exc:
                raise GridError(f"derived field {name}: {exc.message}") from None
        object.__setattr__(self, "_templates", templates)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GridSpec:
        """A grid from its JSON form: ``{"variables": [{"name", "values"}], "mode", ...}``."""
        if not isinstance(data, Mapping):
            raise GridError("a grid is an object")
        allowed = {"variables", "mode", "sample_size", "seed", "derived", "task_variable"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise GridError(f"unknown grid field {unknown[0]!r} (known: {', '.join(sorted(allowed))})")
        raw_variables = data.get("variables")
        if not isinstance(raw_variables, list):
            raise GridError("variables is a list of {name, values}")
        variables = []
        for raw in raw_variables:
            if not isinstance(raw, Mapping) or set(raw) != {"name", "values"}:
                raise GridError("each variable is an object with exactly name and values")
            variables.append(GridVariable(name=raw["name"], values=list(raw["values"] or [])))
        derived = data.get("derived") or {}
        if not isinstance(derived, Mapping) or not all(isinstance(v, str) for v in derived.values()):
            raise GridError("derived maps field names to template text")
        seed = data.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise GridError("seed is a whole number")
        task_variable = data.get("task_variable")
        if task_variable is not None and not isinstance(task_variable, str):
            raise GridError("task_variable is a field name")
        return cls(
            variables=variables,
            mode=data.get("mode", "product"),
            sample_size=data.get("sample_size"),
            seed=seed,
            derived=dict(derived),
            task_variable=task_variable,
        )


@dataclass(frozen=True, slots=True)
class GridRow:
    """One generated test row: its ``inputs`` (variables, then derived fields) and ``tags``."""

    inputs: dict[str, Any]
    tags: list[str]


def product_size(variables: list[GridVariable]) -> int:
    """How many combinations the variables make."""
    size = 1
    for variable in variables:
        size *= len(variable.values)
    return size


def grid_count(spec: GridSpec) -> int:
    """How many rows the grid makes: the product's size, or the sample's (at most the product)."""
    total = product_size(spec.variables)
    if spec.mode == "product":
        return total
    return min(spec.sample_size or 0, total)


def grid_rows(spec: GridSpec, limit: int | None = None) -> Iterator[GridRow]:
    """The grid's rows (at most ``limit``), in product order — the last variable changes fastest;
    a sample keeps that order too, and the same seed always draws the same rows."""
    total = product_size(spec.variables)
    indices: range | list[int] = range(total) if spec.mode == "product" else _sample(spec, total)
    for count, index in enumerate(indices):
        if limit is not None and count >= limit:
            return
        values = _combination(spec.variables, index)
        for name, template in spec._templates.items():
            try:
                values[name] = template.render(values)
            except TemplateError as exc:
                raise GridError(f"derived field {name}: {exc.message}") from None
        tag = values.get(spec.task_variable) if spec.task_variable is not None else None
        yield GridRow(inputs=values, tags=[] if tag is None or tag == "" else [str(tag)])


def _sample(spec: GridSpec, total: int) -> list[int]:
    """``sample_size`` distinct combination indices, drawn with the spec's seed, in order."""
    k = grid_count(spec)
    rng = random.Random(spec.seed)
    if total <= sys.maxsize:
        return sorted(rng.sample(range(total), k))
    drawn: set[int] = set()
    while len(drawn) < k:
        drawn.add(rng.randrange(total))
    return sorted(drawn)


def _combination(variables: list[GridVariable], index: int) -> dict[str, Any]:
    """The ``index``-th combination of the product, read as a mixed-radix number."""
    digits: dict[str, Any] = {}
    for variable in reversed(variables):
        index, digit = divmod(index, len(variable.values))
        digits[variable.name] = variable.values[digit]
    return {variable.name: digits[variable.name] for variable in variables}
