"""Agent: a model that calls tools in a loop until it can answer.

Two protocols over the same :class:`~runtime.providers.base.ModelProvider` port:

* ``tools`` — OpenAI function calling: the chosen tools go out as ``tools``; each
  ``tool_calls`` answer is executed and fed back as ``tool`` messages;
* ``react`` — for models without tool calling: the tools and the
  ``Action:``/``Action Input:``/``Final Answer:`` format are taught in the system prompt
  (see :mod:`runtime.nodes.agent_react`).

Only the tools named in the config can run, whatever the model asks for. A tool failure is
not a node failure: the error goes back to the model as the observation so it can correct
itself. Every tool step is streamed as a ``node.delta`` line and listed in the ``steps``
output; the final answer is streamed after them.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator

from runtime.context import RunState
from runtime.errors import NodeError
from runtime.nodes.agent_react import STOP_SEQUENCES, ReactAction, parse_react, react_instructions
from runtime.nodes.base import Node, NodeConfig, NodeConfigError, NodeResult, OutputField, required_error
from runtime.nodes.model_call import MessageTemplate, ModelRef, model_call_inputs
from runtime.nodes.prompt_link import (
    REPLACED_BY_LINK,
    LinkedMessages,
    PromptLink,
    library_messages_field,
    split_system,
)
from runtime.nodes.tool import result_text
from runtime.providers.base import ChatMessage, ChatRequest, ChatResult, ModelProvider, Usage
from runtime.tools.base import Tool, ToolError
from runtime.tools.codes import ToolErrorCode
from runtime.tools.registry import TOOL_NAME, ToolRegistry

DEFAULT_SYSTEM_PROMPT = "You are a helpful assistant. Use the tools when they help, then answer concisely."


class AgentConfig(NodeConfig):
    model: ModelRef = Field(title="Model", json_schema_extra=REPLACED_BY_LINK)
    library_prompt: PromptLink | None = Field(
        None, title="Library prompt",
        description="Use a prompt of the library: its system messages instead of the system prompt, "
                    "its other messages (few-shot examples, then the task) instead of the task.",
    )
    messages: list[MessageTemplate] = library_messages_field()
    system_prompt: str = Field(
        DEFAULT_SYSTEM_PROMPT, title="System prompt", description="Template.", json_schema_extra=REPLACED_BY_LINK
    )
    prompt: str = Field(
        "", validate_default=True, title="Task",
        description="Template of the user message, e.g. {{ inputs.question }}.", json_schema_extra=REPLACED_BY_LINK,
    )
    tools: list[str] = Field(
        default_factory=list, title="Tools", description="Names of registered tools it may call."
    )
    mode: Literal["tools", "react"] = Field(
        "tools",
        title="Protocol",
        description="tools: native function calling; react: text protocol for other models.",
    )
    max_iterations: int = Field(
        8, ge=1, le=50, title="Max iterations", description="Model calls before giving up."
    )
    max_observation_chars: int = Field(
        8_000, ge=100, le=100_000, title="Max tool result size", description="Longer tool results are cut."
    )

    @field_validator("prompt")
    @classmethod
    def _has_task(cls, prompt: str, info: ValidationInfo) -> str:
        """The task is required, unless a library prompt brings it."""
        if not prompt.strip() and info.data.get("library_prompt") is None:
            raise required_error()
        return prompt


class AgentNode(Node[AgentConfig]):
    """Runs a tool-using agent loop. Fails with ``max_iterations`` when the model has not
    answered within the budget; model failures keep the provider's codes."""

    type = "agent"
    title = "Agent"
    description = "A model that calls tools in a loop (function calling or ReAct) until it answers."
    category = "model"
    icon = "bot"
    config_model = AgentConfig
    outputs = (
        OutputField("text", "string", "The final answer."),
        OutputField("steps", "array", "Each tool call: tool, arguments, observation, error."),
        OutputField("iterations", "number", "Model calls made."),
        OutputField("usage", "object", "Input/output tokens over all calls."),
    )
    streams = True

    def setup(self) -> None:
        link = self.config.library_prompt
        self._linked = None if link is None else LinkedMessages(self, link, self.config.messages, "library_prompt")
        if self._linked is None:
            self._system = self.template(self.config.system_prompt, "system_prompt")
            self._task = self.template(self.config.prompt, "prompt")
        for i, name in enumerate(self.config.tools):
            if not TOOL_NAME.match(name):
                raise NodeConfigError(
                    f"{name!r} is not a tool name", field=f"tools.{i}", code="invalid_tool_name"
                )

    def opening(self, run: RunState) -> tuple[str, list[ChatMessage]]:
        """The system prompt and the conversation the loop starts from."""
        if self._linked is not None:
            return split_system(self._linked.render(run))
        return self._system.render(run.variables), [ChatMessage("user", self._task.render(run.variables))]

    async def run(self, run: RunState) -> NodeResult:
        tools = self._tools(run)
        provider = run.provider(self.config.model.provider, node_id=self.id)
        loop = _Loop(self, run, provider, tools)
        return await loop.execute()

    def _tools(self, run: RunState) -> dict[str, Tool]:
        if not self.config.tools:
            return {}
        registry = run.context.tools
        if not isinstance(registry, ToolRegistry):
            raise NodeError("no tool registry is configured for this run", code="no_tools")
        try:
            return {name: registry.get(name) for name in self.config.tools}
        except ToolError as exc:
            raise NodeError(exc.message, code=exc.code) from None


