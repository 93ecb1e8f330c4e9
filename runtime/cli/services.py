"""The services a command-line run gets: model providers, knowledge, tools, outbound HTTP.

The same :class:`~runtime.context.ExecutionContext` the platform builds in a worker, with
in-process stand-ins for what lives in the database there (knowledge bases, provider settings).
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from runtime.cli.knowledge import read_folder, retriever_for
from runtime.cli.source import UsageProblem, knowledge_bases, model_refs
from runtime.context import ExecutionContext
from runtime.memory_retriever import InMemoryRetriever
from runtime.net import AddressPolicy, NetError, SafeHttpClient
from runtime.providers.base import ModelProvider, ProviderError
from runtime.providers.local import LocalProvider
from runtime.providers.registry import default_providers, price_table_for
from runtime.spec import GraphSpec
from runtime.tools.defaults import default_tool_registry


@dataclass
class RunServices:
    context: ExecutionContext
    http: SafeHttpClient
    notes: list[str]

    async def aclose(self) -> None:
        await self.http.aclose()
        for provider in self.context.providers.values():
            close = getattr(provider, "aclose", None)
            if close is not None:
                await close()


def build_services(
    spec: GraphSpec,
    *,
    provider_configs: Sequence[Mapping[str, Any]] = (),
    knowledge_dir: str | None = None,
    allow_hosts: Sequence[str] = (),
) -> RunServices:
    """An execution context for ``spec``; ``notes`` are warnings worth showing the user."""
    notes: list[str] = []
    try:
        providers = default_providers(provider_configs)
    except ProviderError as exc:
        raise UsageProblem(f"--provider: {exc.message}") from None
    try:
        policy = AddressPolicy.from_lists(allow_hosts)
    except (NetError, ValueError) as exc:
        raise UsageProblem(f"--allow-host: {exc}") from None
    http = SafeHttpClient(policy=policy)
    context = ExecutionContext(
        providers=providers,
        prices=price_table_for(providers),
        retriever=_retriever(spec, knowledge_dir, notes),
        tools=default_tool_registry(http_client=http),
        http=http,
    )
    return RunServices(context, http, notes)


def _retriever(spec: GraphSpec, knowledge_dir: str | None, notes: list[str]) -> InMemoryRetriever:
    names = knowledge_bases([n.model_dump() for n in spec.nodes])
    if knowledge_dir is None:
        if names:
            notes.append(
                f"the app searches knowledge base(s) {', '.join(names)}; without --knowledge DIR "
                "retrieval finds nothing"
            )
        return InMemoryRetriever()
    try:
        passages = read_folder(knowledge_dir)
    except OSError as exc:
        raise UsageProblem(f"--knowledge: {exc}") from None
    if not names:
        notes.append("--knowledge is ignored: the app has no retrieval node")
    elif not passages:
        notes.append(f"--knowledge: no .md or .txt file in {knowledge_dir}")
    return retriever_for(passages, names)


def local_models_used(spec: GraphSpec, providers: Mapping[str, ModelProvider]) -> list[tuple[str, str]]:
    """(provider name, model) pairs of the graph that run on a local provider."""
    used: list[tuple[str, str]] = []
    for ref in model_refs([n.model_dump() for n in spec.nodes]):
        pair = (str(ref.get("provider")), str(ref.get("model")))
        if isinstance(providers.get(pair[0]), LocalProvider) and pair not in used:
            used.append(pair)
    return used


async def warm_up_local_models(
    spec: GraphSpec, providers: Mapping[str, ModelProvider], err: TextIO | None = None
) -> None:
    """Load the local models the graph uses before it runs, saying so: the first load converts
    the model (~30 s) and later loads still take seconds, which would otherwise look like a hang
    and land in the first node's latency. A model that fails to load is left for the run to
    report with its error code."""
    err = err or sys.stderr
    for name, model in local_models_used(spec, providers):
        provider = providers[name]
        assert isinstance(provider, LocalProvider)
        first = " (first run converts it, ~30 s)" if _needs_conversion(provider, model) else ""
        print(f"loading local model {model}{first}…", file=err, flush=True)
        started = time.perf_counter()
        try:
            await provider.warm_up(model)
        except ProviderError:
            continue
        except asyncio.CancelledError:
            raise
        print(f"local model ready in {time.perf_counter() - started:.1f} s", file=err, flush=True)


def _needs_conversion(provider: LocalProvider, model: str) -> bool:
    from runtime.providers.local_models import (
        DEFAULT_CHAT_MODEL,
        converted_dir,
        model_cache_dir,
        smollm2_spec,
    )

    if model != DEFAULT_CHAT_MODEL:
        return False
    try:
        return not converted_dir(smollm2_spec(), provider.cache_dir or model_cache_dir()).is_dir()
    except (ProviderError, OSError):
        return False
