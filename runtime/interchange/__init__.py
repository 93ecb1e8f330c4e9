"""Import/export between LLMOps Studio graph specs and other tools' formats (pure Python).

* :mod:`runtime.interchange.dify` — Dify DSL (``kind: app`` YAML) workflows and chatflows.
"""

from __future__ import annotations

from runtime.interchange.dify import (
    DifyImport,
    DifyInvalid,
    dify_to_graph,
    dify_yaml_to_graph,
    is_dify_document,
    load_dify_yaml,
)

__all__ = [
    "DifyImport",
    "DifyInvalid",
    "dify_to_graph",
    "dify_yaml_to_graph",
    "is_dify_document",
    "load_dify_yaml",
]
