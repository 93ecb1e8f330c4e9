"""Runs as OpenTelemetry traces (OTLP protobuf, GenAI semantic conventions).

One trace per run: its id is the run's UUID, so a run exported twice is the same trace to the
collector. The root span is the run (``run <app slug>``, ``llmops.*`` attributes); each node trace
is a child span — of the iteration's span for a node inside an iteration — and a node that called
a model is a GenAI ``chat`` span (``gen_ai.*``: operation, provider, model, token usage, and the
messages as ``gen_ai.input.messages`` / ``gen_ai.output.messages`` JSON when content is sent).
Texts are cut to :data:`MAX_TEXT_CHARS` so that one run cannot make a request the collector
refuses."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, ArrayValue, InstrumentationScope, KeyValue
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span, Status

from builder.runs.models import NodeTrace, Run
from runtime.engine.compiled import answer_of

SERVICE_NAME = "llmops-studio"
SCOPE_NAME = "llmops-studio.telemetry"
#: The longest text one attribute carries (a message's content, a JSON of inputs or outputs).
MAX_TEXT_CHARS = 8_000
#: The most messages ``gen_ai.input.messages`` carries (the last ones: the question is at the end).
MAX_MESSAGES = 50
#: Sources whose runs answered someone outside (a server span); the rest ran inside the studio.
SERVED_SOURCES = frozenset({"api", "chat", "web"})
_ITERATION_STEP = re.compile(r"\[\d+\]$")


@dataclass(frozen=True, slots=True)
class RunTrace:
    """What one run's trace is made of: the run (its app and version loaded), its node traces and
    what the published endpoint stored beside it."""

    run: Run
    traces: Sequence[NodeTrace]
    label: str = ""
    end_user: str = ""
    api_key_name: str = ""


def export_request(runs: Iterable[RunTrace], *, workspace_id: int, workspace_slug: str,
                   include_content: bool) -> tuple[ExportTraceServiceRequest, int]:
    """The OTLP request carrying ``runs``, and how many spans it holds."""
    spans: list[Span] = []
    for item in runs:
        spans += run_spans(item, include_content=include_content)
    return _request(spans, workspace_id=workspace_id, workspace_slug=workspace_slug), len(spans)


def probe_request(*, workspace_id: int, workspace_slug: str, trace_id: bytes,
                  at: datetime) -> ExportTraceServiceRequest:
    """One span that says the connection works ("Send test span")."""
    span = Span(trace_id=trace_id, span_id=_span_id(trace_id, "test"), name="llmops test span",
                kind=Span.SpanKind.SPAN_KIND_INTERNAL, start_time_unix_nano=_nanos(at),
                end_time_unix_nano=_nanos(at) + 1_000_000)
    span.attributes.extend(_attributes({"llmops.test": True}))
    return _request([span], workspace_id=workspace_id, workspace_slug=workspace_slug)


def _request(spans: list[Span], *, workspace_id: int, workspace_slug: str) -> ExportTraceServiceRequest:
    resource = Resource(attributes=_attributes({
        "service.name": SERVICE_NAME, "llmops.workspace.id": workspace_id, "llmops.workspace.slug": workspace_slug,
    }))
    scope = ScopeSpans(scope=InstrumentationScope(name=SCOPE_NAME), spans=spans)
    return ExportTraceServiceRequest(resource_spans=[ResourceSpans(resource=resource, scope_spans=[scope])])


def run_spans(item: RunTrace, *, include_content: bool) -> list[Span]:
    """The run's root span followed by one span per node trace."""
    run = item.run
    trace_id = run.id.bytes
    root_id = _span_id(trace_id, "")
    start = run.started_at or run.created_at
    end = run.finished_at or (start + timedelta(milliseconds=run.latency_ms or 0))
    app_slug = run.app.slug if run.app is not None else ""
    root = Span(
        trace_id=trace_id, span_id=root_id, name=f"run {app_slug or run.source}",
        kind=Span.SpanKind.SPAN_KIND_SERVER if run.source in SERVED_SOURCES else Span.SpanKind.SPAN_KIND_INTERNAL,
        start_time_unix_nano=_nanos(start), end_time_unix_nano=max(_nanos(end), _nanos(start)),
        status=_status(run.status, run.error_code, run.error_message),
    )
    attributes: dict[str, Any] = {
        "llmops.run.id": str(run.id), "llmops.source": run.source, "llmops.status": run.status,
        "llmops.app.id": run.app_id, "llmops.app.slug": app_slug, "llmops.app.name": run.app.name if run.app else "",
        "llmops.version": run.version.number if run.version is not None else None,
        "llmops.label": item.label, "llmops.api_key": item.api_key_name, "user.id": item.end_user,
        "llmops.usage.input_tokens": run.tokens_in, "llmops.usage.output_tokens": run.tokens_out,
        "llmops.cost": run.cost, "llmops.latency_ms": run.latency_ms,
        "llmops.prompt_version.id": run.prompt_version_id,
        "error.type": run.error_code, "llmops.error.message": _cut(run.error_message),
        "llmops.error.node_id": run.error_node_id,
    }
    if include_content:
        attributes["llmops.run.inputs"] = _json(run.inputs)
        attributes["llmops.run.outputs"] = _json(run.outputs)
    root.attributes.extend(_attributes(attributes))

    span_ids = {trace.node_id: _span_id(trace_id, trace.node_id) for trace in item.traces}
    spans = [root]
    for trace in item.traces:
        parent = span_ids.get(_enclosing_node(trace.node_id), root_id)
        spans.append(_node_span(trace, trace_id=trace_id, span_id=span_ids[trace.node_id], parent_id=parent,
                                fallback_start=start, include_content=include_content))
    return spans


