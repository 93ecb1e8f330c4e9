"""One POST of an OTLP request to a collector, through the SSRF-safe client, with retries.

Retried with exponential backoff: connection failures and timeouts, HTTP 429 and 5xx (a
``Retry-After`` is honoured up to the cap). Anything else — 400, 401/403, 404 — fails at once:
another try would get the same answer. Header values travel as secrets of the client, so an
error message can never repeat them."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse

from builder.core.addresses import address_policy
from runtime.net import MappingSecretResolver, NetError, NetLimits, SafeHttpClient, SecretRef
from runtime.providers.retry import parse_retry_after

TIMEOUT_S = 10.0
MAX_RESPONSE_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class RetryPlan:
    attempts: int = 3
    base_delay_s: float = 0.5
    max_delay_s: float = 5.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_delay_s)
        backoff = min(self.base_delay_s * 2 ** (attempt - 1), self.max_delay_s)
        return backoff * random.uniform(0.9, 1.1)


RETRY = RetryPlan()


@dataclass(frozen=True, slots=True)
class Delivery:
    """What happened: ``ok``, or a stable ``code`` (``auth_failed``, ``not_found``, ``rejected``,
    ``rate_limited``, ``collector_error``, ``unreachable``, ``timeout``, ``url_not_allowed``) and a
    message a user can act on. ``rejected_spans``: what the collector accepted the request but
    refused (OTLP partial success)."""

    ok: bool
    code: str | None
    message: str
    attempts: int
    latency_ms: float
    rejected_spans: int = 0

    def as_dict(self) -> dict:
        return {"ok": self.ok, "code": self.code, "message": self.message, "attempts": self.attempts,
                "latency_ms": self.latency_ms}


def post_spans(endpoint: str, headers: dict[str, str], body: bytes, *, retry: RetryPlan = RETRY) -> Delivery:
    return asyncio.run(_post(endpoint, headers, body, retry))


async def _post(endpoint: str, headers: dict[str, str], body: bytes, retry: RetryPlan) -> Delivery:
    started = time.perf_counter()
    secrets = {f"h{i}": value for i, value in enumerate(headers.values())}
    sent_headers = {name: [SecretRef(f"h{i}")] for i, name in enumerate(headers)}
    sent_headers["content-type"] = "application/x-protobuf"

    def done(ok: bool, code: str | None, message: str, attempt: int, rejected: int = 0) -> Delivery:
        return Delivery(ok, code, message, attempt, round((time.perf_counter() - started) * 1000, 1), rejected)

    async with SafeHttpClient(policy=address_policy(), secrets=MappingSecretResolver(secrets),
                              limits=NetLimits(timeout_s=TIMEOUT_S, max_response_bytes=MAX_RESPONSE_BYTES)) as client:
        attempt = 0
        while True:
            attempt += 1
            retry_after: float | None = None
            try:
                response = await client.request("POST", endpoint, headers=sent_headers, content=body,
                                                follow_redirects=False)
            except NetError as exc:
                code = {"ssrf_blocked": "url_not_allowed", "bad_url": "url_not_allowed",
                        "timeout": "timeout"}.get(str(exc.code), "unreachable")
                if code == "url_not_allowed" or not exc.retryable or attempt >= retry.attempts:
                    return done(False, code, _net_message(code, exc.message), attempt)
            else:
                if 200 <= response.status < 300:
                    rejected, why = _partial_success(response.body)
                    message = (f"Delivered; the collector refused {rejected} span(s): {why}" if rejected
                               else "Delivered.")
                    return done(True, None, message, attempt, rejected)
                retryable = response.status == 429 or response.status >= 500
                if not retryable or attempt >= retry.attempts:
                    return done(False, *_http_failure(response.status, response.text), attempt)
                retry_after = parse_retry_after(dict(response.headers))
            await asyncio.sleep(retry.delay(attempt, retry_after))


def _partial_success(body: bytes) -> tuple[int, str]:
    try:
        answer = ExportTraceServiceResponse.FromString(body)
    except Exception:  # noqa: BLE001 - a JSON or empty answer: nothing said about rejected spans
        return 0, ""
    return answer.partial_success.rejected_spans, answer.partial_success.error_message[:300]


def _http_failure(status: int, text: str) -> tuple[str, str]:
    detail = " ".join(text.split())[:200]
    said = f": {detail}" if detail and "<" not in detail[:1] else ""
    if status in (401, 403):
        return "auth_failed", f"The collector refused the request (HTTP {status}): check the headers{said}"
    if status == 404:
        return "not_found", "The collector has no such path (HTTP 404): OTLP/HTTP traces usually end in /v1/traces."
    if status == 429:
        return "rate_limited", "The collector is rate limiting (HTTP 429); it is tried again next time."
    if status >= 500:
        return "collector_error", f"The collector failed (HTTP {status}){said}; it is tried again next time."
    return "rejected", f"The collector rejected the spans (HTTP {status}){said}"


def _net_message(code: str, detail: str) -> str:
    if code == "url_not_allowed":
        return f"The address is blocked: {detail}. An operator can open a private host with LLMOPS_HTTP_ALLOWLIST."
    if code == "timeout":
        return f"The collector did not answer within {TIMEOUT_S:g} s."
    return f"The collector cannot be reached: {detail}."
