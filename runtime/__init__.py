"""LLMOps Studio runtime: graph spec, validation, node registry, async engine, node types.

Pure Python: never imports django, celery, channels or builder. Typical use::

    from runtime import GraphSpec, compile_graph, ExecutionContext

    graph = compile_graph(GraphSpec.from_yaml(text))          # validate + compile once
    result = await graph.run({"topic": "x"}, context=ExecutionContext(providers={...}),
                             hooks=[my_hook])                   # run many
    async for event in graph.stream({"topic": "x"}): ...       # or stream events

Names are loaded lazily so that ``import runtime.providers.base`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "GraphSpec": "runtime.spec",
    "NodeSpec": "runtime.spec",
    "EdgeSpec": "runtime.spec",
    "AppInput": "runtime.spec",
    "AppOutput": "runtime.spec",
    "NodeSettings": "runtime.spec",
    "validate": "runtime.validation",
    "Issue": "runtime.validation",
    "IssueCode": "runtime.validation",
    "NodeRegistry": "runtime.registry",
    "default_registry": "runtime.registry",
    "compile_graph": "runtime.engine.compiled",
    "CompiledGraph": "runtime.engine.compiled",
    "RunResult": "runtime.engine.compiled",
    "RunHandle": "runtime.engine.compiled",
    "ExecutionContext": "runtime.context",
    "RunState": "runtime.context",
    "RunHook": "runtime.events",
    "RecordingHook": "runtime.events",
    "Event": "runtime.events",
    "RuntimeFailure": "runtime.errors",
    "NodeError": "runtime.errors",
    "GraphInvalid": "runtime.errors",
}

__all__ = [
    "AppInput",
    "AppOutput",
    "CompiledGraph",
    "EdgeSpec",
    "Event",
    "ExecutionContext",
    "GraphInvalid",
    "GraphSpec",
    "Issue",
    "IssueCode",
    "NodeError",
    "NodeRegistry",
    "NodeSettings",
    "NodeSpec",
    "RecordingHook",
    "RunHandle",
    "RunHook",
    "RunResult",
    "RunState",
    "RuntimeFailure",
    "compile_graph",
    "default_registry",
    "validate",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'runtime' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