class _Loop:
    """One agent run: the conversation, the steps and the token count."""

    def __init__(self, node: AgentNode, run: RunState, provider: ModelProvider, tools: dict[str, Tool]):
        self.node = node
        self.config = node.config
        self.run = run
        self.provider = provider
        self.tools = tools
        self.registry: ToolRegistry | None = run.context.tools if tools else None
        self.react = self.config.mode == "react" and bool(tools)
        self.usage = Usage()
        self.steps: list[dict[str, Any]] = []
        system, conversation = node.opening(run)
        if self.react:
            system = f"{system}\n\n{react_instructions(list(tools.values()))}"
        self.messages = [ChatMessage("system", system), *conversation]
        run.record_inputs(node.id, model_call_inputs(
            self.config.model, self.messages, mode=self.config.mode, tools=list(tools)
        ))

    async def execute(self) -> NodeResult:
        for iteration in range(1, self.config.max_iterations + 1):
            result = await self._chat()
            answer = await (
                self._react_turn(result, iteration) if self.react else self._tools_turn(result, iteration)
            )
            if answer is not None:
                return self._finish(answer, iteration)
        raise NodeError(
            f"the agent did not answer within {self.config.max_iterations} iterations", code="max_iterations"
        )

    async def _chat(self) -> ChatResult:
        ref = self.config.model
        stop = [*(ref.stop or []), *STOP_SEQUENCES] if self.react else ref.stop
        request = ChatRequest(
            model=ref.model,
            messages=list(self.messages),
            temperature=ref.temperature,
            top_p=ref.top_p,
            max_tokens=ref.max_tokens,
            stop=stop,
            seed=ref.seed,
            tools=[tool.openai_spec() for tool in self.tools.values()]
            if self.tools and not self.react
            else None,
        )
        result = await self.provider.chat(request)
        self.usage = self.usage + result.usage
        return result

    async def _tools_turn(self, result: ChatResult, iteration: int) -> str | None:
        if not result.tool_calls:
            return result.text
        self.messages.append(
            ChatMessage("assistant", result.text or None, tool_calls=list(result.tool_calls))
        )
        for call in result.tool_calls:
            observation = await self._use_tool(iteration, call.name, call.arguments, thought=result.text)
            self.messages.append(ChatMessage("tool", observation, tool_call_id=call.id, name=call.name))
        return None

    async def _react_turn(self, result: ChatResult, iteration: int) -> str | None:
        parsed = parse_react(result.text, self.tools)
        if not isinstance(parsed, ReactAction):
            return parsed.answer
        self.messages.append(ChatMessage("assistant", result.text.split("\nObservation:", 1)[0].rstrip()))
        observation = await self._use_tool(iteration, parsed.tool, parsed.arguments, thought=result.text)
        self.messages.append(ChatMessage("user", f"Observation: {observation}"))
        return None

    async def _use_tool(
        self, iteration: int, name: str, arguments: dict[str, Any] | str, thought: str
    ) -> str:
        step: dict[str, Any] = {
            "iteration": iteration,
            "tool": name,
            "arguments": arguments,
            "thought": thought,
        }
        try:
            if name not in self.tools or self.registry is None:
                raise ToolError(
                    ToolErrorCode.UNKNOWN_TOOL,
                    f"no tool {name!r}; available: {', '.join(self.tools) or 'none'}",
                )
            result = await self.registry.call(name, arguments, in_thread=self.run.in_thread)
            observation = result_text(result)
            step["error"] = None
        except ToolError as exc:
            observation = f"error [{exc.code}]: {exc.message}"
            step["error"] = {"code": exc.code, "message": exc.message}
        limit = self.config.max_observation_chars
        if len(observation) > limit:
            observation = observation[:limit] + " [truncated]"
        step["observation"] = observation
        self.steps.append(step)
        self._emit_step(step)
        return observation

    def _emit_step(self, step: dict[str, Any]) -> None:
        shown = step["arguments"] if isinstance(step["arguments"], str) else json.dumps(step["arguments"])
        outcome = f"error {step['error']['code']}" if step["error"] else step["observation"][:200]
        self.run.emit_delta(self.node.id, f"[{step['iteration']}] {step['tool']}({shown}) -> {outcome}\n")

    def _finish(self, answer: str, iterations: int) -> NodeResult:
        if answer:
            self.run.emit_delta(self.node.id, answer)
        ref = self.config.model
        usage = {"input_tokens": self.usage.input_tokens, "output_tokens": self.usage.output_tokens}
        return NodeResult(
            {"text": answer, "steps": self.steps, "iterations": iterations, "usage": usage},
            usage=self.usage,
            cost=self.run.cost(ref.provider, ref.model, self.usage),
        )
