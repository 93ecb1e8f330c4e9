"""The retriever port: a domain that can answer retrieval nodes (knowledge) registers a factory
at start-up; execution asks it for a workspace's retriever without importing that domain."""

from __future__ import annotations

from collections.abc import Callable

from runtime.ports import Retriever

RetrieverFactory = Callable[[int], Retriever | None]

_factories: list[RetrieverFactory] = []


def retriever_provider_register(factory: RetrieverFactory) -> None:
    """Called from an app's ``ready()``: ``factory(workspace_id)`` returns that workspace's retriever."""
    if factory not in _factories:
        _factories.append(factory)


def retriever_for(workspace_id: int) -> Retriever | None:
    """The workspace's retriever, from the first registered provider that has one."""
    for factory in _factories:
        retriever = factory(workspace_id)
        if retriever is not None:
            return retriever
    return None
