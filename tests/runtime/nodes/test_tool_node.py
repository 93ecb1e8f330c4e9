from typing import Any

from runtime.context import ExecutionContext
from runtime.tools import Tool, default_tool_registry
from tests.runtime.nodes.linear_graph import linear_graph


def context() -> ExecutionContext:
    registry = default_tool_registry()
    registry.register(
        Tool(
            "repeat",
            "Repeat a word.",
            {
                "type": "object",
                "properties": {"word": {"type": "string"}, "times": {"type": "integer"}},
                "required": ["word", "times"],
            },
            lambda word, times: " ".join([word] * times),
        )
    )
    return ExecutionContext(tools=registry)


def tool_node(tool: str, **arguments: Any) -> dict[str, Any]:
    return {"id": "use", "type": "tool", "config": {"tool": tool, "arguments": arguments}}


async def test_calculator_with_a_templated_expression() -> None:
    graph = linear_graph(
        tool_node("calculator", expression="{{ inputs.a }} * 2 + 1"),
        inputs={"a": "number"},
        outputs={"result": "use.result", "text": "use.text"},
    )
    result = await graph.run({"a": 20}, context=context())
    assert result.outputs == {
        "result": {"expression": "20 * 2 + 1", "result": 41},
        "text": '{"expression": "20 * 2 + 1", "result": 41}',
    }


async def test_a_whole_reference_keeps_its_type() -> None:
    graph = linear_graph(
        tool_node("json_path", data="{{ inputs.doc }}", path="$.items[*].id"),
        inputs={"doc": "object"},
        outputs={"ids": "use.result"},
    )
    result = await graph.run({"doc": {"items": [{"id": 1}, {"id": 2}]}}, context=context())
    assert result.outputs["ids"] == {"matches": [1, 2], "count": 2}


async def test_rendered_text_is_coerced_to_the_declared_type() -> None:
    graph = linear_graph(
        tool_node("repeat", word="{{ inputs.word }}", times="{{ inputs.n + 1 }}"),
        inputs={"word": "string", "n": "number"},
        outputs={"text": "use.text"},
    )
    result = await graph.run({"word": "hi", "n": 2}, context=context())
    assert result.outputs == {"text": "hi hi hi"}


async def test_tool_failures_keep_their_codes() -> None:
    refused = linear_graph(tool_node("calculator", expression="__import__('os')"))
    unknown = linear_graph(tool_node("no_such_tool"))
    wrong = linear_graph(tool_node("repeat", word="hi", times="many"))
    codes = [(await g.run({}, context=context())).error["code"] for g in (refused, unknown, wrong)]  # type: ignore[index]
    assert codes == ["bad_expression", "unknown_tool", "bad_arguments"]


async def test_runs_without_tools_fail_clearly() -> None:
    result = await linear_graph(tool_node("calculator", expression="1")).run({}, context=ExecutionContext())
    assert result.error is not None and result.error["code"] == "no_tools"
