"""The one error shape every API answer that is not a success has: one check for the Django test
client's responses and for httpx's (the real servers)."""

from __future__ import annotations

from typing import Any


def assert_error_shape(response: Any, status: int, code: str | None = None) -> dict:
    """``{"error": {"code", "message", "details"}}`` with ``status`` (and ``code``); the error."""
    assert response.status_code == status, (response.status_code, response.content[:300])
    content_type = response.headers["content-type"]
    assert content_type.startswith("application/json"), content_type
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    assert isinstance(body["error"]["code"], str) and body["error"]["message"], body
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]
