"""Structured output: a model reference with a response schema asks an OpenAI-compatible API for a
JSON answer following it (``response_format: json_schema``), and the LLM node refuses an answer
that does not follow it (retryable, like an answer that is not JSON)."""

from __future__ import annotations

import pytest

from runtime.context import ExecutionContext
from runtime.engine.compiled import compile_graph
from runtime.nodes.model_call import ModelRef
from runtime.providers.base import ChatMessage, ChatRequest
from runtime.providers.local_generate import chat_dicts
from runtime.providers.openai_wire import request_to_wire
from tests.runtime.conftest import ScriptedProvider, make_spec

SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}


def graph(registry):
    spec = make_spec(
        {"llm": ("prompt", {"model": {"provider": "fake", "model": "tiny", "response_schema": SCHEMA},
                            "messages": [{"role": "user", "template": "Where?"}]}),
         "end": ("end", {"outputs": {"json": "llm.json"}})},
        ["start>llm", "llm>end"],
    )
    return compile_graph(spec, registry)


def test_the_wire_asks_for_json_following_the_schema():
    wire = request_to_wire(ChatRequest(model="m", messages=[ChatMessage("user", "x")], response_schema=SCHEMA))

    assert wire["response_format"] == {"type": "json_schema", "json_schema": {"name": "response", "schema": SCHEMA}}


def test_a_local_model_is_told_the_schema_in_its_system_message():
    (system, _) = chat_dicts([ChatMessage("user", "x")], schema=SCHEMA)

    assert system["role"] == "system" and '"required":["city"]' in system["content"]


async def test_an_answer_that_follows_the_schema_is_parsed(registry):
    provider = ScriptedProvider(['{"city": "Oslo"}'])

    result = await graph(registry).run({}, context=ExecutionContext(providers={"fake": provider}))

    assert result.outputs == {"json": {"city": "Oslo"}}
    assert provider.requests[0].response_schema == SCHEMA


async def test_an_answer_that_does_not_follow_the_schema_fails_the_node(registry):
    provider = ScriptedProvider(['{"town": "Oslo"}'])

    result = await graph(registry).run({}, context=ExecutionContext(providers={"fake": provider}))

    assert result.status == "failed" and result.error["code"] == "response_schema_mismatch"
    assert "'city' is a required property" in result.error["message"]


def test_a_schema_that_is_not_json_schema_is_refused():
    with pytest.raises(ValueError, match="not a valid JSON Schema"):
        ModelRef(provider="p", model="m", response_schema={"type": "nope"})
