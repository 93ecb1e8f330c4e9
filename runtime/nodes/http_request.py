"""HTTP request: calls an external HTTP API through the platform's safe outbound client.

The URL, header values and body are templates over upstream variables. Header values may
also reference secrets by name (``Authorization: Bearer {{ secrets.API_KEY }}``); the
reference is kept apart from rendered text, so upstream data can never pull a secret in, and
the value is resolved by the client at send time. Internal addresses are refused
(``ssrf_blocked``) unless the platform's allowlist opens them.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import Field

from runtime.context import RunState
from runtime.errors import NodeError
from runtime.net import NetError, NetResponse, SafeHttpClient, SecretRef, split_secret_references
from runtime.net.secrets import has_secret_reference
from runtime.nodes.base import Node, NodeConfig, NodeConfigError, OutputField, RequiredText
from runtime.templates import Template

#: Client failures another attempt may fix: before the request was sent (any method), or after
#: it may have reached the server (only methods that are safe to send twice).
RETRYABLE_UNSENT = frozenset({"connect_error", "dns_error"})
RETRYABLE_IF_IDEMPOTENT = frozenset({"timeout", "protocol_error", "connection_lost_after_send"})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


class HttpRequestConfig(NodeConfig):
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] = Field("GET", title="Method")
    url: RequiredText = Field(
        title="URL", description="Template, e.g. https://api.example.com/items/{{ inputs.id }}."
    )
    headers: dict[str, str] = Field(
        default_factory=dict,
        title="Headers",
        description="Name -> template. Secrets by name: Bearer {{ secrets.API_KEY }}.",
    )
    body: str = Field("", title="Body", description="Template of the request body (empty: no body).")
    body_format: Literal["json", "text"] = Field(
        "json", title="Body format", description="json: the rendered body must be valid JSON."
    )
    timeout_s: float = Field(
        30.0, gt=0, le=300, title="Timeout (s)", description="Whole request, redirects included."
    )
    max_response_bytes: int = Field(
        1_000_000,
        ge=1,
        le=50_000_000,
        title="Max response size (bytes)",
        description="Larger responses fail.",
    )
    follow_redirects: bool = Field(True, title="Follow redirects")
    fail_on_error_status: bool = Field(
        False,
        title="Fail on 4xx/5xx",
        description="Fail the node (code http_error) instead of outputting the status.",
    )


class HttpRequestNode(Node[HttpRequestConfig]):
    """Sends one HTTP request; outputs status, headers, body text and the parsed JSON body."""

    type = "http_request"
    title = "HTTP request"
    description = "Calls an HTTP API (templated URL, headers and body) through the safe outbound client."
    category = "tools"
    icon = "globe"
    config_model = HttpRequestConfig
    outputs = (
        OutputField("status", "number", "HTTP status code."),
        OutputField("ok", "boolean", "True for 2xx statuses."),
        OutputField("headers", "object", "Response headers (lower-case names)."),
        OutputField("body", "string", "Response body as text."),
        OutputField("json", "any", "The body parsed as JSON, or null when it is not JSON."),
        OutputField("url", "string", "Final URL after redirects."),
    )

    def setup(self) -> None:
        config = self.config
        for field, text in (("url", config.url), ("body", config.body)):
            if has_secret_reference(text):
                raise NodeConfigError(
                    "secrets can only be used in header values", field=field, code="secret_not_allowed"
                )
        self._url = self.template(config.url, "url")
        self._body = self.template(config.body, "body") if config.body else None
        self._headers: list[tuple[str, list[Template | SecretRef]]] = []
        for name, value in config.headers.items():
            if not _HEADER_NAME.match(name):
                raise NodeConfigError(
                    f"{name!r} is not a valid header name", field=f"headers.{name}", code="invalid_header"
                )
            parts = [
                part if isinstance(part, SecretRef) else self.template(part, f"headers.{name}")
                for part in split_secret_references(value)
            ]
            self._headers.append((name, parts))

    def thread_demand(self) -> int:
        return 0

    async def run(self, run: RunState) -> dict[str, Any]:
        client = run.context.http
        if not isinstance(client, SafeHttpClient):
            raise NodeError("no outbound HTTP client is configured for this run", code="no_http")
        variables = run.variables
        config = self.config
        headers = {
            name: [p if isinstance(p, SecretRef) else p.render(variables) for p in parts]
            for name, parts in self._headers
        }
        content = self._render_body(variables, headers)
        url = self._url.render(variables).strip()
        run.record_inputs(self.id, {
            "method": config.method, "url": url, "body": content,
            "headers": {
                name: "".join(f"{{{{ secrets.{p.name} }}}}" if isinstance(p, SecretRef) else p for p in parts)
                for name, parts in headers.items()
            },
        })
        try:
            response = await client.request(
                config.method,
                url,
                headers=headers,
                content=content,
                timeout_s=config.timeout_s,
                max_response_bytes=config.max_response_bytes,
                follow_redirects=config.follow_redirects,
                raise_for_status=config.fail_on_error_status,
            )
        except NetError as exc:
            retryable = _retryable(exc, self.config.method)
            raise NodeError(exc.message, code=exc.code.value, retryable=retryable) from None
        return _outputs(response)

    def _render_body(self, variables: dict[str, Any], headers: dict[str, Any]) -> str | None:
        if self._body is None:
            return None
        text = self._body.render(variables)
        has_type = any(name.lower() == "content-type" for name in headers)
        if self.config.body_format == "json":
            try:
                json.loads(text)
            except json.JSONDecodeError as exc:
                raise NodeError(
                    f"the rendered body is not valid JSON ({exc.msg} at char {exc.pos})", code="invalid_body"
                ) from None
            if not has_type:
                headers["content-type"] = "application/json"
        elif not has_type:
            headers["content-type"] = "text/plain; charset=utf-8"
        return text


def _retryable_status(status: int) -> bool:
    return status == 429 or status >= 500


def _outputs(response: NetResponse) -> dict[str, Any]:
    text = response.text
    parsed: Any = None
    if text.strip():
        try:
            parsed = response.json()
        except ValueError:
            parsed = None
    headers: dict[str, str] = {}
    for name, value in response.headers.multi_items():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return {
        "status": response.status,
        "ok": 200 <= response.status < 300,
        "headers": headers,
        "body": text,
        "json": parsed,
        "url": response.url,
    }


def _retryable(error: NetError, method: str) -> bool:
    """Whether the node's retry policy may send the request again: never a POST or PATCH that
    may have reached the server (a webhook must not fire twice)."""
    code = error.code.value
    if code in RETRYABLE_UNSENT:
        return True
    idempotent = method in IDEMPOTENT_METHODS
    if code in RETRYABLE_IF_IDEMPOTENT:
        return idempotent
    if error.status in (429, 503):  # the server says it did not act on the request
        return True
    return idempotent and error.status is not None and _retryable_status(error.status)
