"""The REST API's JSON parser: the platform's one rule for request bodies (depth limit, text the
database can hold, no NaN) instead of DRF's plain ``json.load``."""

from __future__ import annotations

from typing import Any

from rest_framework.parsers import JSONParser

from builder.core.text import parse_json_body


class CheckedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return parse_json_body(stream.read() if stream is not None else b"")
