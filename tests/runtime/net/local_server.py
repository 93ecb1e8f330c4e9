"""A tiny HTTP server on 127.0.0.1 for tests of the outbound client and web tools."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PAGE = """<!doctype html>
<html><head><title>Field notes &amp; more</title>
<style>body { color: red }</style><script>var secret = "do not show";</script></head>
<body><nav><a href="/">Home</a></nav>
<h1>Otters</h1>
<p>Otters are <b>semi-aquatic</b> mammals.&nbsp;They hold hands while sleeping.</p>
<ul><li>Sea otter</li><li>River otter</li></ul>
<table><tr><td>Weight</td><td>45 kg</td></tr></table>
<noscript>Enable JavaScript</noscript>
<p>Line one<br>Line two</p>
</body></html>"""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._route()

    def do_POST(self) -> None:
        self._route()

    def do_PUT(self) -> None:
        self._route()

    def do_PATCH(self) -> None:
        self._route()

    def do_HEAD(self) -> None:
        self._route()

    def _route(self) -> None:
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        split = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(split.query).items()}
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        path = split.path
        if path == "/ok":
            self._send(200, b"hello", "text/plain; charset=utf-8")
        elif path == "/json":
            self._send(
                200,
                json.dumps({"items": [{"name": "a", "price": 3}, {"name": "b", "price": 12}]}).encode(),
                "application/json",
            )
        elif path == "/status":
            self._send(int(query["code"]), b"status body", "text/plain")
        elif path == "/redirect":
            self._redirect(int(query.get("status", "302")), query["to"])
        elif path == "/loop":
            self._redirect(302, "/loop")
        elif path == "/echo":
            info = {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode(),
            }
            self._send(200, json.dumps(info).encode(), "application/json")
        elif path == "/big":
            self._send(200, b"x" * int(query["n"]), "text/plain")
        elif path == "/big-unsized":
            self.send_response(200)
            self.send_header("content-type", "text/plain")
            self.send_header("connection", "close")
            self.end_headers()
            self.close_connection = True
            for _ in range(int(query["n"]) // 1024):
                self.wfile.write(b"y" * 1024)
        elif path == "/slow":
            time.sleep(float(query.get("s", "2")))
            self._send(200, b"late", "text/plain")
        elif path == "/html":
            self._send(200, PAGE.encode(), "text/html; charset=utf-8")
        elif path == "/binary":
            self._send(200, b"\x00\x01\x02", "application/octet-stream")
        else:
            self._send(404, b"not found", "text/plain")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _redirect(self, status: int, location: str) -> None:
        self.send_response(status)
        self.send_header("location", location)
        self.send_header("content-length", "0")
        self.end_headers()


class LocalServer:
    """A running server; ``url(path)`` builds URLs on it, ``hits`` lists requested paths."""

    def __init__(self, httpd: ThreadingHTTPServer):
        self._httpd = httpd
        self.port: int = httpd.server_address[1]
        self.host_port = f"127.0.0.1:{self.port}"

    @property
    def hits(self) -> list[str]:
        return self._httpd.hits  # type: ignore[attr-defined,no-any-return]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def local_server() -> Iterator[LocalServer]:
    """Serve on an ephemeral 127.0.0.1 port for the duration of the block."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.hits = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield LocalServer(httpd)
    finally:
        httpd.shutdown()
        httpd.server_close()
