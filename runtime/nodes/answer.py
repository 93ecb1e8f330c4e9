"""Answer: the text shown to the user; streams it as ``node.delta`` and becomes run output."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from runtime.context import RunState
from runtime.nodes.base import Node, NodeConfig, OutputField, RequiredText

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

    def thread_demand(self) -> int:
        return 0

    async def run(self, run: RunState) -> dict[str, Any]:
        text = self._template.render(run.variables)
        for i in range(0, len(text), _CHUNK):
            run.emit_delta(self.id, text[i : i + _CHUNK])
        return {"answer": text}
