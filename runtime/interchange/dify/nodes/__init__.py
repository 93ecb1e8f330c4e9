"""Node mappers: one module per family of Dify node types, registered here by Dify type.

A mapper takes the conversion and one Dify node and returns ``(our node type, config)``,
or raises :class:`~runtime.interchange.dify.document.Unmappable` with the reason the
node cannot be converted. Every type in :data:`~runtime.interchange.dify.node_types.NODE_TYPES`
has a mapper here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from runtime.interchange.dify.context import Conversion
from runtime.interchange.dify.document import DifyNode
from runtime.interchange.dify.nodes.aggregate import map_variable_aggregator
from runtime.interchange.dify.nodes.app_io import declare_start_inputs, map_answer, map_end, map_start
from runtime.interchange.dify.nodes.http import map_http_request
from runtime.interchange.dify.nodes.if_else import map_if_else
from runtime.interchange.dify.nodes.llm import map_llm, map_question_classifier
from runtime.interchange.dify.nodes.notes import map_note
from runtime.interchange.dify.nodes.retrieval import map_knowledge_retrieval
from runtime.interchange.dify.nodes.template import map_template_transform
from runtime.interchange.dify.nodes.tools import map_tool

Mapper = Callable[[Conversion, DifyNode], tuple[str, dict[str, Any]]]

#: Dify node type -> its mapper.
MAPPERS: dict[str, Mapper] = {
    "start": map_start,
    "end": map_end,
    "answer": map_answer,
    "llm": map_llm,
    "question-classifier": map_question_classifier,
    "if-else": map_if_else,
    "knowledge-retrieval": map_knowledge_retrieval,
    "template-transform": map_template_transform,
    "http-request": map_http_request,
    "tool": map_tool,
    "variable-aggregator": map_variable_aggregator,
    "variable-assigner": map_variable_aggregator,
}

__all__ = ["MAPPERS", "Mapper", "declare_start_inputs", "map_note"]
