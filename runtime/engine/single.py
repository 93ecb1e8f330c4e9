"""Single-node debug runs: execute one node of a compiled graph with variables the user typed
in (e.g. ``{"inputs.question": "...", "classify.label": "billing"}``), under the node's own
timeout, retry and error policy, with the usual events. Upstream nodes do not run."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from runtime.context import ExecutionContext
from runtime.engine.runner import GraphRun, _Abort
from runtime.errors import NodeError, RuntimeFailure
from runtime.events import RunFailed, RunFinished, RunStarted, RunTotals

if TYPE_CHECKING:
    from runtime.engine.compiled import CompiledGraph, RunResult
    from runtime.events import RunHook


def nest_variables(flat: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"a.b": 1, "inputs.q": "x"}`` -> ``{"a": {"b": 1}, "inputs": {"q": "x"}}``."""
    nested: dict[str, dict[str, Any]] = {}
    for key, value in flat.items():
        owner, _, field = key.partition(".")
        if not owner or not field:
            raise NodeError(
                f"variable {key!r} must look like 'node_id.field' or 'inputs.name'", code="invalid_variable"
            )
        nested.setdefault(owner, {})[field] = value
    return nested


async def run_single_node(
    graph: CompiledGraph,
    node_id: str,
    variables: Mapping[str, Any],
    *,
    context: ExecutionContext | None = None,
    hooks: Iterable[RunHook] = (),
    run_id: str | None = None,
) -> RunResult:
    """Run ``node_id`` alone. Its outputs are the run's outputs; failures end the run as usual."""
    from runtime.engine.compiled import RunResult

    slot = next((s for s in graph.slots if s.id == node_id), None)
    context = context or ExecutionContext()
    run = GraphRun(
        graph, None, context, [h.on_event for h in hooks], run_id, [0, 1],
        context.executor or graph.executor,
    )
    started = time.perf_counter()
    run.emit(RunStarted(run.run_id, time.time(), dict(variables), graph.name))
    try:
        if slot is None:
            raise NodeError(f"the graph has no node {node_id!r}", code="unknown_node", node_id=node_id)
        run.variables.update(nest_variables(variables))
        run.variables["sys"] = {"run_id": run.run_id, "now": datetime.now(UTC).isoformat()}
        run.state._loop = asyncio.get_running_loop()
        await run._run_node(slot)
    except (_Abort, RuntimeFailure) as exc:
        failure = exc.failure if isinstance(exc, _Abort) else exc
        failure.run_id = failure.run_id or run.run_id
        totals = RunTotals(latency_ms=(time.perf_counter() - started) * 1000, steps=1)
        run.emit(RunFailed(run.run_id, time.time(), failure.code, failure.message, failure.node_id, totals))
        return RunResult(run.run_id, "failed", {}, failure.to_dict(), totals)
    totals = run.totals
    totals.latency_ms = (time.perf_counter() - started) * 1000
    totals.steps = 1
    outputs = dict(run.variables.get(node_id) or {})
    run.emit(RunFinished(run.run_id, time.time(), outputs, totals))
    return RunResult(run.run_id, "succeeded", outputs, None, totals)
