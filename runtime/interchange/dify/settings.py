"""Dify per-node retry and error-handling options -> our node ``settings``.

``retry_config`` becomes ``max_retries`` / ``retry_backoff_s``; ``error_strategy``
``fail-branch`` / ``default-value`` become ours, with default outputs renamed like the
node's output fields.
"""

from __future__ import annotations

from typing import Any

from runtime.interchange.dify.document import DifyNode
from runtime.interchange.dify.node_types import FIELD_MAP
from runtime.interchange.dify.values import integer, number


def node_settings(dn: DifyNode) -> dict[str, Any]:
    """Our node settings for a Dify node (empty when it has none)."""
    data = dn.data
    settings: dict[str, Any] = {}
    retry = data.get("retry_config")
    if isinstance(retry, dict) and retry.get("enabled"):
        settings["max_retries"] = max(0, min(10, integer(retry.get("max_retries"), 1)))
        interval = number(retry.get("retry_interval"))
        if interval is not None and interval >= 0:
            settings["retry_backoff_s"] = interval / 1000
    strategy = data.get("error_strategy")
    if strategy == "fail-branch":
        settings["error_strategy"] = "fail_branch"
    elif strategy == "default-value":
        settings["error_strategy"] = "default_value"
        fields = FIELD_MAP.get(dn.type, {})
        defaults = {}
        for item in data.get("default_value") or []:
            if isinstance(item, dict) and item.get("key"):
                key = str(item["key"])
                defaults[fields.get(key, key)] = item.get("value")
        settings["default_outputs"] = defaults
    return settings
