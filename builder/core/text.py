"""The one rule for text the database cannot hold, and for JSON bodies the platform accepts.

PostgreSQL stores text as UTF-8 and refuses two things Python strings (and JSON) can carry: a
lone surrogate (``"\\ud800"`` in JSON decodes to one) and the NUL character (``\\u0000``, refused
by ``text`` and ``jsonb`` alike); ``jsonb`` also refuses NaN and Infinity. One such value in one
run used to fail a whole batch of stored runs. So:

- where text arrives from outside (a JSON request body), :func:`parse_json_body` refuses it with
  400 ``invalid_text`` naming the field, and refuses bodies nested deeper than
  ``LLMOPS_MAX_JSON_DEPTH`` levels with 400 ``invalid_json`` (Python's parser would otherwise recurse into
  a 500);
- whatever still reaches storage (a model's answer, a parsed document) goes through
  :func:`storable`, which replaces each such character with U+FFFD (and NaN / Infinity with
  their names as text).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings

from builder.core.errors import InvalidInput

REPLACEMENT = "\ufffd"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class MalformedJson(InvalidInput):
    code = "malformed_request"


class InvalidJson(InvalidInput):
    """Well-formed JSON the platform refuses: nested deeper than the limit."""

    code = "invalid_json"


class InvalidText(InvalidInput):
    code = "invalid_text"


def max_json_depth() -> int:
    """How deeply a request body may nest objects and arrays (``LLMOPS_MAX_JSON_DEPTH``)."""
    return int(settings.LLMOPS_MAX_JSON_DEPTH)


def is_storable_text(text: str) -> bool:
    if text.isascii():
        return "\x00" not in text
    return _UNSTORABLE.search(text) is None


def storable_text(text: str) -> str:
    return text if is_storable_text(text) else _UNSTORABLE.sub(REPLACEMENT, text)


def storable(value: Any) -> Any:
    """``value`` with every string (object keys too) made storable; the same object when nothing
    needed changing, so the common case costs one scan and no copy."""
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, dict):
        changed = False
        out = {}
        for key, item in value.items():
            new_key = storable_text(key) if isinstance(key, str) else key
            new_item = storable(item)
            changed = changed or new_key is not key or new_item is not item
            out[new_key] = new_item
        return out if changed else value
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # jsonb holds no NaN or Infinity: keep what it was, as text
    if isinstance(value, (list, tuple)):
        items = [storable(item) for item in value]
        if any(new is not old for new, old in zip(items, value, strict=True)):
            return type(value)(items) if isinstance(value, tuple) else items
        return value
    return value


class StoredJson(str):
    """JSON text already encoded by :func:`storable_json`: written as it is. A run's event log is
    kept so from the moment it is recorded, rather than as thousands of small objects that wait
    for their batch (and for the garbage collector)."""


encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode


def storable_json(value: Any) -> str:
    """``value`` as JSON text that PostgreSQL's ``jsonb`` accepts. The encoder escapes NUL as
    ``\\u0000`` and writes NaN / Infinity as bare tokens; a lone surrogate stays as it is (the text is
    then not ASCII). A hit may be harmless text (the word NaN): the value is then made storable,
    which changes nothing, and encoded again."""
    text = encode_json(value)
    if ("\\u0000" in text or "NaN" in text or "Infinity" in text
            or (not text.isascii() and not is_storable_text(text))):
        text = encode_json(storable(value))
    return text


def unstorable_field(value: Any, path: str = "") -> str | None:
    """The dotted path (``inputs.messages[2].content``) of the first string in ``value`` that the
    database cannot hold, or None."""
    if isinstance(value, str):
        return None if is_storable_text(value) else (path or "body")
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and not is_storable_text(key):
                return here
            found = unstorable_field(item, here)
            if found is not None:
                return found
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = unstorable_field(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """True when ``value`` nests objects/arrays more than ``limit`` levels (no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def _breaks_a_rule(value: Any, limit: int) -> bool:
    """One cheap pass over a parsed body (every request's): True when it nests too deeply or
    holds text the database cannot hold. Which rule, and where, is worked out only then."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        kind = type(item)
        if kind is str:
            if not (item.isascii() and "\x00" not in item) and not is_storable_text(item):
                return True
        elif kind is dict or kind is list:
            if depth >= limit:
                return True
            if kind is dict:
                stack.extend((key, depth) for key in item)
                stack.extend((child, depth + 1) for child in item.values())
            else:
                stack.extend((child, depth + 1) for child in item)
    return False


def check_json_value(value: Any) -> Any:
    """Apply the body rules to an already parsed value: depth, then text. Returns ``value``."""
    limit = max_json_depth()
    if not _breaks_a_rule(value, limit):
        return value
    if json_depth_exceeds(value, limit):
        raise InvalidJson(f"The request body nests deeper than {limit} levels.", details={"max_depth": limit})
    field = unstorable_field(value) or "body"
    raise InvalidText(
        f"'{field}' contains a character that cannot be stored (a lone surrogate or NUL).",
        details={"field": field},
    )


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN / Infinity: neither JSON nor storable in jsonb


_decode = json.JSONDecoder(parse_constant=_refuse_constant).decode  # one decoder, not one per body


def parse_json_body(raw: bytes | str) -> Any:
    """A JSON request body, parsed and checked: 400 ``malformed_request`` when it is not JSON,
    ``invalid_json`` when it nests too deeply, ``invalid_text`` for text the database cannot hold."""
    try:
        value = _decode(raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw)
    except RecursionError:
        limit = max_json_depth()
        raise InvalidJson(f"The request body nests deeper than {limit} levels.",
                          details={"max_depth": limit}) from None
    except (ValueError, UnicodeDecodeError):
        raise MalformedJson("The request body is not valid JSON.") from None
    return check_json_value(value)
