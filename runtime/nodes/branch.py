"""Branch: if / elif / else. One handle per case id plus ``else``; only the chosen one runs."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field, field_validator

from runtime.context import RunState
from runtime.errors import NodeError
from runtime.nodes.base import Node, NodeConfig, NodeConfigError, NodeResult, OutputField
from runtime.variables import is_empty, resolve

ELSE_HANDLE = "else"
MAX_REGEX_LENGTH = 500

Operator = Literal[
    "equals", "not_equals", "contains", "regex", "gt", "lt", "gte", "lte", "empty", "not_empty"
]
UNARY = ("empty", "not_empty")


class Condition(NodeConfig):
    variable: str = Field(title="Variable", description="Reference to test, e.g. classify.label.")
    operator: Operator = Field(title="Operator")
    value: Any = Field(None, title="Value", description="Right-hand side (unused by empty / not_empty).")


class Case(NodeConfig):
    id: str = Field(pattern=r"^[A-Za-z_][\w-]*$", title="Case id", description="Also the name of its handle.")
    logical_operator: Literal["and", "or"] = Field("and", title="Combine with")
    conditions: list[Condition] = Field(min_length=1, title="Conditions")


class BranchConfig(NodeConfig):
    cases: list[Case] = Field(
        min_length=1, title="Cases", description="Checked in order; the first match wins."
    )

    @field_validator("cases")
    @classmethod
    def _unique_ids(cls, cases: list[Case]) -> list[Case]:
        ids = [c.id for c in cases]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"case ids must be unique: {dupes}")
        if ELSE_HANDLE in ids:
            raise ValueError("'else' is reserved for the fallback handle")
        return cases


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")  # noqa: TRY004 - callers catch ValueError
    return float(value)


def _equals(left: Any, right: Any) -> bool:
    if isinstance(left, (int, float)) and not isinstance(left, bool) and isinstance(right, str):
        try:
            return float(left) == float(right)
        except ValueError:
            return False
    if isinstance(left, bool) and isinstance(right, str):
        return str(left).lower() == right.strip().lower()
    return bool(left == right) or (
        not isinstance(left, str) and isinstance(right, str) and str(left) == right
    )


def _contains(left: Any, right: Any) -> bool:
    if isinstance(left, str):
        return str(right) in left
    if isinstance(left, (list, tuple, set, dict)):
        return right in left
    return False


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "gt": lambda a, b: a > b,
    "lt": lambda a, b: a < b,
    "gte": lambda a, b: a >= b,
    "lte": lambda a, b: a <= b,
}


class BranchNode(Node[BranchConfig]):
    """Routes the run to the first case whose conditions hold, else to ``else``."""

    type = "branch"
    title = "Branch"
    description = "If / elif / else on upstream variables."
    category = "flow"
    icon = "git-branch"
    config_model = BranchConfig
    outputs = (OutputField("case", "string", "The chosen case id or 'else'."),)
    dynamic_handles = "one per cases[].id, then 'else'"

    def setup(self) -> None:
        self._cases = []
        for ci, case in enumerate(self.config.cases):
            checks = []
            for ki, cond in enumerate(case.conditions):
                where = f"cases.{ci}.conditions.{ki}"
                path = self.selector(cond.variable, f"{where}.variable")
                pattern = None
                if cond.operator == "regex":
                    if not isinstance(cond.value, str) or len(cond.value) > MAX_REGEX_LENGTH:
                        raise NodeConfigError(
                            f"regex must be a string of at most {MAX_REGEX_LENGTH} chars",
                            field=f"{where}.value",
                        )
                    try:
                        pattern = re.compile(cond.value)
                    except re.error as exc:
                        raise NodeConfigError(f"bad regex: {exc}", field=f"{where}.value") from None
                elif cond.operator in _COMPARE:
                    try:
                        _number(cond.value)
                    except (TypeError, ValueError):
                        raise NodeConfigError(
                            f"{cond.operator} needs a number", field=f"{where}.value"
                        ) from None
                checks.append((path, cond.operator, cond.value, pattern))
            self._cases.append((case.id, case.logical_operator == "and", checks))

    def source_handles(self) -> tuple[str, ...]:
        return (*(c.id for c in self.config.cases), ELSE_HANDLE)

    def thread_demand(self) -> int:
        return 0

    async def run(self, run: RunState) -> NodeResult:
        for case_id, need_all, checks in self._cases:
            results = (self._check(run, c) for c in checks)
            if all(results) if need_all else any(results):
                return NodeResult({"case": case_id}, case_id)
        return NodeResult({"case": ELSE_HANDLE}, ELSE_HANDLE)

    def _check(self, run: RunState, check: tuple[Any, ...]) -> bool:
        path, operator, value, pattern = check
        left = resolve(run.variables, path, None)
        if operator == "empty":
            return is_empty(left)
        if operator == "not_empty":
            return not is_empty(left)
        if operator == "equals":
            return _equals(left, value)
        if operator == "not_equals":
            return not _equals(left, value)
        if operator == "contains":
            return _contains(left, value)
        if operator == "regex":
            return left is not None and pattern.search(str(left)) is not None
        try:
            return _COMPARE[operator](_number(left), _number(value))
        except (TypeError, ValueError):
            raise NodeError(
                f"'{'.'.join(path)}' is {left!r}, which cannot be compared as a number",
                code="branch_type_error",
            ) from None
