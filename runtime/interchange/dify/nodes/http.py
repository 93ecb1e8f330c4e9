"""Dify http-request -> http_request.

Query parameters are folded into the URL, bodies become JSON or text, API-key
authorization becomes a header that reads a secret (the key itself is never copied).
File uploads (form-data, binary) have no equivalent and make the node unmapped.
"""

from __future__ import annotations

from typing import Any

from runtime.interchange.dify.context import Conversion
from runtime.interchange.dify.document import DifyNode, Unmappable, list_field
from runtime.interchange.dify.ids import identifier
from runtime.interchange.dify.references import DIFY_REF, rewrite
from runtime.interchange.dify.values import number

_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")


def map_http_request(conv: Conversion, dn: DifyNode) -> tuple[str, dict[str, Any]]:
    """http-request -> http_request."""
    data = dn.data
    method = str(data.get("method") or "get").upper()
    if method not in _METHODS:
        raise Unmappable(f"the HTTP method {method} is not supported")
    url = rewrite(conv, str(data.get("url") or "").strip(), dn)
    if not url:
        raise Unmappable("it has no URL")
    params = _key_values(data.get("params"))
    if params:
        query = "&".join(rewrite(conv, k, dn, encode=True) + "=" + rewrite(conv, v, dn, encode=True) for k, v in params)
        url += ("&" if "?" in url else "?") + query
    headers: dict[str, str] = {}
    for key, value in _key_values(data.get("headers")):
        if DIFY_REF.search(key):
            conv.warn(f"{dn.label}: header name {key!r} holds a variable; that header was dropped")
            continue
        headers[key] = rewrite(conv, value, dn, where="header")
    _auth_header(conv, data.get("authorization"), dn, headers)
    config: dict[str, Any] = {"method": method, "url": url, "headers": headers}
    body = data.get("body") or {}
    body_type = str(body.get("type") or "none") if isinstance(body, dict) else "none"
    items = body.get("data") if isinstance(body, dict) else None
    if isinstance(items, str):
        items = [{"type": "text", "key": "", "value": items}]
    items = [i for i in list_field({"data": items}, "data", dn) if isinstance(i, dict)]
    if body_type in ("form-data", "binary"):
        raise Unmappable(f"{body_type} bodies (file uploads) are not supported")
    if body_type == "json":
        config["body"] = rewrite(conv, "".join(str(i.get("value") or "") for i in items), dn)
        config["body_format"] = "json"
    elif body_type == "raw-text":
        config["body"] = rewrite(conv, "".join(str(i.get("value") or "") for i in items), dn)
        config["body_format"] = "text"
    elif body_type == "x-www-form-urlencoded":
        config["body"] = "&".join(
            rewrite(conv, str(i.get("key") or ""), dn, encode=True)
            + "="
            + rewrite(conv, str(i.get("value") or ""), dn, encode=True)
            for i in items
        )
        config["body_format"] = "text"
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "application/x-www-form-urlencoded"
    timeout = data.get("timeout") or {}
    if isinstance(timeout, dict):
        connect = number(timeout.get("connect", timeout.get("max_connect_timeout")))
        read = number(timeout.get("read", timeout.get("max_read_timeout")))
        parts = [t for t in (connect, read) if t is not None and t > 0]
        if parts:
            config["timeout_s"] = max(1.0, min(300.0, float(sum(parts))))
    if data.get("ssl_verify") is False:
        conv.warn(f"{dn.label}: TLS verification cannot be turned off here; certificates will be verified")
    return "http_request", config


def _auth_header(conv: Conversion, auth: Any, dn: DifyNode, headers: dict[str, str]) -> None:
    """API-key authorization -> a header reading a secret (named after the env variable, if any)."""
    if not isinstance(auth, dict) or auth.get("type") != "api-key":
        return
    cfg = auth.get("config") or {}
    if not isinstance(cfg, dict):
        return
    key = str(cfg.get("api_key") or "")
    match = DIFY_REF.fullmatch(key.strip())
    if match and match.group(1).startswith("env."):
        secret = identifier(match.group(1).split(".", 1)[1])
    else:
        secret = f"{conv.ids[dn.id].upper()}_API_KEY"
    conv.warn(
        f"{dn.label}: the API key is now read from the secret '{secret}'; add that secret in LLMOps Studio "
        "(the key itself is never copied into the graph)"
    )
    ref = "{{ secrets." + secret + " }}"
    kind = cfg.get("type")
    if kind == "bearer":
        headers["Authorization"] = f"Bearer {ref}"
    elif kind == "basic":
        headers["Authorization"] = f"Basic {ref}"
        conv.warn(f"{dn.label}: for basic auth, store base64('user:password') in the secret '{secret}'")
    else:
        headers[str(cfg.get("header") or "Authorization")] = ref


def _key_values(value: Any) -> list[tuple[str, str]]:
    """Dify's ``"key:value\\nkey2:value2"`` header/param text (or a list of {key, value})."""
    pairs: list[tuple[str, str]] = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and str(item.get("key") or "").strip():
                pairs.append((str(item["key"]).strip(), str(item.get("value") or "").strip()))
        return pairs
    if not isinstance(value, str):
        return pairs
    for line in value.splitlines():
        if not line.strip():
            continue
        key, _, val = line.partition(":")
        if key.strip():
            pairs.append((key.strip(), val.strip()))
    return pairs
