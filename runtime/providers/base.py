"""The model-provider port: what every model client (remote or local) offers the runtime.

Nodes talk to models only through :class:`ModelProvider`. Implementations live beside this
module (``openai_compat``, ``local``); the builder adds configured ones at run time.
Everything here is plain data so that it crosses process and JSON boundaries unchanged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

Role = Literal["system", "user", "assistant", "tool"]


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A function call the model asked for (OpenAI tools format; ``arguments`` is JSON text)."""

    id: str
    name: str
    arguments: str


@dataclass(slots=True)
class ChatMessage:
    role: Role
    content: str | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    tool_call_id: str | None = None
    name: str | None = None


@dataclass(slots=True)
class ChatRequest:
    """One chat completion call. ``tools`` are OpenAI-format tool definitions."""

    model: str
    messages: list[ChatMessage]
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    stop: list[str] | None = None
    seed: int | None = None
    json_mode: bool = False
    #: A JSON Schema the answer must follow (OpenAI's structured outputs); implies JSON.
    response_schema: dict[str, Any] | None = None
    tools: list[dict[str, Any]] | None = None
    timeout_s: float | None = None


@dataclass(slots=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.input_tokens + other.input_tokens, self.output_tokens + other.output_tokens)


@dataclass(slots=True)
class ChatResult:
    text: str
    model: str
    usage: Usage = field(default_factory=Usage)
    tool_calls: list[ToolCall] = field(default_factory=list)
    finish_reason: str | None = None


@dataclass(frozen=True, slots=True)
class ChatDelta:
    """A streamed piece of text. A stream ends with the complete :class:`ChatResult`."""

    text: str


@runtime_checkable
class ModelProvider(Protocol):
    """A source of chat completions and embeddings.

    ``chat`` and ``stream`` are coroutines/async iterators; a provider whose library blocks
    (e.g. transformers) does its blocking work in a worker thread so that parallel
    branches overlap.
    """

    name: str

    async def chat(self, request: ChatRequest) -> ChatResult: ...

    def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta | ChatResult]:
        """Yield :class:`ChatDelta` pieces, then exactly one final :class:`ChatResult`."""
        ...

    async def embed(self, model: str, texts: list[str]) -> list[list[float]]: ...


class ProviderError(Exception):
    """A model call failed. ``code`` is stable and reaches users and traces."""

    code = "provider_error"
    retryable = False

    def __init__(self, message: str, *, provider: str = "", model: str = "", retry_after: float | None = None):
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.model = model
        self.retry_after = retry_after


class RateLimited(ProviderError):
    code = "rate_limited"
    retryable = True


class ProviderTimeout(ProviderError):
    code = "timeout"
    retryable = True


class BadRequest(ProviderError):
    code = "bad_request"


class AuthFailed(ProviderError):
    code = "auth"


class ServerError(ProviderError):
    code = "server"
    retryable = True


class EmptyCompletion(ProviderError):
    code = "empty_completion"
    retryable = True


class UnknownModel(ProviderError):
    code = "unknown_model"