def _node_span(trace: NodeTrace, *, trace_id: bytes, span_id: bytes, parent_id: bytes, fallback_start: datetime,
               include_content: bool) -> Span:
    start = trace.started_at or fallback_start
    end = trace.finished_at or (start + timedelta(milliseconds=trace.latency_ms or 0))
    model = _model_of(trace.inputs)
    attributes: dict[str, Any] = {
        "llmops.node.id": trace.node_id, "llmops.node.type": trace.node_type, "llmops.node.status": trace.status,
        "llmops.node.attempt": trace.attempt, "llmops.node.handle": trace.handle,
        "llmops.latency_ms": trace.latency_ms, "llmops.cost": trace.cost,
        "error.type": trace.error_code, "llmops.error.message": _cut(trace.error_message),
    }
    if model is not None:
        provider, model_name = model
        name = f"chat {model_name}"
        kind = Span.SpanKind.SPAN_KIND_CLIENT
        parameters = trace.inputs
        attributes.update({
            "gen_ai.operation.name": "chat", "gen_ai.provider.name": provider, "gen_ai.system": provider,
            "gen_ai.request.model": model_name,
            "gen_ai.request.temperature": parameters.get("temperature"),
            "gen_ai.request.top_p": parameters.get("top_p"),
            "gen_ai.request.max_tokens": parameters.get("max_tokens"),
            "gen_ai.request.seed": parameters.get("seed"),
            "gen_ai.request.stop_sequences": parameters.get("stop"),
            "gen_ai.usage.input_tokens": trace.tokens_in, "gen_ai.usage.output_tokens": trace.tokens_out,
        })
        if include_content:
            attributes["gen_ai.input.messages"] = _input_messages(parameters.get("messages"))
            answer = answer_of(trace.outputs)
            if answer is not None:
                attributes["gen_ai.output.messages"] = json.dumps([{
                    "role": "assistant", "parts": [{"type": "text", "content": _cut(answer)}],
                    "finish_reason": "stop" if trace.status == "succeeded" else "error",
                }], ensure_ascii=False)
    else:
        name = f"{trace.node_type} {trace.node_id}"
        kind = Span.SpanKind.SPAN_KIND_INTERNAL
        attributes["llmops.usage.input_tokens"] = trace.tokens_in
        attributes["llmops.usage.output_tokens"] = trace.tokens_out
        if include_content:
            attributes["llmops.node.inputs"] = _json(trace.inputs)
            attributes["llmops.node.outputs"] = _json(trace.outputs)
    span = Span(trace_id=trace_id, span_id=span_id, parent_span_id=parent_id, name=name, kind=kind,
                start_time_unix_nano=_nanos(start), end_time_unix_nano=max(_nanos(end), _nanos(start)),
                status=_status(trace.status, trace.error_code, trace.error_message))
    span.attributes.extend(_attributes(attributes))
    return span


def _model_of(inputs: Any) -> tuple[str, str] | None:
    """``(provider, model)`` of a node that called a model: its inputs name ``provider/model``."""
    if not isinstance(inputs, Mapping) or not isinstance(inputs.get("model"), str):
        return None
    provider, slash, model = inputs["model"].partition("/")
    return (provider, model) if slash and provider and model else None


def _input_messages(messages: Any) -> str:
    """Chat messages in the semantic conventions' shape: ``[{role, parts: [{type, content}]}]``."""
    rows = messages if isinstance(messages, list) else []
    shaped = [
        {"role": str(m.get("role") or "user"), "parts": [{"type": "text", "content": _cut(_text(m.get("content")))}]}
        for m in rows[-MAX_MESSAGES:] if isinstance(m, Mapping)
    ]
    return json.dumps(shaped, ensure_ascii=False)


def _enclosing_node(node_id: str) -> str:
    """The iteration node a node ran inside: ``loop[2]/llm`` → ``loop``; ``""`` at the top."""
    outer, slash, _ = node_id.rpartition("/")
    return _ITERATION_STEP.sub("", outer) if slash else ""


def _status(status: str, code: str, message: str) -> Status:
    if status == "failed":
        text = f"{code}: {message}" if code and message else (message or code or "failed")
        return Status(code=Status.StatusCode.STATUS_CODE_ERROR, message=_cut(text))
    return Status(code=Status.StatusCode.STATUS_CODE_UNSET)


def _span_id(trace_id: bytes, node_id: str) -> bytes:
    return hashlib.blake2b(trace_id + node_id.encode(), digest_size=8).digest()


def _nanos(at: datetime) -> int:
    return int(at.timestamp() * 1_000_000) * 1_000


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_TEXT_CHARS else text[:MAX_TEXT_CHARS] + "… [truncated]"


def _json(value: Any) -> str:
    return _cut(json.dumps(value, ensure_ascii=False, default=str))


def _attributes(values: Mapping[str, Any]) -> list[KeyValue]:
    """Key-values of the set values (``None`` and ``""`` are left out, as OTel SDKs do)."""
    out = []
    for key, value in values.items():
        any_value = _any_value(value)
        if any_value is not None:
            out.append(KeyValue(key=key, value=any_value))
    return out


def _any_value(value: Any) -> AnyValue | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return AnyValue(bool_value=value)
    if isinstance(value, int):
        return AnyValue(int_value=value)
    if isinstance(value, float):
        return AnyValue(double_value=value)
    if isinstance(value, list | tuple):
        items = [v for v in (_any_value(x) for x in value) if v is not None]
        return AnyValue(array_value=ArrayValue(values=items))
    return AnyValue(string_value=str(value))
