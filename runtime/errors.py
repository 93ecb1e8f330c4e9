"""Errors the runtime raises. Every error has a stable ``code`` and carries its context.

Codes reach traces, APIs and users unchanged; messages are for humans. Nothing here ever
needs a stack trace to be understood.
"""

from __future__ import annotations

from typing import Any


class RuntimeFailure(Exception):
    """Base of all runtime errors: a stable ``code``, a message and where it happened."""

    code = "runtime_error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        node_id: str | None = None,
        run_id: str | None = None,
        retryable: bool = False,
    ):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.node_id = node_id
        self.run_id = run_id
        self.retryable = retryable

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "node_id": self.node_id, "run_id": self.run_id}

    def __str__(self) -> str:
        where = []
        if self.run_id:
            where.append(f"run {self.run_id}")
        if self.node_id:
            where.append(f"node {self.node_id!r}")
        prefix = f"[{self.code}] " + (f"({', '.join(where)}) " if where else "")
        return prefix + self.message


class NodeError(RuntimeFailure):
    """A node could not produce its outputs. Raise it from executors with a specific ``code``."""

    code = "node_error"


class TemplateError(RuntimeFailure):
    """A template did not parse, used an undefined variable, broke the sandbox or a limit.

    Codes: ``template_syntax``, ``undefined_variable``, ``template_security``,
    ``template_limit``, ``template_error``. ``field``: the node's config field that holds
    the template, when known.
    """

    code = "template_error"
    field: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        if self.field is not None:
            data["field"] = self.field
        return data


class GraphInvalid(RuntimeFailure):
    """``compile`` refused a graph; ``issues`` lists every validation problem."""

    code = "graph_invalid"

    def __init__(self, issues: list[Any]):
        self.issues = issues
        lines = "; ".join(f"{i.code}: {i.message}" for i in issues[:5])
        more = f" (+{len(issues) - 5} more)" if len(issues) > 5 else ""
        super().__init__(f"graph has {len(issues)} issue(s): {lines}{more}")


class InputInvalid(RuntimeFailure):
    """The run's inputs don't match the app's declared inputs. ``problems``: one
    ``{"field": "inputs.<name>", "message"}`` per wrong input (what an API puts in ``details``)."""

    code = "invalid_input"

    def __init__(self, message: str, *, problems: list[dict[str, str]] | None = None, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.problems = problems or []


class RunCancelled(RuntimeFailure):
    code = "cancelled"


class MaxStepsExceeded(RuntimeFailure):
    code = "max_steps_exceeded"


class NodeTimeout(RuntimeFailure):
    code = "timeout"
