"""Failure policy: turning any exception into a coded failure, and retry backoff."""

from __future__ import annotations

import asyncio
import random

from runtime.errors import NodeError, NodeTimeout, RuntimeFailure, TemplateError
from runtime.providers.base import ProviderError
from runtime.spec import NodeSettings

DEFAULT_RETRIES_FOR_RETRY_STRATEGY = 3


def as_failure(exc: BaseException, *, node_id: str, run_id: str, timeout_s: float | None) -> RuntimeFailure:
    """Wrap any exception a node raised into a :class:`RuntimeFailure` with node and run ids."""
    if isinstance(exc, RuntimeFailure):
        failure = exc
    elif isinstance(exc, ProviderError):
        failure = NodeError(exc.message, code=exc.code, retryable=exc.retryable)
        failure.retry_after = exc.retry_after  # type: ignore[attr-defined]  # ad hoc; backoff_delay reads it by getattr
    elif isinstance(code := getattr(exc, "code", None), str):
        # ToolError and other coded errors (duck-typed so the engine needn't import tools).
        failure = NodeError(getattr(exc, "message", None) or str(exc), code=code)
    elif isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
        failure = NodeTimeout(f"node took longer than {timeout_s}s", retryable=True)
    else:
        # An unexpected crash: report it without a stack trace; it may be transient.
        failure = NodeError(f"{type(exc).__name__}: {exc}", code="node_crashed", retryable=True)
    if isinstance(failure, TemplateError):
        failure.retryable = False
    if failure.node_id is None:
        failure.node_id = node_id
    if failure.run_id is None:
        failure.run_id = run_id
    return failure


def max_retries(settings: NodeSettings) -> int:
    if settings.error_strategy == "retry" and settings.max_retries == 0:
        return DEFAULT_RETRIES_FOR_RETRY_STRATEGY
    return settings.max_retries


def backoff_delay(settings: NodeSettings, attempt: int, failure: RuntimeFailure) -> float:
    """Exponential backoff with full jitter in [50%, 100%]; never shorter than retry_after."""
    base: float = min(settings.retry_max_backoff_s, settings.retry_backoff_s * 2 ** (attempt - 1))
    delay = base * (0.5 + random.random() / 2)
    retry_after = getattr(failure, "retry_after", None)
    if retry_after:
        delay = max(delay, min(retry_after, settings.retry_max_backoff_s))
    return delay
