"""What prompt-like nodes share: the model reference config and one streamed model call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from pydantic import Field, field_validator, model_validator

from runtime.context import RunState
from runtime.errors import NodeError
from runtime.nodes.base import NodeConfig, RequiredText, required_error
from runtime.providers.base import ChatMessage, ChatRequest, ChatResult, Usage


class ModelRef(NodeConfig):
    """Which model to call, and how."""

    provider: RequiredText = Field(title="Provider", description="Name of a configured model provider.")
    model: RequiredText = Field(title="Model", description="Model name at that provider.")
    temperature: float | None = Field(None, ge=0, le=2, title="Temperature")
    top_p: float | None = Field(None, gt=0, le=1, title="Top P")
    max_tokens: int | None = Field(None, ge=1, title="Max tokens")
    stop: list[str] | None = Field(None, title="Stop sequences")
    seed: int | None = Field(None, title="Seed")
    json_mode: bool = Field(False, title="JSON mode", description="Ask for a JSON object and parse it.")
    response_schema: dict[str, Any] | None = Field(
        None, title="Response schema",
        description="A JSON Schema the answer must follow (structured output); implies JSON mode.",
    )

    @field_validator("response_schema")
    @classmethod
    def _valid_schema(cls, schema: dict[str, Any] | None) -> dict[str, Any] | None:
        if schema is not None:
            try:
                Draft202012Validator.check_schema(schema)
            except SchemaError as exc:
                raise ValueError(f"not a valid JSON Schema: {exc.message}") from None
        return schema

    @property
    def wants_json(self) -> bool:
        return self.json_mode or self.response_schema is not None

    @model_validator(mode="before")
    @classmethod
    def _chosen(cls, data: Any) -> Any:
        """No provider or no model: one ``required`` issue on the model field, not one per half."""
        if isinstance(data, dict) and not all(str(data.get(k) or "").strip() for k in ("provider", "model")):
            raise required_error()
        return data


class MessageTemplate(NodeConfig):
    role: Literal["system", "user", "assistant"] = Field(title="Role")
    template: RequiredText = Field(title="Content", description="Jinja2 template of the message.")


@dataclass(slots=True)
class ModelAnswer:
    text: str
    usage: Usage
    cost: float | None
    result: ChatResult


_PARAMETERS = ("temperature", "top_p", "max_tokens", "stop", "seed", "json_mode", "response_schema")


def model_call_inputs(ref: ModelRef, messages: list[ChatMessage], **extra: Any) -> dict[str, Any]:
    """A model call as its trace shows it: the model, the parameters set, the messages."""
    inputs: dict[str, Any] = {"model": f"{ref.provider}/{ref.model}"}
    inputs.update({name: value for name in _PARAMETERS if (value := getattr(ref, name)) not in (None, False)})
    inputs["messages"] = [{"role": m.role, "content": m.content} for m in messages]
    inputs.update(extra)
    return inputs


async def call_model(
    run: RunState,
    node_id: str,
    ref: ModelRef,
    messages: list[ChatMessage],
    *,
    stream: bool,
    json_mode: bool | None = None,
) -> ModelAnswer:
    """Call the referenced model; stream ``node.delta`` events when ``stream`` is set."""
    provider = run.provider(ref.provider, node_id=node_id)
    run.record_inputs(node_id, model_call_inputs(ref, messages))
    request = ChatRequest(
        model=ref.model,
        messages=messages,
        temperature=ref.temperature,
        top_p=ref.top_p,
        max_tokens=ref.max_tokens,
        stop=ref.stop,
        seed=ref.seed,
        json_mode=ref.json_mode if json_mode is None else json_mode,
        response_schema=ref.response_schema if json_mode is None else None,
    )
    result: ChatResult | None = None
    if stream:
        async for piece in provider.stream(request):
            if isinstance(piece, ChatResult):
                result = piece
            elif piece.text:
                run.emit_delta(node_id, piece.text)
        if result is None:
            raise NodeError(
                "the model stream ended without a result", code="empty_completion", retryable=True
            )
    else:
        result = await provider.chat(request)
    usage = result.usage
    return ModelAnswer(result.text, usage, run.cost(ref.provider, result.model or ref.model, usage), result)
