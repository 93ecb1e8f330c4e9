"""The embedding model of a knowledge base, as a blocking ``texts -> vectors`` function.

Local models come from pip packages (all-MiniLM-L6-v2 by default); OpenAI-compatible models are
called through the runtime's provider client, over the SSRF-safe transport (a knowledge base's
base URL is user input: private addresses need the operator's allowlist). The operator's key,
``LLMOPS_EMBEDDING_API_KEY``, goes only to the operator's endpoint (``LLMOPS_EMBEDDING_BASE_URL``,
OpenAI's when unset) — never to a base URL a builder typed in.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable

from django.conf import settings

from builder.knowledge.errors import EmbeddingEndpointRefused, EmbeddingModelUnavailable
from builder.knowledge.models import EmbeddingProvider, KnowledgeBase
from runtime.net import NetError, NetErrorCode, check_url
from runtime.providers.base import ProviderError
from runtime.providers.embeddings import (
    DEFAULT_EMBEDDING_MODEL,
    EMBEDDING_ALIASES,
    EMBEDDING_DIMS,
    default_embedder,
)

Embed = Callable[[list[str]], list[list[float]]]
logger = logging.getLogger(__name__)

#: Local models this instance can run, with their vector size.
LOCAL_MODELS = {DEFAULT_EMBEDDING_MODEL: EMBEDDING_DIMS}


def local_model_name(name: str) -> str:
    canonical = EMBEDDING_ALIASES.get(name, name)
    if canonical not in LOCAL_MODELS:
        raise EmbeddingModelUnavailable(
            f"The local embedding model {name!r} is not available on this instance.",
            details={"available": sorted(LOCAL_MODELS)},
        )
    return canonical


def warm_local_embedder_in_background() -> None:
    """Load the local embedding model now, off the start-up path: otherwise the first search of
    a fresh web process waits for it (seconds)."""

    def warm() -> None:
        try:
            default_embedder().embed(["warm-up"])
            logger.info("local embedding model loaded")
        except Exception:  # noqa: BLE001 - searches will load it (and report a failure) themselves
            logger.warning("could not load the local embedding model ahead of time", exc_info=True)

    threading.Thread(target=warm, name="warm-embedder", daemon=True).start()


def embedder_for(knowledge_base: KnowledgeBase) -> Embed:
    """The function that embeds texts for ``knowledge_base`` (documents and queries alike)."""
    if knowledge_base.embedding_provider == EmbeddingProvider.LOCAL:
        local_model_name(knowledge_base.embedding_model)
        return default_embedder().embed
    return _remote_embedder(knowledge_base)


def _same_endpoint(a: str | None, b: str | None) -> bool:
    return (a or "").rstrip("/") == (b or "").rstrip("/")


def _remote_embedder(knowledge_base: KnowledgeBase) -> Embed:
    from builder.core.addresses import address_policy
    from runtime.net import safe_transport
    from runtime.providers.openai_compat import OpenAICompatibleProvider

    operators = settings.LLMOPS_EMBEDDING_BASE_URL
    base_url = knowledge_base.embedding_base_url or operators
    key = settings.LLMOPS_EMBEDDING_API_KEY if _same_endpoint(base_url, operators) else None
    policy = address_policy()
    refusal = check_url(base_url, policy) if base_url else None  # no DNS: the guard resolves
    if refusal is not None and refusal.reason == NetErrorCode.BAD_URL:
        raise EmbeddingEndpointRefused(
            f"The embedding base URL of this knowledge base cannot be used: {refusal.message}.", code="bad_url"
        )
    if refusal is not None:
        raise _blocked(refusal.message)
    provider = OpenAICompatibleProvider(
        name=f"knowledge-base-{knowledge_base.pk}",
        base_url=base_url,
        api_key=key,
        transport_factory=lambda: safe_transport(policy),
    )
    model, dims = knowledge_base.embedding_model, knowledge_base.embedding_dimensions

    def embed(texts: list[str]) -> list[list[float]]:
        try:
            vectors = asyncio.run(provider.embed(model, texts))
        except ProviderError as error:
            refused = _address_refusal(error)
            if refused is None:
                raise
            raise _blocked(refused.message) from error
        if vectors and len(vectors[0]) != dims:
            raise EmbeddingModelUnavailable(
                f"The model {model!r} answered vectors of {len(vectors[0])} dimensions; this knowledge base "
                f"stores {dims}."
            )
        return vectors

    return embed


def _blocked(refusal: str) -> EmbeddingEndpointRefused:
    """``refusal`` is the address policy's wording (``blocked by the address policy: ...``)."""
    hint = "" if "cloud metadata" in refusal else ", or ask the operator to allow this host (LLMOPS_HTTP_ALLOWLIST)"
    return EmbeddingEndpointRefused(
        f"The embedding endpoint of this knowledge base was {refusal}. Change its embedding base URL to a "
        f"public address{hint}."
    )


def _address_refusal(error: BaseException) -> NetError | None:
    """The guard's ``ssrf_blocked`` refusal under a provider error (the provider reports it as
    unreachable), if that is what it is."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, NetError) and seen.code == NetErrorCode.SSRF_BLOCKED:
            return seen
        seen = seen.__cause__ or seen.__context__
    return None
