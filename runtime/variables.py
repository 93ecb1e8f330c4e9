"""Variable selectors: ``node_id.field[.key...]``, ``inputs.name``, ``sys.run_id``.

Config fields that point at a value (branch conditions, end outputs, aggregate inputs,
iteration lists) hold a selector string; templates use the same paths inside ``{{ }}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from runtime.errors import NodeError

_SELECTOR = re.compile(r"^[A-Za-z_]\w*(\.\w+)+$")

MISSING: Any = object()


def parse_selector(text: str) -> tuple[str, ...]:
    """``"llm.text"`` -> ``("llm", "text")``; raises ``ValueError`` on anything else."""
    text = text.strip()
    if text.startswith("{{") and text.endswith("}}"):
        text = text[2:-2].strip()
    if not _SELECTOR.match(text):
        raise ValueError(f"{text!r} is not a variable reference like 'node_id.field' or 'inputs.name'")
    return tuple(text.split("."))


def resolve(variables: Mapping[str, Any], path: tuple[str, ...], default: Any = MISSING) -> Any:
    """The value at ``path``; ``default`` (or a ``variable_missing`` NodeError) when absent."""
    value: Any = variables
    for key in path:
        if isinstance(value, Mapping) and key in value:
            value = value[key]
        elif isinstance(value, (list, tuple)) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            if default is not MISSING:
                return default
            raise NodeError(f"variable '{'.'.join(path)}' has no value", code="variable_missing")
    return value


def is_empty(value: Any) -> bool:
    """None, empty string/collection (after stripping whitespace for strings)."""
    if value is None or value is MISSING:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, dict, set)):
        return len(value) == 0
    return False
