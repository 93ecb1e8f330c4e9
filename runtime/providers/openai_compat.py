"""A :class:`~runtime.providers.base.ModelProvider` for any OpenAI-compatible server.

Works with OpenAI, DeepSeek, Qwen (DashScope compatible mode), vLLM, Ollama and llama.cpp's
server: they differ only in base URL, key and headers. The ``openai`` SDK does the HTTP; its own
retries are off (``max_retries=0``) because :mod:`runtime.providers.retry` honours and caps
``Retry-After`` and maps errors to the port's typed errors first.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, Self

import httpx
import openai
from openai import AsyncOpenAI

from runtime.providers.base import (
    ChatDelta,
    ChatRequest,
    ChatResult,
    EmptyCompletion,
    ProviderError,
    Usage,
)
from runtime.providers.openai_wire import (
    ToolCallAssembler,
    error_from_sdk,
    request_to_wire,
    tool_calls_from_wire,
)
from runtime.providers.retry import RetryPolicy, call_with_retry

DEFAULT_TIMEOUT_S = 60.0


class OpenAICompatibleProvider:
    """Chat, streaming, tool calls and embeddings against an OpenAI-compatible HTTP API.

    The API key and headers are held privately and never appear in ``repr()`` or errors.
    ``stream_usage=False`` is for servers that reject ``stream_options``.
    """

    kind = "openai_compatible"

    def __init__(
        self,
        *,
        name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        retry: RetryPolicy | None = None,
        stream_usage: bool = True,
        transport_factory: Callable[[], httpx.AsyncBaseTransport] | None = None,
    ) -> None:
        self.name = name
        self._transport_factory = transport_factory
        self.base_url = base_url
        self.timeout_s = timeout_s
        self.retry = retry or RetryPolicy()
        self.stream_usage = stream_usage
        self._header_names = sorted(headers or {})
        # Local servers (Ollama, llama.cpp) need no key but the SDK insists on one.
        self.__api_key = api_key or "not-needed"
        self.__headers = dict(headers or {})
        self._client_loop: asyncio.AbstractEventLoop | None = None
        self._client_instance: AsyncOpenAI | None = None

    def __repr__(self) -> str:
        return (
            f"OpenAICompatibleProvider(name={self.name!r}, base_url={self.base_url!r}, "
            f"headers={self._header_names!r}, api_key=***)"
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP connection pool (a later call opens a new one)."""
        client, self._client_instance, self._client_loop = self._client_instance, None, None
        if client is not None:
            await client.close()

    @property
    def _client(self) -> AsyncOpenAI:
        """The SDK client of the running event loop.

        Pooled connections belong to the loop that opened them, and a provider outlives loops
        (one ``asyncio.run`` per Celery task or CLI call), so a new loop gets a new client.
        """
        loop = asyncio.get_running_loop()
        if self._client_instance is None or self._client_loop is not loop:
            self._client_instance = AsyncOpenAI(
                api_key=self.__api_key,
                base_url=self.base_url,
                default_headers=self.__headers,
                timeout=self.timeout_s,
                max_retries=0,
                http_client=(
                    httpx.AsyncClient(transport=self._transport_factory(), timeout=self.timeout_s)
                    if self._transport_factory
                    else None
                ),
            )
            self._client_loop = loop
        return self._client_instance

    async def chat(self, request: ChatRequest) -> ChatResult:
        """One completion; raises a :class:`ProviderError` subclass on failure or empty answer."""

        async def attempt() -> ChatResult:
            try:
                response = await self._client.chat.completions.create(
                    **request_to_wire(request), timeout=self._timeout(request)
                )
            except openai.OpenAIError as error:
                raise error_from_sdk(error, provider=self.name, model=request.model) from error
            return self._result_from_response(request, response)

        return await call_with_retry(attempt, self.retry)

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta | ChatResult]:
        """Yield text deltas, then one :class:`ChatResult` with assembled tool calls and usage.

        Only opening the stream is retried: once text went out, a failure is raised as is.
        """
        kwargs = request_to_wire(request)
        if self.stream_usage:
            kwargs["stream_options"] = {"include_usage": True}

        async def open_stream() -> Any:
            try:
                return await self._client.chat.completions.create(
                    **kwargs, stream=True, timeout=self._timeout(request)
                )
            except openai.OpenAIError as error:
                raise error_from_sdk(error, provider=self.name, model=request.model) from error

        chunks = await call_with_retry(open_stream, self.retry)
        text: list[str] = []
        calls = ToolCallAssembler()
        usage = Usage()
        model = request.model
        finish_reason: str | None = None
        try:
            async for chunk in chunks:
                model = chunk.model or model
                if chunk.usage is not None:
                    usage = Usage(chunk.usage.prompt_tokens or 0, chunk.usage.completion_tokens or 0)
                for choice in chunk.choices[:1]:
                    finish_reason = choice.finish_reason or finish_reason
                    calls.add(choice.delta.tool_calls)
                    if choice.delta.content:
                        text.append(choice.delta.content)
                        yield ChatDelta(choice.delta.content)
        except openai.OpenAIError as error:
            raise error_from_sdk(error, provider=self.name, model=request.model) from error
        finally:
            await chunks.close()
        result = ChatResult(
            text="".join(text),
            model=model,
            usage=usage,
            tool_calls=calls.result(),
            finish_reason=finish_reason,
        )
        self._check_not_empty(result, request)
        yield result

    async def embed(self, model: str, texts: list[str]) -> list[list[float]]:
        """Embedding vectors for ``texts``, in order."""
        if not texts:
            return []

        async def attempt() -> list[list[float]]:
            try:
                response = await self._client.embeddings.create(
                    model=model, input=texts, encoding_format="float"
                )
            except openai.OpenAIError as error:
                raise error_from_sdk(error, provider=self.name, model=model) from error
            ordered = sorted(response.data, key=lambda item: item.index)
            return [list(item.embedding) for item in ordered]

        vectors = await call_with_retry(attempt, self.retry)
        if len(vectors) != len(texts):
            raise ProviderError(
                f"{self.name}: asked for {len(texts)} embeddings, got {len(vectors)}",
                provider=self.name,
                model=model,
            )
        return vectors

    def _timeout(self, request: ChatRequest) -> float:
        return request.timeout_s if request.timeout_s is not None else self.timeout_s

    def _result_from_response(self, request: ChatRequest, response: Any) -> ChatResult:
        if not response.choices:
            raise EmptyCompletion(
                f"{self.name}: response has no choices", provider=self.name, model=request.model
            )
        choice = response.choices[0]
        usage = response.usage
        result = ChatResult(
            text=choice.message.content or "",
            model=response.model or request.model,
            usage=Usage(usage.prompt_tokens or 0, usage.completion_tokens or 0) if usage else Usage(),
            tool_calls=tool_calls_from_wire(choice.message.tool_calls),
            finish_reason=choice.finish_reason,
        )
        self._check_not_empty(result, request)
        return result

    def _check_not_empty(self, result: ChatResult, request: ChatRequest) -> None:
        if not result.text.strip() and not result.tool_calls:
            raise EmptyCompletion(
                f"{self.name}: model returned no text and no tool calls (finish_reason={result.finish_reason})",
                provider=self.name,
                model=request.model,
            )
