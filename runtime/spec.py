"""The graph spec: the JSON/YAML document the editor draws and the engine runs.

A spec is plain data. Node configs stay untyped dicts here; the node registry turns them into
each node type's pydantic config during validation/compilation. Variables flow between nodes
only through explicit references: ``{{ node_id.field }}`` in templates, ``node_id.field``
selectors in config fields, ``inputs.<name>`` for app inputs and ``sys.run_id``/``sys.now``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from runtime.errors import InputInvalid

FORMAT_VERSION = 1
RESERVED_NAMESPACES = frozenset({"inputs", "sys"})
SYS_VARIABLES = ("run_id", "now")
IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]*$"

VariableType = Literal["string", "number", "boolean", "object", "array"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Position(_Strict):
    x: float = 0.0
    y: float = 0.0


ErrorStrategy = Literal["abort", "retry", "fail_branch", "default_value"]


class NodeSettings(_Strict):
    """Execution policy of one node: timeout, retries and what a failure does to the run."""

    timeout_s: float | None = Field(None, gt=0, title="Timeout (s)", description="Per attempt.")
    max_retries: int = Field(
        0, ge=0, le=10, title="Retries", description="Extra attempts after a retryable failure."
    )
    retry_backoff_s: float = Field(0.5, ge=0, title="Backoff (s)", description="First retry delay; doubles.")
    retry_max_backoff_s: float = Field(30.0, ge=0, title="Max backoff (s)")
    error_strategy: ErrorStrategy = Field(
        "abort",
        title="On error",
        description="abort the run, retry then abort, route to the `fail` handle, or output default values.",
    )
    default_outputs: dict[str, Any] = Field(default_factory=dict, title="Default outputs")


class NodeSpec(_Strict):
    id: str = Field(pattern=IDENTIFIER)
    type: str
    version: int = 1
    title: str = ""
    config: dict[str, Any] = Field(default_factory=dict)
    position: Position = Field(default_factory=Position)
    settings: NodeSettings = Field(default_factory=NodeSettings)


class EdgeSpec(_Strict):
    id: str
    source: str
    source_handle: str = "out"
    target: str
    target_handle: str = "in"


class AppInput(_Strict):
    name: str = Field(pattern=IDENTIFIER)
    type: VariableType = "string"
    default: Any = None
    description: str = ""
    required: bool = True


_TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}


class InputRules:
    """The one check of a run's inputs against the app's declared inputs, wherever a run starts
    (the engine, the editor's debug run, the public API, the web chat, the CLI).

    Null is the same as absent: an input's ``default`` applies, and a required input without
    one is missing. A value has its declared type; an input the app does not declare is refused.
    :class:`~runtime.errors.InputInvalid` lists every problem (``problems``: one
    ``{"field": "inputs.<name>", "message"}`` each)."""

    __slots__ = ("_names", "_rules")

    def __init__(self, declared: Iterable[AppInput]):
        self._rules = tuple((i.name, _TYPE_CHECKS[i.type], i.type, i.required, i.default) for i in declared)
        self._names = frozenset(rule[0] for rule in self._rules)

    def prepare(self, inputs: Mapping[str, Any] | None) -> dict[str, Any]:
        """``inputs`` checked, with defaults applied; raises :class:`InputInvalid`."""
        given = inputs or {}
        prepared: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []
        for name, check, type_name, required, default in self._rules:
            value = given.get(name)
            if value is None:
                if default is None and required:
                    problems.append((name, f"{name!r} is required" + (" (it was null)" if name in given else "")))
                    continue
                value = default
            if value is not None and not check(value):
                problems.append((name, f"{name!r} must be a {type_name}, got {_json_type(value)}"))
            prepared[name] = value
        unknown = sorted(k for k in given if k not in self._names)
        if problems or unknown:
            message = "; ".join(text for _, text in problems)
            if unknown:
                message += ("; " if message else "") + f"unknown input(s) {unknown}"
            raise InputInvalid(
                "invalid inputs: " + message,
                problems=[{"field": f"inputs.{name}", "message": text} for name, text in problems]
                + [{"field": f"inputs.{name}", "message": f"{name!r} is not an input of this app"}
                   for name in unknown],
            )
        return prepared


def _json_type(value: Any) -> str:
    """A value's type as a JSON caller names it."""
    if value is None:
        return "null"
    for name in ("boolean", "number", "string", "object", "array"):
        if _TYPE_CHECKS[name](value):
            return name
    return type(value).__name__


class AppOutput(_Strict):
    name: str = Field(pattern=IDENTIFIER)
    type: VariableType | Literal["any"] = "any"
    description: str = ""


class Note(_Strict):
    """A sticky note on the canvas. The engine ignores notes; they travel with the graph."""

    id: str
    text: str = ""
    position: Position = Field(default_factory=Position)
    width: float = Field(220.0, gt=0)
    height: float = Field(140.0, gt=0)
    color: str = Field("yellow", max_length=32)


class GraphSpec(_Strict):
    """A whole app graph: nodes, edges, declared inputs and outputs (and the canvas's notes)."""

    format_version: int = FORMAT_VERSION
    name: str = ""
    description: str = ""
    inputs: list[AppInput] = Field(default_factory=list)
    outputs: list[AppOutput] = Field(default_factory=list)
    nodes: list[NodeSpec] = Field(default_factory=list)
    edges: list[EdgeSpec] = Field(default_factory=list)
    notes: list[Note] = Field(default_factory=list)

    @field_validator("format_version")
    @classmethod
    def _known_format(cls, value: int) -> int:
        if value > FORMAT_VERSION:
            raise ValueError(f"format_version {value} is newer than this runtime ({FORMAT_VERSION})")
        return value

    def prepare_inputs(self, inputs: Mapping[str, Any] | None) -> dict[str, Any]:
        """A run's ``inputs`` checked against the declared ones, defaults applied (:class:`InputRules`)."""
        return InputRules(self.inputs).prepare(inputs)

    def node(self, node_id: str) -> NodeSpec | None:
        return next((n for n in self.nodes if n.id == node_id), None)

    # --- load / dump -------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GraphSpec:
        return cls.model_validate(data)

    @classmethod
    def from_json(cls, text: str | bytes) -> GraphSpec:
        return cls.model_validate_json(text)

    @classmethod
    def from_yaml(cls, text: str) -> GraphSpec:
        return cls.model_validate(yaml.safe_load(text))

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)
