"""Prompt: renders chat messages, calls a model (streaming tokens), outputs text/json/usage."""

from __future__ import annotations

import json

from jsonschema import Draft202012Validator
from pydantic import Field, ValidationInfo, field_validator

from runtime.context import RunState
from runtime.errors import NodeError
from runtime.nodes.base import Node, NodeConfig, NodeResult, OutputField, required_error
from runtime.nodes.model_call import MessageTemplate, ModelRef, call_model
from runtime.nodes.prompt_link import REPLACED_BY_LINK, LinkedMessages, PromptLink
from runtime.providers.base import ChatMessage


class PromptConfig(NodeConfig):
    model: ModelRef = Field(title="Model", json_schema_extra=REPLACED_BY_LINK)
    prompt: PromptLink | None = Field(None, title="Library prompt", description="Use a prompt of the library.")
    messages: list[MessageTemplate] = Field(
        default_factory=list, validate_default=True, title="Messages", description="System/user/assistant templates.",
        json_schema_extra=REPLACED_BY_LINK,
    )
    stream: bool = Field(True, title="Stream", description="Stream tokens to the user as they arrive.")

    @field_validator("messages")
    @classmethod
    def _has_messages(cls, messages: list[MessageTemplate], info: ValidationInfo) -> list[MessageTemplate]:
        """Messages are required, unless a library prompt brings them (``prompt`` is checked first)."""
        if not messages and info.data.get("prompt") is None:
            raise required_error()
        return messages


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
        link = self.config.prompt
        self._linked = None if link is None else LinkedMessages(self, link, self.config.messages, "prompt")
        self._messages = [] if link is not None else [
            (m.role, self.template(m.template, f"messages.{i}.template")) for i, m in enumerate(self.config.messages)
        ]

    def _render(self, run: RunState) -> list[ChatMessage]:
        if self._linked is not None:
            return self._linked.render(run)
        return [ChatMessage(role, tpl.render(run.variables)) for role, tpl in self._messages]

    async def run(self, run: RunState) -> NodeResult:
        messages = self._render(run)
        answer = await call_model(run, self.id, self.config.model, messages, stream=self.config.stream)
        parsed = None
        if self.config.model.wants_json:
            try:
                parsed = json.loads(answer.text)
            except json.JSONDecodeError as exc:
                raise NodeError(
                    f"the model's answer is not valid JSON ({exc.msg} at char {exc.pos}): {answer.text[:200]!r}",
                    code="json_parse_error",
                    retryable=True,
                ) from None
            schema = self.config.model.response_schema
            if schema is not None:
                problem = next(Draft202012Validator(schema).iter_errors(parsed), None)
                if problem is not None:
                    where = "/".join(str(p) for p in problem.absolute_path) or "the answer"
                    raise NodeError(
                        f"the model's answer does not follow the response schema ({where}: {problem.message})",
                        code="response_schema_mismatch",
                        retryable=True,
                    )
        usage = {"input_tokens": answer.usage.input_tokens, "output_tokens": answer.usage.output_tokens}
        return NodeResult(
            {"text": answer.text, "json": parsed, "usage": usage}, usage=answer.usage, cost=answer.cost
        )

