"""The state of one conversion, shared by the reference rewriter, the node mappers and the
edge builder: the file's nodes and our ids for them, and what the conversion collects
(app inputs and outputs, warnings, unmapped nodes, notes, branch handles, model providers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runtime.interchange.dify.document import DifyNode


@dataclass
class Conversion:
    """Everything one :func:`~runtime.interchange.dify.dify_to_graph` call reads and collects."""

    nodes: dict[str, DifyNode]
    ids: dict[str, str]  # Dify node id -> our node id
    env: dict[str, dict[str, Any]] = field(default_factory=dict)
    conversation: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    unmapped: list[dict[str, str]] = field(default_factory=list)
    unmapped_ids: set[str] = field(default_factory=set)
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    providers: dict[str, list[str]] = field(default_factory=dict)
    handle_maps: dict[str, dict[str, str]] = field(default_factory=dict)  # Dify source handle -> ours
    input_names: dict[str, str] = field(default_factory=dict)  # start variable -> our input name
    notes: list[dict[str, Any]] = field(default_factory=list)
    _warned: set[str] = field(default_factory=set)

    def warn(self, message: str) -> None:
        """Add a warning for the user (each message once)."""
        if message not in self._warned:
            self._warned.add(message)
            self.warnings.append(message)

    def declare_input(self, name: str, **spec: Any) -> str:
        """Declare an app input (the first declaration of a name wins)."""
        if name not in self.inputs:
            spec["description"] = str(spec.get("description") or "")
            self.inputs[name] = {"name": name, **spec}
        return name
