import json
from typing import Any

from runtime.context import ExecutionContext
from runtime.events import NodeDelta, RecordingHook
from runtime.providers.openai_compat import OpenAICompatibleProvider
from runtime.tools import default_tool_registry
from tests.runtime.nodes.linear_graph import linear_graph
from tests.runtime.nodes.scripted_provider import ScriptedProvider, calls, says
from tests.runtime.support.openai_stand_in import Reply, StandInServer

OUTPUTS = {
    "text": "agent.text",
    "steps": "agent.steps",
    "iterations": "agent.iterations",
    "usage": "agent.usage",
}


def agent(**config: Any) -> dict[str, Any]:
    base = {
        "model": {"provider": "scripted", "model": "m"},
        "prompt": "{{ inputs.question }}",
        "tools": ["calculator", "current_time"],
    }
    return {"id": "agent", "type": "agent", "config": base | config}


def context(provider: Any) -> ExecutionContext:
    return ExecutionContext(providers={provider.name: provider}, tools=default_tool_registry())


async def run_agent(provider: Any, hook: RecordingHook | None = None, **config: Any) -> Any:
    graph = linear_graph(agent(**config), inputs={"question": "string"}, outputs=OUTPUTS)
    return await graph.run(
        {"question": "What is 6 * 7?"}, context=context(provider), hooks=[hook] if hook else []
    )


async def test_function_calling_loop_runs_tools_then_answers() -> None:
    provider = ScriptedProvider(calls(("calculator", '{"expression": "6 * 7"}')), says("It is 42."))
    hook = RecordingHook()
    result = await run_agent(provider, hook)
    assert result.ok, result.error
    out = result.outputs
    assert (out["text"], out["iterations"], out["usage"]) == (
        "It is 42.",
        2,
        {"input_tokens": 20, "output_tokens": 10},
    )
    assert [(s["tool"], s["observation"], s["error"]) for s in out["steps"]] == [
        ("calculator", '{"expression": "6 * 7", "result": 42}', None)
    ]
    first, second = provider.requests
    assert [t["function"]["name"] for t in first.tools or []] == ["calculator", "current_time"]
    tool_message = second.messages[-1]
    assert (tool_message.role, tool_message.tool_call_id, tool_message.content) == (
        "tool",
        "call_0",
        '{"expression": "6 * 7", "result": 42}',
    )
    deltas = [e.text for e in hook.of_type(NodeDelta) if e.node_id == "agent"]
    assert deltas[0].startswith("[1] calculator(") and deltas[-1] == "It is 42."


async def test_tool_errors_and_unlisted_tools_go_back_to_the_model() -> None:
    provider = ScriptedProvider(
        calls(("calculator", '{"expression": "1/0"}'), ("fetch_web_page", '{"url": "http://10.0.0.1/"}')),
        says("Cannot divide by zero."),
    )
    result = await run_agent(provider)
    steps = result.outputs["steps"]
    assert [s["error"]["code"] for s in steps] == ["math_error", "unknown_tool"]
    assert [m.content for m in provider.requests[1].messages if m.role == "tool"] == [
        "error [math_error]: math error: division by zero",
        "error [unknown_tool]: no tool 'fetch_web_page'; available: calculator, current_time",
    ]


async def test_an_agent_that_never_answers_stops_at_max_iterations() -> None:
    provider = ScriptedProvider(*[calls(("calculator", '{"expression": "1"}'))] * 5)
    result = await run_agent(provider, max_iterations=3)
    assert result.error is not None and result.error["code"] == "max_iterations"
    assert len(provider.requests) == 3


async def test_react_protocol_for_models_without_tool_calling() -> None:
    provider = ScriptedProvider(
        says('Thought: I should compute.\nAction: calculator\nAction Input: {"expression": "6 * 7"}'),
        says("Thought: I know it.\nFinal Answer: 42"),
    )
    result = await run_agent(provider, mode="react")
    assert result.outputs["text"] == "42"
    first, second = provider.requests
    assert first.tools is None and "\nObservation:" in (first.stop or [])
    assert "Action Input:" in (first.messages[0].content or "") and "calculator:" in (
        first.messages[0].content or ""
    )
    assert second.messages[-1].role == "user"
    assert second.messages[-1].content == 'Observation: {"expression": "6 * 7", "result": 42}'


async def test_react_accepts_a_bare_input_for_one_argument_tools() -> None:
    provider = ScriptedProvider(says("Action: calculator\nAction Input: 2 ** 5"), says("Final Answer: 32"))
    result = await run_agent(provider, mode="react")
    assert result.outputs["steps"][0]["arguments"] == {"expression": "2 ** 5"}
    assert result.outputs["text"] == "32"


async def test_agent_through_the_openai_compatible_provider(openai_stand_in: StandInServer) -> None:
    openai_stand_in.script(
        Reply(
            text=None,
            tool_calls=[{"id": "call_a", "name": "calculator", "arguments": '{"expression": "6*7"}'}],
        ),
        Reply(text="The answer is 42."),
    )
    provider = OpenAICompatibleProvider(name="scripted", base_url=openai_stand_in.base_url)
    result = await run_agent(provider)
    assert result.ok, result.error
    assert result.outputs["text"] == "The answer is 42."
    second = openai_stand_in.chat_requests()[1]
    assert second["tools"][0]["function"]["name"] == "calculator"
    tool_message = second["messages"][-1]
    assert tool_message["role"] == "tool" and tool_message["tool_call_id"] == "call_a"
    assert json.loads(tool_message["content"]) == {"expression": "6*7", "result": 42}
