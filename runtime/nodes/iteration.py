"""Iteration: runs an inline sub-graph once per list item, with bounded parallelism.

Graphs have no loops; repetition is a sub-graph. The sub-graph is a full graph (its own
start/end) that declares an input ``item`` (and optionally ``index``, plus any names mapped
in ``inputs``). Results come back in item order. The nodes of the first ``TRACED_ITEMS`` items
are traced as ``<node>[<index>]/<sub-node>``; the rest run untraced (a trace stays readable).
"""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import Field

from runtime.context import RunState
from runtime.errors import NodeError, RuntimeFailure
from runtime.nodes.base import Node, NodeConfig, NodeConfigError, NodeResult, OutputField
from runtime.providers.base import Usage
from runtime.spec import GraphSpec
from runtime.variables import resolve

TRACED_ITEMS = 50


class IterationConfig(NodeConfig):
    items: str = Field(title="List", description="Reference to the list to map over, e.g. split.parts.")
    graph: GraphSpec = Field(title="Sub-graph", description="Run once per item; declares input 'item'.")
    inputs: dict[str, str] = Field(
        default_factory=dict, title="Extra inputs", description="Sub-graph input name -> outer reference."
    )
    output: str | None = Field(
        None, title="Collect", description="Sub-graph output to collect; all outputs when empty."
    )
    parallelism: int = Field(4, ge=1, le=32, title="Parallelism", description="Items processed at once.")
    max_items: int = Field(1000, ge=1, le=100_000, title="Max items")


class IterationNode(Node[IterationConfig]):
    type = "iteration"
    title = "Iteration"
    description = "Maps a sub-graph over a list; outputs the results in order."
    category = "flow"
    icon = "repeat"
    config_model = IterationConfig
    outputs = (OutputField("results", "array", "One result per item, in item order."),)

    def setup(self) -> None:
        from runtime.engine.compiled import CompiledGraph
        from runtime.registry import default_registry
        from runtime.validation import analyse

        cfg = self.config
        self._items = self.selector(cfg.items, "items")
        self._extra = {name: self.selector(ref, f"inputs.{name}") for name, ref in cfg.inputs.items()}
        declared = {i.name for i in cfg.graph.inputs}
        if "item" not in declared:
            raise NodeConfigError("the sub-graph must declare an input named 'item'", field="graph.inputs")
        missing = set(cfg.inputs) - declared
        if missing:
            raise NodeConfigError(f"the sub-graph does not declare inputs {sorted(missing)}", field="inputs")
        self._pass_index = "index" in declared
        analysis = analyse(cfg.graph, self.registry or default_registry())
        if analysis.issues:
            detail = "; ".join(f"{i.code} ({i.node_id or '-'}): {i.message}" for i in analysis.issues[:5])
            raise NodeConfigError(f"sub-graph is invalid: {detail}", field="graph", code="invalid_subgraph")
        assert analysis.start_id is not None
        self._graph = CompiledGraph(cfg.graph, analysis.nodes, analysis.start_id, analysis.order)
        if cfg.output is not None and cfg.output not in {
            o for n in analysis.nodes.values() if n.is_terminal for o in (n.output_names() or ())
        }:
            raise NodeConfigError(f"the sub-graph has no output {cfg.output!r}", field="output")

    def thread_demand(self) -> int:
        return self.config.parallelism * max(1, self._graph.width)

    async def run(self, run: RunState) -> NodeResult:
        items = resolve(run.variables, self._items)
        if not isinstance(items, (list, tuple)):
            raise NodeError(
                f"'{self.config.items}' is a {type(items).__name__}, not a list", code="not_a_list"
            )
        if len(items) > self.config.max_items:
            raise NodeError(
                f"{len(items)} items exceed max_items={self.config.max_items}", code="too_many_items"
            )
        extra = {name: resolve(run.variables, path) for name, path in self._extra.items()}
        gate = asyncio.Semaphore(self.config.parallelism)

        async def one(index: int, item: Any) -> Any:
            inputs = {"item": item, **extra}
            if self._pass_index:
                inputs["index"] = index
            async with gate:
                try:
                    trace_as = f"{self.id}[{index}]" if index < TRACED_ITEMS else None
                    return await run.run_subgraph(self._graph, inputs, trace_as=trace_as)
                except RuntimeFailure as exc:
                    raise NodeError(f"item {index}: {exc.message}", code=exc.code) from None

        tasks = [asyncio.ensure_future(one(i, item)) for i, item in enumerate(items)]
        try:
            results = await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
        usage = Usage()
        cost = 0.0
        collected = []
        for result in results:
            usage = usage + Usage(result.totals.tokens_in, result.totals.tokens_out)
            cost += result.totals.cost
            collected.append(result.outputs.get(self.config.output) if self.config.output else result.outputs)
        return NodeResult({"results": collected}, usage=usage, cost=cost or None)
