"""A local OTLP/HTTP trace receiver: a real HTTP server on 127.0.0.1 in a thread that decodes
each request with the opentelemetry-proto classes and keeps it (with its headers). It can be told
to answer the next requests with an error status."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    request: ExportTraceServiceRequest


@dataclass
class Collector:
    url: str
    netloc: str
    received: list[Received] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)  # statuses for the next requests, in order

    @property
    def spans(self) -> list[Span]:
        return [span for r in self.received for rs in r.request.resource_spans for ss in rs.scope_spans
                for span in ss.spans]

    def roots(self) -> list[Span]:
        return [s for s in self.spans if not s.parent_span_id]


def attributes(span: Span) -> dict:
    """A span's attributes as plain Python values."""
    out = {}
    for kv in span.attributes:
        kind = kv.value.WhichOneof("value")
        value = getattr(kv.value, kind)
        out[kv.key] = [getattr(v, v.WhichOneof("value")) for v in value.values] if kind == "array_value" else value
    return out


def start_collector() -> tuple[Collector, ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    port = server.server_address[1]
    collector = Collector(url=f"http://127.0.0.1:{port}/v1/traces", netloc=f"127.0.0.1:{port}")
    server.collector = collector  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return collector, server


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        collector: Collector = self.server.collector  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        if collector.failures:
            status = collector.failures.pop(0)
            self.send_response(status)
            self.send_header("content-length", str(len(b"collector down")))
            self.end_headers()
            self.wfile.write(b"collector down")
            return
        assert self.headers.get("content-type") == "application/x-protobuf"
        collector.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()},
                                           ExportTraceServiceRequest.FromString(body)))
        answer = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args) -> None:
        pass
