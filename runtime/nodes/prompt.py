"""Prompt: renders chat messages, calls a model (streaming tokens), outputs text/json/usage."""

from __future__ import annotations

import json
from typing import Any

from jsonschema import Draft202012Validator
from pydantic import Field, ValidationInfo, field_validator

from runtime.context import RunState
from runtime.errors import NodeError, TemplateError
from runtime.nodes.base import Node, NodeConfig, NodeConfigError, NodeResult, OutputField, RequiredText, required_error
from runtime.nodes.model_call import MessageTemplate, ModelRef, call_model
from runtime.providers.base import ChatMessage
from runtime.templates import Template, compile_template


class PromptLink(NodeConfig):
    """A prompt of the platform's library used instead of inline messages.

    ``ref`` names it (``support-answer@production``, ``support-answer@v3``, ``support-answer``
    for its latest version). The platform resolves the reference before a graph runs: it copies
    the version's messages and model into the node and sets ``version`` (a saved or published
    app version keeps that number: a later label move never changes it). The library's templates
    read the prompt's own variables (``{{ topic }}``); ``variables`` says where each gets its
    value in this app (a template over the app's variables, e.g. ``{{ inputs.question }}``);
    ``defaults`` are the prompt's declared defaults, for variables left unmapped."""

    ref: RequiredText = Field(title="Prompt", description="name@label, name@v3 or name (its latest version).")
    version: int | None = Field(
        None, ge=1, title="Pinned version",
        description="The version the reference resolved to (set by the platform; a draft follows its reference).",
    )
    variables: dict[str, str] = Field(
        default_factory=dict, title="Inputs of the prompt",
        description="What each input of the prompt gets, as a template over this app's values, e.g. "
                    "{{ inputs.question }} (by default: the app input of the same name).",
    )
    defaults: dict[str, Any] = Field(
        default_factory=dict, title="Defaults", description="The prompt's declared defaults (set by the platform)."
    )


class PromptConfig(NodeConfig):
    model: ModelRef = Field(title="Model")
    prompt: PromptLink | None = Field(None, title="Library prompt", description="Use a prompt of the library.")
    messages: list[MessageTemplate] = Field(
        default_factory=list, validate_default=True, title="Messages", description="System/user/assistant templates."
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
        self._link_values: dict[str, Template] = {}
        if link is None:
            self._messages = [
                (m.role, self.template(m.template, f"messages.{i}.template"))
                for i, m in enumerate(self.config.messages)
            ]
            return
        if not self.config.messages:
            raise NodeConfigError(
                f"the library prompt {link.ref!r} was not resolved: run this app on the platform",
                field="prompt", code="prompt_not_resolved",
            )
        # The library's templates read the prompt's own variables, not the app's: their names
        # are not references to check here; the app's values come through ``variables``.
        self._messages = [(m.role, _library_template(m.template, f"messages.{i}.template"))
                          for i, m in enumerate(self.config.messages)]
        self._link_values = {
            name: self.template(source, f"prompt.variables.{name}") for name, source in link.variables.items()
        }

    def _variables(self, run: RunState) -> Any:
        if self.config.prompt is None:
            return run.variables
        values = dict(self.config.prompt.defaults)
        values.update({name: tpl.render(run.variables) for name, tpl in self._link_values.items()})
        return values

    async def run(self, run: RunState) -> NodeResult:
        variables = self._variables(run)
        messages = [ChatMessage(role, tpl.render(variables)) for role, tpl in self._messages]
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


def _library_template(source: str, field: str) -> Template:
    try:
        return compile_template(source, field=field)
    except TemplateError as exc:
        raise NodeConfigError(exc.message, field=field, code=exc.code) from None
