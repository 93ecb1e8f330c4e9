"""Prompt: renders chat messages, calls a model (streaming tokens), outputs text/json/usage."""

from __future__ import annotations

import json

from pydantic import Field

from runtime.context import RunState
from runtime.errors import NodeError
from runtime.nodes.base import Node, NodeConfig, NodeResult, OutputField
from runtime.nodes.model_call import MessageTemplate, ModelRef, call_model
from runtime.providers.base import ChatMessage


class PromptConfig(NodeConfig):
    model: ModelRef = Field(title="Model")
    messages: list[MessageTemplate] = Field(
        min_length=1, title="Messages", description="System/user/assistant templates."
    )
    stream: bool = Field(True, title="Stream", description="Stream tokens to the user as they arrive.")


class PromptNode(Node[PromptConfig]):
    """One LLM call. With ``json_mode`` the answer must parse as JSON, else the node fails
    with ``json_parse_error`` (retryable: the model may do better next time)."""

    type = "prompt"
    title = "LLM"
    description = "Calls a language model with templated messages."
    category = "model"
    icon = "sparkles"
    config_model = PromptConfig
    outputs = (
        OutputField("text", "string", "The model's answer."),
        OutputField("json", "object", "The parsed answer (JSON mode only)."),
        OutputField("usage", "object", "Input/output tokens."),
    )
    streams = True
    delta_output = "text"

    def setup(self) -> None:
        self._messages = [
            (m.role, self.template(m.template, f"messages.{i}.template"))
            for i, m in enumerate(self.config.messages)
        ]

    async def run(self, run: RunState) -> NodeResult:
        messages = [ChatMessage(role, tpl.render(run.variables)) for role, tpl in self._messages]
        answer = await call_model(run, self.id, self.config.model, messages, stream=self.config.stream)
        parsed = None
        if self.config.model.json_mode:
            try:
                parsed = json.loads(answer.text)
            except json.JSONDecodeError as exc:
                raise NodeError(
                    f"the model's answer is not valid JSON ({exc.msg} at char {exc.pos}): {answer.text[:200]!r}",
                    code="json_parse_error",
                    retryable=True,
                ) from None
        usage = {"input_tokens": answer.usage.input_tokens, "output_tokens": answer.usage.output_tokens}
        return NodeResult(
            {"text": answer.text, "json": parsed, "usage": usage}, usage=answer.usage, cost=answer.cost
        )
