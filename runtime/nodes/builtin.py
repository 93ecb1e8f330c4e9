"""The built-in node types, registered explicitly by :func:`runtime.registry.default_registry`."""

from __future__ import annotations

from typing import Any

from runtime.nodes.agent import AgentNode
from runtime.nodes.aggregate import AggregateNode
from runtime.nodes.answer import AnswerNode
from runtime.nodes.base import Node
from runtime.nodes.branch import BranchNode
from runtime.nodes.classifier import ClassifierNode
from runtime.nodes.end import EndNode
from runtime.nodes.http_request import HttpRequestNode
from runtime.nodes.iteration import IterationNode
from runtime.nodes.prompt import PromptNode
from runtime.nodes.retrieval import RetrievalNode
from runtime.nodes.start import StartNode
from runtime.nodes.template import TemplateNode
from runtime.nodes.tool import ToolNode

BUILTIN_NODES: tuple[type[Node[Any]], ...] = (
    StartNode,
    EndNode,
    AnswerNode,
    TemplateNode,
    BranchNode,
    AggregateNode,
    IterationNode,
    RetrievalNode,
    PromptNode,
    ClassifierNode,
    HttpRequestNode,
    ToolNode,
    AgentNode,
)
