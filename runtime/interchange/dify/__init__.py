"""Dify DSL -> LLMOps Studio graph spec.

Dify exports an app as YAML (``kind: app``, ``app.mode``, ``workflow.graph.nodes/edges``).
:func:`dify_to_graph` turns a *workflow* or *chatflow* (``advanced-chat``) export into a
:class:`~runtime.spec.GraphSpec` dict, and says plainly what it could not convert:

* ``unmapped`` lists every Dify node that has no equivalent here (code, parameter extractor,
  iteration, agent, unknown types, ...) by id, title, type and reason. Such a node is left
  out of the graph, its edges are removed (with a warning) and a note marks its place on
  the canvas. Nothing is dropped silently.
* ``warnings`` lists what converted only approximately or needs the user: model providers
  to configure, knowledge bases to create, secrets to add, settings without equivalent.

What maps (Dify -> ours): start -> start (+ app inputs), llm -> prompt,
question-classifier -> classifier, if-else -> branch, knowledge-retrieval -> retrieval,
template-transform -> template, http-request -> http_request, variable-aggregator ->
aggregate, tool (time, maths, webscraper, json_process) -> tool, answer -> answer,
end -> end, custom-note -> notes.

References: Dify's ``{{#node_id.field#}}`` (and value selectors ``[node_id, field]``) become
``{{ our_id.field }}`` / ``our_id.field`` with the output renamed where ours differs
(http ``status_code`` -> ``status``, template ``output`` -> ``text``, retrieval ``result``
-> ``chunks``, or ``context`` inside prompts). Start variables and ``sys.query`` (and other
``sys.*``, ``env.*``, ``conversation.*`` variables) become app inputs ``inputs.<name>``.

Pure Python: no Django, no network. The caller validates the result (``runtime.validate``).

Layout: :mod:`.document` (the file: loading, validation, errors), :mod:`.node_types` (what
converts to what), :mod:`.ids`, :mod:`.references`, :mod:`.conditions`, :mod:`.settings`,
:mod:`.nodes` (one module per family of node types), :mod:`.edges` and :mod:`.convert`
(the orchestration).
"""

from __future__ import annotations

from runtime.interchange.dify.convert import DifyImport, dify_to_graph, dify_yaml_to_graph
from runtime.interchange.dify.document import DifyInvalid, is_dify_document, load_dify_yaml

__all__ = [
    "DifyImport",
    "DifyInvalid",
    "dify_to_graph",
    "dify_yaml_to_graph",
    "is_dify_document",
    "load_dify_yaml",
]
