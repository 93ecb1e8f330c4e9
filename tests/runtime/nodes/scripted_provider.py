"""A tiny in-test :class:`ModelProvider` that answers from a script and records requests."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator

from runtime.providers.base import ChatDelta, ChatRequest, ChatResult, ToolCall, Usage


def says(text: str) -> ChatResult:
    return ChatResult(text=text, model="scripted", usage=Usage(10, 5), finish_reason="stop")


def calls(*tool_calls: tuple[str, str], text: str = "") -> ChatResult:
    """A turn that asks for tools: ``calls(("calculator", '{"expression": "1+1"}'))``."""
    return ChatResult(
        text=text,
        model="scripted",
        usage=Usage(10, 5),
        tool_calls=[ToolCall(f"call_{i}", name, args) for i, (name, args) in enumerate(tool_calls)],
        finish_reason="tool_calls",
    )


class ScriptedProvider:
    name = "scripted"

    def __init__(self, *turns: ChatResult):
        self.turns = deque(turns)
        self.requests: list[ChatRequest] = []

    async def chat(self, request: ChatRequest) -> ChatResult:
        self.requests.append(request)
        return self.turns.popleft() if self.turns else says("out of script")

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta | ChatResult]:
        result = await self.chat(request)
        yield ChatDelta(result.text)
        yield result

    async def embed(self, model: str, texts: list[str]) -> list[list[float]]:
        return [[0.0] for _ in texts]
