"""The async graph engine: compile once (:mod:`.compiled`), run many (:mod:`.runner`)."""

from runtime.engine.compiled import CompiledGraph, RunHandle, RunResult, compile_graph

__all__ = ["CompiledGraph", "RunHandle", "RunResult", "compile_graph"]
