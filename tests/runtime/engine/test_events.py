"""The event stream: order, JSON form, streaming consumption, hook isolation."""

from __future__ import annotations

import json

from runtime.events import NodeFinished, RunFinished
from tests.runtime.conftest import ScriptedProvider, event_kinds


def chain(build):
    return build(
        {
            "a": ("sample_echo", {"value": "hi {{ inputs.topic }}"}),
            "end": ("end", {"outputs": {"r": "a.value"}}),
        },
        ["start>a", "a>end"],
        [{"name": "topic"}],
    )


async def test_events_arrive_in_run_order(build, context, hook):
    await chain(build).run({"topic": "x"}, context=context, hooks=[hook])
    assert event_kinds(hook) == [
        "run.started",
        "node.started",
        "node.finished",
        "node.started",
        "node.finished",
        "node.started",
        "node.finished",
        "run.finished",
    ]


async def test_every_event_is_json_serialisable(build, context, hook):
    await chain(build).run({"topic": "x"}, context=context, hooks=[hook])
    for event in hook.events:
        data = json.loads(json.dumps(event.to_dict()))
        assert data["type"] == event.type
        assert data["run_id"] == hook.events[0].run_id


async def test_node_finished_reports_outputs_and_latency(build, context, hook):
    await chain(build).run({"topic": "x"}, context=context, hooks=[hook])
    finished = {e.node_id: e for e in hook.of_type(NodeFinished)}
    assert finished["a"].outputs == {"value": "hi x"}
    assert finished["a"].latency_ms >= 0


async def test_stream_yields_events_until_the_run_ends(build, context):
    kinds = [event.type async for event in chain(build).stream({"topic": "x"}, context=context)]
    assert kinds[0] == "run.started"
    assert kinds[-1] == "run.finished"


async def test_a_failing_hook_does_not_fail_the_run(build, context, hook):
    class Broken:
        def on_event(self, event):
            raise RuntimeError("websocket gone")

    result = await chain(build).run({"topic": "x"}, context=context, hooks=[Broken(), hook])
    assert result.ok
    assert isinstance(hook.events[-1], RunFinished)


async def test_prompt_tokens_stream_as_deltas_and_totals_add_up(build, hook):
    from runtime.context import ExecutionContext
    from tests.runtime.conftest import FlatPrices

    provider = ScriptedProvider(["one two three"])
    graph = build(
        {
            "llm": (
                "prompt",
                {
                    "model": {"provider": "fake", "model": "m"},
                    "messages": [{"role": "user", "template": "{{ inputs.topic }}"}],
                },
            ),
            "end": ("end", {"outputs": {"text": "llm.text"}}),
        },
        ["start>llm", "llm>end"],
        [{"name": "topic"}],
    )
    context = ExecutionContext(providers={"fake": provider}, prices=FlatPrices(0.5))
    result = await graph.run({"topic": "x"}, context=context, hooks=[hook])
    assert "".join(e.text for e in hook.events if e.type == "node.delta") == "one two three "
    assert (result.totals.tokens_in, result.totals.tokens_out, result.totals.cost) == (10, 5, 7.5)
