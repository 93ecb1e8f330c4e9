"""Dify template-transform -> template (the Jinja2 template, its variables bound in front)."""

from __future__ import annotations

from typing import Any

from runtime.interchange.dify.context import Conversion
from runtime.interchange.dify.document import DifyNode
from runtime.interchange.dify.references import bind_jinja


def map_template_transform(conv: Conversion, dn: DifyNode) -> tuple[str, dict[str, Any]]:
    """template-transform -> template."""
    return "template", {"template": bind_jinja(conv, dn.data.get("template"), dn.data.get("variables"), dn)}
