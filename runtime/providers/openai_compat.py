"""A :class:`~runtime.providers.base.ModelProvider` for any OpenAI-compatible server.

Works with OpenAI, DeepSeek, Qwen (DashScope compatible mode), vLLM, Ollama and llama.cpp's
server: they differ only in base URL, key and headers.

The HTTP is done by :mod:`runtime.net.http11`, a lean keep-alive client that speaks the Chat
Completions JSON/SSE protocol directly (see :mod:`runtime.providers.openai_http`): the ``openai``
SDK's per-call cost (request/response models, httpx's pool scans) dominated a published app's
CPU. Connections are opened through the SSRF guard of the :class:`~runtime.net.SafeTransport`
that ``transport_factory`` makes. The SDK remains the path when the transport is another
``httpx`` transport (or when proxy variables are set and no transport is given); its own
retries are off (``max_retries=0``) because :mod:`runtime.providers.retry` honours and caps
``Retry-After`` and maps errors to the port's typed errors first.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, Self

import httpx
import openai
from openai import AsyncOpenAI

from runtime.net.http11 import Http11Pool
from runtime.net.transport import SafeTransport
from runtime.providers import openai_http
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
_PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy", "all_proxy")


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
        self._pool_loop: asyncio.AbstractEventLoop | None = None
        self._pool_instance: Http11Pool | None = None
        self._lean_mode: bool | None = None  # decided at the first call (it may build a transport)
        self.__wire: openai_http.Wire | None = openai_http.Wire.build(
            base_url=base_url or os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1",
            api_key=self.__api_key,
            headers=self.__headers,
        )

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
        pool, self._pool_instance, self._pool_loop = self._pool_instance, None, None
        if pool is not None:
            await pool.aclose()

    def _pool(self) -> Http11Pool | None:
        """The lean client's connection pool of the running loop, or None for the SDK path."""
        loop = asyncio.get_running_loop()
        if self._pool_loop is loop and self._pool_instance is not None:
            return self._pool_instance
        if self._lean_mode is False:
            return None
        pool = self._new_pool()
        self._lean_mode = pool is not None
        if pool is not None:
            self._pool_instance, self._pool_loop = pool, loop
        return pool

    def _new_pool(self) -> Http11Pool | None:
        if self.__wire is None:  # e.g. a header the lean client will not send verbatim
            return None
        if self._transport_factory is None:
            if any(os.environ.get(name) for name in _PROXY_VARIABLES):
                return None  # the SDK honours proxies; the lean client does not
            return Http11Pool()
        transport = self._transport_factory()
        if not isinstance(transport, SafeTransport):
            return None
        limits = transport.limits
        return Http11Pool(
            guard=transport.guard,
            ssl_context=transport.ssl_context,
            max_connections=limits.max_connections or 1000,
            max_keepalive=limits.max_keepalive_connections or 1000,
            keepalive_expiry=limits.keepalive_expiry or 5.0,
        )

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
                # The SDK annotates httpx2.AsyncClient but accepts an httpx.AsyncClient too.
                http_client=(
                    httpx.AsyncClient(  # type: ignore[arg-type]  # an httpx client, annotated httpx2
                        transport=self._transport_factory(), timeout=self.timeout_s
                    )
                    if self._transport_factory
                    else None
                ),
            )
            self._client_loop = loop
        return self._client_instance

    async def chat(self, request: ChatRequest) -> ChatResult:
        """One completion; raises a :class:`ProviderError` subclass on failure or empty answer."""
        pool = self._pool()
        if pool is not None:
            wire = self.__wire
            assert wire is not None
            timeout = self._timeout(request)

            async def lean_attempt() -> ChatResult:
                return await wire.chat(pool, request, provider=self.name, timeout=timeout)

            result = await call_with_retry(lean_attempt, self.retry)
            self._check_not_empty(result, request)
            return result

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
        pool = self._pool()
        if pool is not None:
            wire = self.__wire
            assert wire is not None
            timeout = self._timeout(request)

            async def lean_open() -> Any:
                return await wire.open_stream(
                    pool, request, provider=self.name, timeout=timeout, usage=self.stream_usage
                )

            response = await call_with_retry(lean_open, self.retry)
            final: ChatResult | None = None
            items = wire.read_stream(response, request, provider=self.name, timeout=timeout)
            try:
                async for item in items:
                    if isinstance(item, ChatResult):
                        final = item
                    else:
                        yield item
            finally:
                await items.aclose()  # a consumer that stops early frees the connection now
            assert final is not None
            self._check_not_empty(final, request)
            yield final
            return
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
        pool = self._pool()
        if pool is not None:
            wire = self.__wire
            assert wire is not None

            async def lean_embed() -> list[list[float]]:
                return await wire.embed(pool, model, texts, provider=self.name, timeout=self.timeout_s)

            vectors = await call_with_retry(lean_embed, self.retry)
            if len(vectors) != len(texts):
                raise ProviderError(
                    f"{self.name}: asked for {len(texts)} embeddings, got {len(vectors)}",
                    provider=self.name,
                    model=model,
                )
            return vectors

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
