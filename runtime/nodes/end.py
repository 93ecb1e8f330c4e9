"""End: selects the run's outputs from upstream variables."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from runtime.context import RunState
from runtime.nodes.base import Node, NodeConfig
from runtime.variables import resolve


class EndConfig(NodeConfig):
    outputs: dict[str, str] = Field(
        default_factory=dict,
        title="Outputs",
        description="Run output name -> variable reference, e.g. {'answer': 'llm.text'}.",
    )


class EndNode(Node[EndConfig]):
    type = "end"
    title = "End"
    description = "Ends the run and selects its outputs."
    category = "flow"
    icon = "flag"
    config_model = EndConfig
    handles = ()
    is_terminal = True

    def setup(self) -> None:
        self._paths = [
            (name, self.selector(ref, f"outputs.{name}")) for name, ref in self.config.outputs.items()
        ]

    def output_names(self) -> frozenset[str] | None:
        return frozenset(self.config.outputs)

    def thread_demand(self) -> int:
        return 0

    async def run(self, run: RunState) -> dict[str, Any]:
        variables = run.variables
        return {name: resolve(variables, path) for name, path in self._paths}
