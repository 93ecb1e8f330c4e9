"""Engine benchmarks W1-W3 (docs/benchmarks.md), next to plain Python.

    python -m runtime.bench [--runs 2000] [--w3-runs 300] [--warmup 200]

Prints median and p99 per run for our engine (with an event hook recording every event, as
the trace store would) and for plain Python doing the same work in the same process, the
overhead per node ((median - plain median) / workload nodes) and the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from typing import Any

from pydantic import Field

from runtime.context import ExecutionContext, RunState
from runtime.engine.compiled import CompiledGraph, compile_graph
from runtime.events import RecordingHook
from runtime.nodes.base import BlockingNode, Node, NodeConfig, NodeResult, OutputField
from runtime.nodes.builtin import BUILTIN_NODES
from runtime.registry import NodeRegistry
from runtime.spec import GraphSpec

TOPICS = ("vector databases", "graph engines")
MODEL_DELAY_S = 0.05


# --- workload nodes --------------------------------------------------------------------------
class StepConfig(NodeConfig):
    source: str = Field(description="Node whose {topic, step} this step reads.")


class StepNode(Node[StepConfig]):
    """W1/W2 step: render 'Step {step}: summarise {topic}.', call the instant fake model."""

    type = "bench_step"
    config_model = StepConfig
    outputs = (OutputField("topic"), OutputField("step"), OutputField("text"))

    def setup(self) -> None:
        src = self.config.source
        self._src = src
        self._prompt = self.template(f"Step {{{{ {src}.step }}}}: summarise {{{{ {src}.topic }}}}.", "source")

    async def run(self, run: RunState) -> dict[str, Any]:
        prev = run.variables[self._src]
        text = await run.context.extras["model"](self._prompt.render(run.variables))
        return {"topic": prev["topic"], "step": prev["step"] + 1, "text": text}


class ParityConfig(NodeConfig):
    pass


class ParityNode(Node[ParityConfig]):
    """W2 classify: handle ``a`` when len(topic) is even, else ``b``."""

    type = "bench_parity"
    config_model = ParityConfig
    outputs = (OutputField("topic"), OutputField("step"), OutputField("text"))
    handles = ("a", "b")

    async def run(self, run: RunState) -> NodeResult:
        inputs = run.variables["inputs"]
        return NodeResult(inputs, "a" if len(inputs["topic"]) % 2 == 0 else "b")


class FirstOfConfig(NodeConfig):
    sources: list[str]


class FirstOfEnd(Node[FirstOfConfig]):
    """W2 end: outputs the text of whichever branch ran."""

    type = "bench_end"
    config_model = FirstOfConfig
    outputs = (OutputField("text"),)
    handles = ()
    is_terminal = True

    async def run(self, run: RunState) -> dict[str, Any]:
        for src in self.config.sources:
            if src in run.variables:
                return {"text": run.variables[src]["text"]}
        return {"text": None}


class ExpertConfig(NodeConfig):
    index: int


class AsyncExpertNode(Node[ExpertConfig]):
    """W3 expert with an async model client (``await asyncio.sleep(0.05)``)."""

    type = "bench_expert_async"
    config_model = ExpertConfig
    outputs = (OutputField("text"),)

    def setup(self) -> None:
        self._prompt = self.template(
            f"Expert {self.config.index}: give one fact about {{{{ inputs.topic }}}}.", "index"
        )

    async def run(self, run: RunState) -> dict[str, Any]:
        prompt = self._prompt.render(run.variables)
        await asyncio.sleep(MODEL_DELAY_S)
        return {"text": "LLM says: " + prompt}


class BlockingExpertNode(BlockingNode[ExpertConfig]):
    """W3 expert with a blocking model client (``time.sleep(0.05)``)."""

    type = "bench_expert_blocking"
    config_model = ExpertConfig
    outputs = (OutputField("text"),)

    def setup(self) -> None:
        self._prompt = self.template(
            f"Expert {self.config.index}: give one fact about {{{{ inputs.topic }}}}.", "index"
        )

    def run_blocking(self, run: RunState) -> dict[str, Any]:
        prompt = self._prompt.render(run.variables)
        time.sleep(MODEL_DELAY_S)
        return {"text": "LLM says: " + prompt}


def bench_registry() -> NodeRegistry:
    registry = NodeRegistry()
    registry.register_all(BUILTIN_NODES)
    registry.register_all((StepNode, ParityNode, FirstOfEnd, AsyncExpertNode, BlockingExpertNode))
    return registry


# --- workload graphs -------------------------------------------------------------------------
def _edges(pairs: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    return [
        {"id": f"e{i}", "source": s, "source_handle": h, "target": t} for i, (s, h, t) in enumerate(pairs)
    ]


_INPUTS = [{"name": "topic"}, {"name": "step", "type": "number"}, {"name": "text", "required": False}]


def w1_spec() -> GraphSpec:
    steps = [f"s{i}" for i in range(10)]
    nodes: list[dict[str, Any]] = [{"id": "start", "type": "start"}]
    sources = ["start", *steps[:-1]]
    nodes += [{"id": s, "type": "bench_step", "config": {"source": p}} for p, s in zip(sources, steps, strict=True)]
    nodes.append({"id": "end", "type": "end", "config": {"outputs": {"text": "s9.text"}}})
    chain = ["start", *steps, "end"]
    return GraphSpec.from_dict(
        {
            "name": "W1",
            "inputs": _INPUTS,
            "nodes": nodes,
            "edges": _edges([(a, "out", b) for a, b in pairwise(chain)]),
        }
    )


def w2_spec() -> GraphSpec:
    nodes: list[dict[str, Any]] = [
        {"id": "start", "type": "start"},
        {"id": "classify", "type": "bench_parity"},
    ]
    pairs = [("start", "out", "classify")]
    for branch in ("a", "b"):
        prev = "classify"
        for i in (1, 2, 3):
            nid = f"{branch}{i}"
            nodes.append({"id": nid, "type": "bench_step", "config": {"source": prev}})
            pairs.append((prev, branch if prev == "classify" else "out", nid))
            prev = nid
        pairs.append((prev, "out", "end"))
    nodes.append({"id": "end", "type": "bench_end", "config": {"sources": ["a3", "b3"]}})
    return GraphSpec.from_dict({"name": "W2", "inputs": _INPUTS, "nodes": nodes, "edges": _edges(pairs)})


def w3_spec(blocking: bool) -> GraphSpec:
    kind = "bench_expert_blocking" if blocking else "bench_expert_async"
    experts = [f"p{i}" for i in range(8)]
    nodes: list[dict[str, Any]] = [{"id": "start", "type": "start"}]
    nodes += [{"id": p, "type": kind, "config": {"index": i}} for i, p in enumerate(experts)]
    nodes.append(
        {
            "id": "join",
            "type": "template",
            "config": {"template": "\n".join(f"{{{{ {p}.text }}}}" for p in experts)},
        }
    )
    nodes.append({"id": "end", "type": "end", "config": {"outputs": {"text": "join.text"}}})
    pairs = (
        [("start", "out", p) for p in experts]
        + [(p, "out", "join") for p in experts]
        + [("join", "out", "end")]
    )
    return GraphSpec.from_dict(
        {"name": "W3", "inputs": [{"name": "topic"}], "nodes": nodes, "edges": _edges(pairs)}
    )


# --- plain Python baselines ------------------------------------------------------------------
def fake_model_sync(prompt: str) -> str:
    return "LLM says: " + prompt


async def fake_model(prompt: str) -> str:
    return "LLM says: " + prompt


def plain_w1(state: dict[str, Any]) -> str:
    for _ in range(10):
        text = fake_model_sync("Step {}: summarise {}.".format(state["step"], state["topic"]))
        state = {"topic": state["topic"], "step": state["step"] + 1, "text": text}
    result: str = state["text"]
    return result


def plain_w2(state: dict[str, Any]) -> str:
    _branch = "a" if len(state["topic"]) % 2 == 0 else "b"  # either branch does the same work
    for _ in range(3):
        text = fake_model_sync("Step {}: summarise {}.".format(state["step"], state["topic"]))
        state = {"topic": state["topic"], "step": state["step"] + 1, "text": text}
    result: str = state["text"]
    return result


async def plain_w3_async(topic: str) -> str:
    async def expert(i: int) -> str:
        prompt = f"Expert {i}: give one fact about {topic}."
        await asyncio.sleep(MODEL_DELAY_S)
        return "LLM says: " + prompt

    return "\n".join(await asyncio.gather(*(expert(i) for i in range(8))))


def plain_w3_blocking(pool: ThreadPoolExecutor, topic: str) -> str:
    def expert(i: int) -> str:
        prompt = f"Expert {i}: give one fact about {topic}."
        time.sleep(MODEL_DELAY_S)
        return "LLM says: " + prompt

    return "\n".join(pool.map(expert, range(8)))


# --- measuring -------------------------------------------------------------------------------
def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def _time_async(call: Callable[[int], Awaitable[Any]], runs: int, warmup: int) -> list[float]:
    for i in range(warmup):
        await call(i)
    samples = []
    clock = time.perf_counter
    for i in range(runs):
        t0 = clock()
        await call(i)
        samples.append(clock() - t0)
    return samples


def _time_sync(call: Callable[[int], Any], runs: int, warmup: int) -> list[float]:
    for i in range(warmup):
        call(i)
    samples = []
    clock = time.perf_counter
    for i in range(runs):
        t0 = clock()
        call(i)
        samples.append(clock() - t0)
    return samples


def _engine_call(
    graph: CompiledGraph,
    inputs: Callable[[int], dict[str, Any]],
    expect: Callable[[int], str],
    context: ExecutionContext,
    events: list[int],
) -> Callable[[int], Awaitable[Any]]:
    async def call(i: int) -> None:
        hook = RecordingHook()
        result = await graph.run(inputs(i), context=context, hooks=[hook])
        if result.outputs.get("text") != expect(i):
            raise AssertionError(f"{graph.name}: wrong output {result.outputs!r} ({result.error})")
        events[0] = len(hook.events)

    return call


async def run_benchmarks(runs: int, w3_runs: int, warmup: int) -> list[dict[str, Any]]:
    registry = bench_registry()
    context = ExecutionContext(extras={"model": fake_model})
    rows: list[dict[str, Any]] = []

    def chain_input(i: int) -> dict[str, Any]:
        return {"topic": TOPICS[i % 2], "step": 0, "text": ""}

    def add(workload: str, nodes: int, plain: list[float], engine: list[float], events: int) -> None:
        pm, pp = _stats(plain)
        em, ep = _stats(engine)
        rows.append(
            {
                "workload": workload,
                "nodes": nodes,
                "plain_median": pm,
                "plain_p99": pp,
                "median": em,
                "p99": ep,
                "per_node": (em - pm) / nodes,
                "ratio": em / pm,
                "events": events,
            }
        )

    w1 = compile_graph(w1_spec(), registry)
    events = [0]
    plain = _time_sync(lambda i: plain_w1(chain_input(i)), runs, warmup)
    eng = await _time_async(
        _engine_call(w1, chain_input, lambda i: plain_w1(chain_input(i)), context, events), runs, warmup
    )
    add("W1 chain of 10", 10, plain, eng, events[0])

    w2 = compile_graph(w2_spec(), registry)
    plain = _time_sync(lambda i: plain_w2(chain_input(i)), runs, warmup)
    eng = await _time_async(
        _engine_call(w2, chain_input, lambda i: plain_w2(chain_input(i)), context, events), runs, warmup
    )
    add("W2 branch", 6, plain, eng, events[0])

    def w3_input(i: int) -> dict[str, Any]:
        return {"topic": TOPICS[i % 2]}

    w3_warm = max(3, min(20, w3_runs // 10))
    w3a = compile_graph(w3_spec(False), registry)
    plain = await _time_async(lambda i: plain_w3_async(TOPICS[i % 2]), w3_runs, w3_warm)

    def expect(i: int) -> str:
        return "\n".join(f"LLM says: Expert {k}: give one fact about {TOPICS[i % 2]}." for k in range(8))

    eng = await _time_async(_engine_call(w3a, w3_input, expect, context, events), w3_runs, w3_warm)
    add("W3 fan-out, async model", 11, plain, eng, events[0])

    w3b = compile_graph(w3_spec(True), registry)
    with ThreadPoolExecutor(8) as pool:
        plain = _time_sync(lambda i: plain_w3_blocking(pool, TOPICS[i % 2]), w3_runs, w3_warm)
    eng = await _time_async(_engine_call(w3b, w3_input, expect, context, events), w3_runs, w3_warm)
    add("W3 fan-out, blocking model", 11, plain, eng, events[0])
    for graph in (w1, w2, w3a, w3b):
        graph.close()
    return rows


def _fmt(seconds: float) -> str:
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def print_table(rows: list[dict[str, Any]], runs: int, w3_runs: int) -> None:
    print(
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.platform()}"
    )
    print(f"runs: {runs} (W1, W2), {w3_runs} (W3); event hook records every event\n")
    header = (
        f"{'workload':<28}{'plain median':>14}{'plain p99':>12}{'engine median':>15}{'engine p99':>12}"
        f"{'ratio':>8}{'overhead/node':>15}{'events':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['workload']:<28}{_fmt(r['plain_median']):>14}{_fmt(r['plain_p99']):>12}{_fmt(r['median']):>15}"
            f"{_fmt(r['p99']):>12}{r['ratio']:>7.2f}x{_fmt(r['per_node']):>15}{r['events']:>8}"
        )
    print("\ntargets: W1 overhead <= 10 µs/node; W3 median <= 52 ms (async and blocking)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000, help="timed runs for W1 and W2")
    parser.add_argument("--w3-runs", type=int, default=300, help="timed runs for each W3 variant")
    parser.add_argument("--warmup", type=int, default=300, help="untimed warm-up runs for W1 and W2")
    args = parser.parse_args(argv)
    rows = asyncio.run(run_benchmarks(args.runs, args.w3_runs, args.warmup))
    print_table(rows, args.runs, args.w3_runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
