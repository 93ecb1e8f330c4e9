"""The local provider: chat with transformers models and MiniLM embeddings, fully offline.

Out of the box it offers ``smollm2-135m-instruct`` (the platform's default model) and
``all-minilm-l6-v2`` embeddings. Fine-tuned variants are added with :meth:`LocalProvider.add_adapter`
(a PEFT adapter over a known base model) or by passing more :class:`LocalModelSpec` s.

All blocking work (loading, generating, embedding) runs in worker threads, so the event loop is
never blocked and parallel graph branches overlap with it.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path

from runtime.providers.base import (
    BadRequest,
    ChatDelta,
    ChatRequest,
    ChatResult,
    EmptyCompletion,
    ProviderError,
    ProviderTimeout,
    UnknownModel,
    Usage,
)
from runtime.providers.embeddings import EMBEDDING_ALIASES, SentenceEmbedder, default_embedder
from runtime.providers.local_generate import (
    Generated,
    GenerationParams,
    StopFilter,
    chat_dicts,
    generate_blocking,
)
from runtime.providers.local_models import (
    DEFAULT_CHAT_MODEL,
    LoadedModel,
    LocalModelSpec,
    load_model,
    smollm2_spec,
)

DEFAULT_MAX_TOKENS = 512
_DONE = object()


class LocalProvider:
    """A :class:`~runtime.providers.base.ModelProvider` running models in this process on CPU.

    ``models`` replaces the built-in catalogue (tests pass tiny models); ``cache_dir`` is where
    GGUF models are converted to (default: :func:`~runtime.providers.local_models.model_cache_dir`).
    """

    kind = "local"

    def __init__(
        self,
        *,
        name: str = "local",
        models: Iterable[LocalModelSpec] | None = None,
        embedder: SentenceEmbedder | None = None,
        cache_dir: str | Path | None = None,
        default_max_tokens: int = DEFAULT_MAX_TOKENS,
    ) -> None:
        self.name = name
        self.default_max_tokens = default_max_tokens
        self.cache_dir = Path(cache_dir).expanduser() if cache_dir else None
        self._specs: dict[str, LocalModelSpec] | None = (
            {s.name: s for s in models} if models is not None else None
        )
        self._embedder = embedder

    def __repr__(self) -> str:
        return f"LocalProvider(name={self.name!r}, models={self.model_names()!r})"

    def model_names(self) -> list[str]:
        """Names of the chat models this provider serves."""
        return list(self._catalogue())

    def add_adapter(
        self, name: str, adapter_path: str | Path, *, base: str = DEFAULT_CHAT_MODEL
    ) -> LocalModelSpec:
        """Serve ``name`` as ``base`` with the PEFT adapter at ``adapter_path`` applied."""
        base_spec = self._spec(base)
        spec = LocalModelSpec(
            name=name, path=base_spec.path, gguf_file=base_spec.gguf_file, adapter_path=str(adapter_path)
        )
        self._catalogue()[name] = spec
        return spec

    def with_models(self, specs: Iterable[LocalModelSpec]) -> LocalProvider:
        """A provider like this one (name, cache, limits, models) that also serves ``specs``
        (e.g. a workspace's fine-tuned models). Loaded models are shared per process, so a base
        both serve is loaded once."""
        try:
            mine = list(self._catalogue().values())
        except ProviderError:  # the bundled model's package is missing: serve the others
            mine = []
        return LocalProvider(name=self.name, models=[*mine, *specs], embedder=self._embedder,
                             cache_dir=self.cache_dir, default_max_tokens=self.default_max_tokens)

    async def warm_up(self, model: str = DEFAULT_CHAT_MODEL) -> LoadedModel:
        """Load (and if needed convert) ``model`` now, and generate once: torch's first call on a
        new model is several times slower than the following ones."""
        spec = self._spec(model)
        loaded = await asyncio.to_thread(load_model, spec, self.cache_dir)
        await asyncio.to_thread(
            generate_blocking, loaded, [{"role": "user", "content": "Hi"}], GenerationParams(max_new_tokens=2)
        )
        return loaded

    async def chat(self, request: ChatRequest) -> ChatResult:
        """Generate a whole reply (no streaming)."""
        generated = await asyncio.to_thread(self._generate, request, None, None)
        return self._result(request, generated)

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta | ChatResult]:
        """Yield text pieces as the model produces them, then the :class:`ChatResult`.

        Closing the iterator early stops generation at the next token.
        """
        loop = asyncio.get_running_loop()
        pieces: asyncio.Queue[object] = asyncio.Queue()
        cancel = threading.Event()

        def hand_over(item: object) -> None:
            try:
                loop.call_soon_threadsafe(pieces.put_nowait, item)
            except RuntimeError:  # the loop is gone: nobody is listening any more
                cancel.set()

        def work() -> Generated:
            try:
                return self._generate(request, hand_over, cancel)
            finally:
                hand_over(_DONE)

        worker = asyncio.ensure_future(asyncio.to_thread(work))
        stop_filter = StopFilter(request.stop or ())
        try:
            while (item := await pieces.get()) is not _DONE:
                text = stop_filter.feed(str(item))
                if text:
                    yield ChatDelta(text)
            generated = await worker
            rest = stop_filter.flush()
            if rest:
                yield ChatDelta(rest)
            yield self._result(request, generated)
        finally:
            cancel.set()
            # If the consumer left early, nobody awaits the worker: collect its outcome quietly.
            worker.add_done_callback(lambda done: done.cancelled() or done.exception())

    async def embed(self, model: str, texts: list[str]) -> list[list[float]]:
        """MiniLM vectors (384 dims, normalised) for ``texts``."""
        if model not in EMBEDDING_ALIASES:
            raise UnknownModel(
                f"local: no embedding model {model!r}; try 'all-minilm-l6-v2'",
                provider=self.name,
                model=model,
            )
        embedder = self._embedder or default_embedder()
        return await asyncio.to_thread(embedder.embed, texts)

    # --- internals -----------------------------------------------------------------------------

    def _catalogue(self) -> dict[str, LocalModelSpec]:
        if self._specs is None:
            self._specs = {DEFAULT_CHAT_MODEL: smollm2_spec()}
        return self._specs

    def _spec(self, model: str) -> LocalModelSpec:
        spec = self._catalogue().get(model)
        if spec is None:
            raise UnknownModel(
                f"local: no model {model!r}; known: {sorted(self._catalogue())}",
                provider=self.name,
                model=model,
            )
        return spec

    def _generate(
        self,
        request: ChatRequest,
        on_text: Callable[[str], None] | None,
        cancel: threading.Event | None,
    ) -> Generated:
        if request.tools:
            raise BadRequest(
                "local: this model does not support tool calls", provider=self.name, model=request.model
            )
        loaded = load_model(self._spec(request.model), self.cache_dir)
        params = GenerationParams(
            max_new_tokens=request.max_tokens or self.default_max_tokens,
            temperature=request.temperature,
            top_p=request.top_p,
            seed=request.seed,
            stop=tuple(request.stop or ()),
            deadline=time.monotonic() + request.timeout_s if request.timeout_s else None,
        )
        messages = chat_dicts(request.messages, json_mode=request.json_mode, schema=request.response_schema)
        try:
            return generate_blocking(loaded, messages, params, on_text=on_text, cancel=cancel)
        except Exception as error:  # torch/transformers raise many types
            raise ProviderError(
                f"local: generation failed: {error}", provider=self.name, model=request.model
            ) from error

    def _result(self, request: ChatRequest, generated: Generated) -> ChatResult:
        if generated.finish_reason == "timeout":
            raise ProviderTimeout(
                f"local: generation passed its {request.timeout_s}s limit after {generated.output_tokens} tokens",
                provider=self.name,
                model=request.model,
            )
        if not generated.text.strip():
            raise EmptyCompletion(
                f"local: model produced no text (finish_reason={generated.finish_reason})",
                provider=self.name,
                model=request.model,
            )
        return ChatResult(
            text=generated.text,
            model=request.model,
            usage=Usage(generated.input_tokens, generated.output_tokens),
            finish_reason=generated.finish_reason,
        )
