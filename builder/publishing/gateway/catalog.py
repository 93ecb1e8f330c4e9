"""What a call runs: app slug + label (or version) → an immutable version, compiled once. A label
split between versions (A/B) picks one arm per call (:mod:`.splits`), from the cached split.

Label and app lookups (a label's split with it), and whether an app's endpoint is on, are cached
for ``TARGET_CACHE_SECONDS`` (a label move, a split, a rollback or an endpoint turned off is served
within that time by every process, at once by the process that made it); compiled graphs are
cached per version forever (versions never change); execution contexts per workspace for
``CONTEXT_CACHE_SECONDS`` (a provider the workspace adds or changes on its Models page is called
within that time)."""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from builder.execution.context import execution_context
from builder.flows.graphs import parse_graph
from builder.flows.models import AppVersion
from builder.publishing.gateway.db import FreshCache, SingleFlight
from builder.publishing.gateway.splits import arm_for
from builder.publishing.selectors import app_version_by_id, endpoint_enabled, endpoint_off, published_version_ref
from runtime import CompiledGraph, ExecutionContext, compile_graph

TARGET_CACHE_SECONDS = 1.0
CONTEXT_CACHE_SECONDS = 5.0
_MAX_COMPILED = 256


@dataclass(slots=True)
class Compiled:
    version_id: int
    number: int
    graph: dict[str, Any]
    compiled: CompiledGraph
    query_input: str | None  # the first declared string input (chat: the last user message)
    history_input: str | None  # "history" when declared (chat: the earlier messages)
    delta_nodes: frozenset[str]  # whose node.delta events are the answer's text


@dataclass(slots=True)
class Target:
    app_id: int
    slug: str
    workspace_id: int
    label: str
    version: Compiled
    context: ExecutionContext


def _answer_stream_nodes(graph: dict[str, Any]) -> frozenset[str]:
    """The answer nodes: their deltas are the answer. They stream while the nodes they show are
    still running — an upstream LLM's tokens as they arrive, the text around them in its place
    (:mod:`runtime.engine.streaming`) — so the other nodes' deltas are never the answer."""
    return frozenset(n["id"] for n in graph.get("nodes", []) if n.get("type") == "answer")


def _compile(version: AppVersion) -> Compiled:
    spec = parse_graph(version.graph)
    inputs = version.graph.get("inputs", [])
    query = next((i["name"] for i in inputs if i.get("type", "string") == "string" and i["name"] != "history"), None)
    history = "history" if any(i["name"] == "history" for i in inputs) else None
    return Compiled(version.pk, version.number, version.graph, compile_graph(spec), query, history,
                    _answer_stream_nodes(version.graph))


def _load_version(version_id: int) -> Compiled:
    return _compile(app_version_by_id(version_id=version_id))


def _serving_context(workspace_id: int) -> ExecutionContext:
    return execution_context(workspace_id=workspace_id, serving=True)


class Catalog:
    def __init__(self) -> None:
        self._targets = FreshCache(TARGET_CACHE_SECONDS)
        self._endpoints = FreshCache(TARGET_CACHE_SECONDS)
        self._compiled: OrderedDict[int, Compiled] = OrderedDict()
        self._contexts: dict[int, tuple[float, ExecutionContext]] = {}
        self._loads = SingleFlight()

    async def target(self, *, workspace_id: int, slug: str, label: str | None, number: int | None,
                     user: str | None = None, primary: bool = False) -> Target:
        """What the call runs. A split label serves one of its arms: the same for the same ``user``,
        at random by weight without one; ``primary``: the label's own version instead (what a
        page describing the app shows). A pinned version (``number``) has no split."""
        ref = await self._targets.get(
            (workspace_id, slug, label, number), published_version_ref, workspace_id=workspace_id, slug=slug,
            label=label, number=number,
        )
        version_id = ref.version_id
        if ref.arms and not primary:
            version_id = arm_for(ref.arms, app_id=ref.app_id, label=ref.label, user=user)
        return Target(ref.app_id, slug, workspace_id, ref.label, await self._version(version_id),
                      await self._context(workspace_id, time.monotonic()))

    async def check_on(self, app_id: int, slug: str) -> None:
        """404 ``app_not_found`` unless the app's endpoint is on: what every route that reads a run
        of the app (its status, events, feedback) checks, as :meth:`target` does for new calls."""
        if not await self._endpoints.get(app_id, endpoint_enabled, app_id=app_id):
            raise endpoint_off(slug)

    async def _version(self, version_id: int) -> Compiled:
        compiled = self._compiled.get(version_id)
        if compiled is None:
            compiled = await self._loads.db(("version", version_id), _load_version, version_id)
            if version_id in self._compiled:  # another waiter of the same load stored it
                return self._compiled[version_id]
            self._compiled[version_id] = compiled
            while len(self._compiled) > _MAX_COMPILED:
                self._compiled.popitem(last=False)[1].compiled.close()
        return compiled

    async def _context(self, workspace_id: int, now: float) -> ExecutionContext:
        hit = self._contexts.get(workspace_id)
        if hit is None or hit[0] <= now:
            context = await self._loads.db(("context", workspace_id), _serving_context, workspace_id)
            hit = (now + CONTEXT_CACHE_SECONDS, context)
            self._contexts[workspace_id] = hit
        return hit[1]


def split_model(model: str) -> tuple[str, str | None, int | None]:
    """``slug``, ``slug@label`` or ``slug@v3`` → (slug, label, version number)."""
    slug, _, ref = model.partition("@")
    if not ref:
        return slug, None, None
    if re.fullmatch(r"v\d+", ref):
        return slug, None, int(ref[1:])
    return slug, ref, None
