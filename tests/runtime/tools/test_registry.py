import asyncio
from typing import Any

import pytest

from runtime.tools import Tool, ToolError, ToolRegistry, default_tool_registry

ADD_SCHEMA = {
    "type": "object",
    "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
    "required": ["a", "b"],
    "additionalProperties": False,
}


def add(a: int, b: int) -> int:
    return a + b


async def add_later(a: int, b: int) -> int:
    await asyncio.sleep(0)
    return a + b


def broken() -> None:
    raise RuntimeError("disk on fire")


@pytest.fixture
def registry() -> ToolRegistry:
    return ToolRegistry(
        [
            Tool("add", "Add two integers.", ADD_SCHEMA, add),
            Tool("add_later", "Add, asynchronously.", ADD_SCHEMA, add_later),
            Tool("broken", "Always fails.", {"type": "object", "properties": {}}, broken),
        ]
    )


async def test_sync_and_async_tools_run_with_json_or_mapping_arguments(registry: ToolRegistry) -> None:
    assert await registry.call("add", '{"a": 2, "b": 3}') == 5
    assert await registry.call("add_later", {"a": 2, "b": 5}) == 7


@pytest.mark.parametrize(
    "arguments",
    ['{"a": 1}', '{"a": 1, "b": "two"}', '{"a": 1, "b": 2, "c": 3}', "not json", "[1, 2]"],
)
async def test_bad_arguments_are_refused_before_the_tool_runs(registry: ToolRegistry, arguments: str) -> None:
    with pytest.raises(ToolError) as caught:
        await registry.call("add", arguments)
    assert caught.value.code == "bad_arguments"
    assert "add" in caught.value.message


def test_validation_names_the_offending_field(registry: ToolRegistry) -> None:
    with pytest.raises(ToolError) as caught:
        registry.validate_arguments("add", {"a": 1, "b": "two"})
    assert "b: 'two' is not of type 'integer'" in caught.value.message


async def test_unknown_tools_and_tool_failures_have_stable_codes(registry: ToolRegistry) -> None:
    with pytest.raises(ToolError) as unknown:
        await registry.call("nope", {})
    with pytest.raises(ToolError) as failed:
        await registry.call("broken", {})
    assert unknown.value.code == "unknown_tool"
    assert (failed.value.code, "disk on fire" in failed.value.message) == ("tool_failed", True)


@pytest.mark.parametrize(
    "tool",
    [
        Tool("bad name!", "", {"type": "object"}, add),
        Tool("array", "", {"type": "array"}, add),
        Tool("invalid", "", {"type": "object", "properties": {"a": {"type": "nonsense"}}}, add),
        Tool("add", "duplicate", ADD_SCHEMA, add),
    ],
)
def test_invalid_tools_cannot_be_registered(registry: ToolRegistry, tool: Tool) -> None:
    with pytest.raises(ToolError) as caught:
        registry.register(tool)
    assert caught.value.code == "invalid_tool"


def test_openai_specs_list_chosen_tools_in_order(registry: ToolRegistry) -> None:
    specs: list[dict[str, Any]] = registry.openai_specs(["broken", "add"])
    assert [s["function"]["name"] for s in specs] == ["broken", "add"]
    assert specs[1] == {
        "type": "function",
        "function": {"name": "add", "description": "Add two integers.", "parameters": ADD_SCHEMA},
    }


def test_default_registry_has_the_built_in_tools() -> None:
    registry = default_tool_registry()
    assert registry.names() == ["calculator", "current_time", "fetch_web_page", "json_path"]
    assert len(registry.openai_specs()) == 4


async def test_calculator_through_the_registry() -> None:
    result = await default_tool_registry().call("calculator", '{"expression": "(2 + 3) * 4"}')
    assert result == {"expression": "(2 + 3) * 4", "result": 20}
