"""Which Dify node types convert, to what, and why the others do not.

The one table to edit when a Dify node type gains (or loses) an equivalent here: our
node type and default id, the reason a type is unsupported, and how each type's output
fields are renamed. The mappers themselves are registered in :mod:`.nodes`.
"""

from __future__ import annotations

#: Our node type, and a readable default id, per Dify node type we convert.
NODE_TYPES: dict[str, tuple[str, str]] = {
    "start": ("start", "start"),
    "end": ("end", "end"),
    "answer": ("answer", "answer"),
    "llm": ("prompt", "llm"),
    "question-classifier": ("classifier", "classifier"),
    "if-else": ("branch", "branch"),
    "knowledge-retrieval": ("retrieval", "retrieval"),
    "template-transform": ("template", "template"),
    "http-request": ("http_request", "http"),
    "tool": ("tool", "tool"),
    "variable-aggregator": ("aggregate", "aggregate"),
    "variable-assigner": ("aggregate", "aggregate"),  # the aggregator's name in early Dify versions
}

#: Why a Dify node type cannot be converted.
UNSUPPORTED: dict[str, str] = {
    "code": "code nodes run arbitrary Python/JavaScript; LLMOps Studio has no code node "
    "(rebuild the logic with template, branch or tool nodes)",
    "parameter-extractor": "there is no parameter extractor node; use a prompt node with JSON mode",
    "document-extractor": "file inputs and document extraction are not supported yet",
    "list-operator": "there is no list operator node",
    "list-filter": "there is no list operator node",
    "agent": "Dify agent nodes depend on agent-strategy plugins; rebuild it with our agent node",
    "iteration": "iteration sub-graphs are not converted; rebuild it with our iteration node",
    "iteration-start": "part of an iteration sub-graph, which is not converted",
    "loop": "loops are not supported (graphs are acyclic); use an iteration node",
    "loop-start": "part of a loop, which is not converted",
    "loop-end": "part of a loop, which is not converted",
    "assigner": "conversation variable assignment is not supported",
    "knowledge-index": "knowledge indexing pipelines are not supported",
    "datasource": "knowledge pipeline data sources are not supported",
    "human-input": "human-in-the-loop input nodes are not supported",
    "trigger-webhook": "triggers are not supported; runs start at the start node",
    "trigger-schedule": "triggers are not supported; runs start at the start node",
    "trigger-plugin": "triggers are not supported; runs start at the start node",
}

#: Dify output field -> ours, per Dify node type (fields not listed are kept, with a warning).
FIELD_MAP: dict[str, dict[str, str]] = {
    "llm": {"text": "text", "usage": "usage", "structured_output": "json"},
    "question-classifier": {"class_name": "class_name", "class_id": "class_id"},
    "if-else": {"selected_case_id": "case"},
    "knowledge-retrieval": {"result": "chunks"},
    "template-transform": {"output": "text"},
    "http-request": {"body": "body", "status_code": "status", "headers": "headers"},
    "tool": {"text": "text", "json": "result"},
    "variable-aggregator": {"output": "output"},
    "variable-assigner": {"output": "output"},
    "answer": {"answer": "answer"},
}
