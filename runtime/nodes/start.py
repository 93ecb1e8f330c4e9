"""Start: the entry of every graph. It exposes the app's declared inputs as its outputs.

The inputs themselves are declared once, on the graph (``GraphSpec.inputs``); the editor
shows them on this node. ``{{ start.topic }}`` and ``{{ inputs.topic }}`` are the same value.
"""

from __future__ import annotations

from typing import Any

from runtime.context import RunState
from runtime.nodes.base import Node, NodeConfig


class StartConfig(NodeConfig):
    pass


class StartNode(Node[StartConfig]):
    type = "start"
    title = "Start"
    description = "Where a run begins; outputs the app inputs."
    category = "flow"
    icon = "play"
    config_model = StartConfig
    is_start = True

    def output_names(self) -> frozenset[str] | None:
        return None  # the app inputs; validation checks them as ``inputs.<name>``

    def thread_demand(self) -> int:
        return 0

    async def run(self, run: RunState) -> dict[str, Any]:
        inputs: dict[str, Any] = run.variables["inputs"]
        return inputs
