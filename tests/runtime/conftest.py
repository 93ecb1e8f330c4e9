"""Factories for runtime tests: compact graph specs, tiny sample nodes, a scripted model."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import Field

from runtime.context import ExecutionContext, RunState
from runtime.engine.compiled import CompiledGraph, compile_graph
from runtime.errors import NodeError
from runtime.events import RecordingHook
from runtime.nodes.base import BlockingNode, Node, NodeConfig, OutputField
from runtime.nodes.builtin import BUILTIN_NODES
from runtime.providers.base import ChatDelta, ChatRequest, ChatResult, RateLimited, Usage
from runtime.registry import NodeRegistry
from runtime.spec import GraphSpec


# --- sample nodes ----------------------------------------------------------------------------
class EchoConfig(NodeConfig):
    value: str = Field("", description="Template to render.")


class EchoNode(Node[EchoConfig]):
    """Outputs its rendered template as ``value``."""

    type = "sample_echo"
    config_model = EchoConfig
    outputs = (OutputField("value"),)

    def setup(self) -> None:
        self._value = self.template(self.config.value, "value")

    async def run(self, run: RunState) -> dict[str, Any]:
        run.context.extras.setdefault("ran", []).append(self.id)
        return {"value": self._value.render(run.variables)}


class SleepConfig(NodeConfig):
    seconds: float = 0.05
    value: str = ""


class SleepNode(Node[SleepConfig]):
    type = "sample_sleep"
    config_model = SleepConfig
    outputs = (OutputField("value"),)

    async def run(self, run: RunState) -> dict[str, Any]:
        spans = run.context.extras.setdefault("spans", {})
        start = time.perf_counter()
        try:
            await asyncio.sleep(self.config.seconds)
        except asyncio.CancelledError:
            run.context.extras.setdefault("cancelled", []).append(self.id)
            raise
        spans[self.id] = (start, time.perf_counter())
        return {"value": self.config.value or self.id}


class BlockingSleepNode(BlockingNode[SleepConfig]):
    type = "sample_blocking_sleep"
    config_model = SleepConfig
    outputs = (OutputField("value"),)

    def run_blocking(self, run: RunState) -> dict[str, Any]:
        time.sleep(self.config.seconds)
        return {"value": self.config.value or self.id}


class FlakyConfig(NodeConfig):
    failures: int = Field(1, description="Attempts that fail before one succeeds.")
    code: str = "flaky"
    retryable: bool = True
    retry_after: float | None = None


class FlakyNode(Node[FlakyConfig]):
    """Fails ``failures`` times (counted per run in ``context.extras['attempts']``), then works."""

    type = "sample_flaky"
    config_model = FlakyConfig
    outputs = (OutputField("value"),)

    async def run(self, run: RunState) -> dict[str, Any]:
        attempts = run.context.extras.setdefault("attempts", {})
        attempts[self.id] = attempts.get(self.id, 0) + 1
        run.context.extras.setdefault("attempt_times", []).append(time.perf_counter())
        if attempts[self.id] <= self.config.failures:
            if self.config.retry_after is not None:
                raise RateLimited("slow down", provider="fake", retry_after=self.config.retry_after)
            raise NodeError("temporary trouble", code=self.config.code, retryable=self.config.retryable)
        return {"value": f"ok after {attempts[self.id]}"}


SAMPLE_NODES = (EchoNode, SleepNode, BlockingSleepNode, FlakyNode)


# --- scripted model --------------------------------------------------------------------------
class ScriptedProvider:
    """A ModelProvider that answers from a list (cycling) and records requests."""

    def __init__(self, answers: list[str], name: str = "fake", usage: Usage | None = None):
        self.name = name
        self.answers = answers
        self.requests: list[ChatRequest] = []
        self.usage = usage or Usage(10, 5)

    def _next(self, request: ChatRequest) -> ChatResult:
        self.requests.append(request)
        text = self.answers[(len(self.requests) - 1) % len(self.answers)]
        return ChatResult(text=text, model=request.model, usage=self.usage, finish_reason="stop")

    async def chat(self, request: ChatRequest) -> ChatResult:
        return self._next(request)

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta | ChatResult]:
        result = self._next(request)
        for word in result.text.split(" "):
            yield ChatDelta(word + " ")
        yield result

    async def embed(self, model: str, texts: list[str]) -> list[list[float]]:
        return [[float(len(t))] for t in texts]


class FlatPrices:
    def __init__(self, per_token: float = 0.001):
        self.per_token = per_token

    def cost(self, provider: str, model: str, usage: Usage) -> float | None:
        return (usage.input_tokens + usage.output_tokens) * self.per_token


# --- graph factories -------------------------------------------------------------------------
def edges(*arrows: str) -> list[dict[str, Any]]:
    """``edges("start>a", "br:yes>b")`` -> edge dicts (``source[:handle]>target``)."""
    out = []
    for i, arrow in enumerate(arrows):
        source, target = arrow.split(">")
        handle = "out"
        if ":" in source:
            source, handle = source.split(":")
        out.append({"id": f"e{i}", "source": source, "source_handle": handle, "target": target})
    return out


def make_spec(
    nodes: dict[str, tuple[str, dict[str, Any]] | tuple[str, dict[str, Any], dict[str, Any]]],
    arrows: list[str],
    inputs: list[dict[str, Any]] | None = None,
) -> GraphSpec:
    """``make_spec({"a": ("sample_echo", {...})}, ["start>a", "a>end"])``; start/end are added
    if missing (end outputs nothing unless given)."""
    node_list = []
    nodes = dict(nodes)
    nodes.setdefault("start", ("start", {}))
    nodes.setdefault("end", ("end", {}))
    for nid, item in nodes.items():
        node: dict[str, Any] = {"id": nid, "type": item[0], "config": item[1]}
        if len(item) > 2:
            node["settings"] = item[2]  # type: ignore[misc]
        node_list.append(node)
    return GraphSpec.from_dict({"inputs": inputs or [], "nodes": node_list, "edges": edges(*arrows)})


@pytest.fixture
def registry() -> NodeRegistry:
    reg = NodeRegistry()
    reg.register_all(BUILTIN_NODES)
    reg.register_all(SAMPLE_NODES)
    return reg


@pytest.fixture
def build(registry: NodeRegistry):
    def _build(
        nodes: dict[str, Any], arrows: list[str], inputs: list[dict[str, Any]] | None = None
    ) -> CompiledGraph:
        return compile_graph(make_spec(nodes, arrows, inputs), registry)

    return _build


@pytest.fixture
def context() -> ExecutionContext:
    return ExecutionContext()


@pytest.fixture
def hook() -> RecordingHook:
    return RecordingHook()


def event_kinds(hook: RecordingHook, node_id: str | None = None) -> list[str]:
    return [e.type for e in hook.events if node_id is None or getattr(e, "node_id", None) == node_id]
