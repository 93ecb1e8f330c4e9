"""Answer: the text shown to the user; streams it as ``node.delta`` and becomes run output.

The answer streams while the nodes it shows are still running (:mod:`runtime.engine.streaming`),
piece by piece of its template, in order:

* literal text goes out at once (as soon as the answer is sure to be given: right at the start
  when nothing before it routes elsewhere, else once the branch before it has chosen it);
* ``{{ llm.text }}`` of a streaming LLM passes its tokens on as they arrive;
* every other ``{{ … }}`` goes out as soon as the nodes it reads have finished.

So ``Hi! {{ llm.text }} Bye.`` streams ``Hi! ``, then the model's tokens, then `` Bye.``;
``{{ a.text }} and {{ b.text }}`` streams a's tokens, `` and ``, then b's. Jinja logic around a
streamed variable cannot stream token by token: a filter on it (``{{ llm.text | upper }}``) or a
``{% for %}`` / ``{% if %}`` block goes out in one piece once it can be rendered, and a template
that defines names (``{% set %}``, macros) is one piece as a whole. The deltas add up to the answer
output, which is always the template's full render.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import Field

from runtime.context import RunState
from runtime.nodes.base import Node, NodeConfig, OutputField, RequiredText
from runtime.templates.compiled import TemplatePiece, template_pieces

log = logging.getLogger(__name__)

_CHUNK = 256


class AnswerConfig(NodeConfig):
    template: RequiredText = Field(title="Answer", description="Template of the answer, e.g. {{ llm.text }}.")


class AnswerNode(Node[AnswerConfig]):
    type = "answer"
    title = "Answer"
    description = "Streams a templated answer to the user; its text is a run output."
    category = "flow"
    icon = "message-square"
    config_model = AnswerConfig
    outputs = (OutputField("answer", "string", "The answer text."),)
    is_terminal = True
    streams = True

    def setup(self) -> None:
        self._template = self.template(self.config.template, "template")
        self._pieces = template_pieces(self._template)

    def thread_demand(self) -> int:
        return 0

    def stream_pieces(self) -> tuple[TemplatePiece, ...]:
        return self._pieces

    async def run(self, run: RunState) -> dict[str, Any]:
        text = self._template.render(run.variables)
        streamed = run.take_streamed(self.id)
        if text.startswith(streamed):
            rest = text[len(streamed) :]
        else:  # an upstream node streamed text its output does not begin with (a retried call)
            log.warning("answer %s: the streamed text is not how the answer begins; not streaming the rest", self.id)
            rest = ""
        for i in range(0, len(rest), _CHUNK):
            run.emit_delta(self.id, rest[i : i + _CHUNK])
        return {"answer": text}
