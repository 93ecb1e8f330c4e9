"""Aggregate: the first non-empty value among several variables (joins branches)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from runtime.context import RunState
from runtime.nodes.base import Node, NodeConfig, OutputField
from runtime.variables import is_empty, resolve


class AggregateConfig(NodeConfig):
    inputs: list[str] = Field(
        min_length=1,
        title="Variables",
        description="References in priority order; the first one with a non-empty value wins.",
    )


class AggregateNode(Node[AggregateConfig]):
    """Typical use: after a branch, pick the output of whichever branch ran."""

    type = "aggregate"
    title = "Aggregate"
    description = "Outputs the first non-empty value among its inputs."
    category = "flow"
    icon = "merge"
    config_model = AggregateConfig
    outputs = (
        OutputField("output", "any", "The first non-empty value (null if none)."),
        OutputField("source", "string", "The reference it came from."),
    )

    def setup(self) -> None:
        self._paths = [self.selector(ref, f"inputs.{i}") for i, ref in enumerate(self.config.inputs)]

    def thread_demand(self) -> int:
        return 0

    async def run(self, run: RunState) -> dict[str, Any]:
        for path in self._paths:
            value = resolve(run.variables, path, None)  # skipped nodes have no value
            if not is_empty(value):
                return {"output": value, "source": ".".join(path)}
        return {"output": None, "source": None}
