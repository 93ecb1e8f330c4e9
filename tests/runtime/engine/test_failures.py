"""Per-node failure policy (retry, abort, fail_branch, default_value), timeouts, cancellation,
max steps and input checks."""

from __future__ import annotations

import asyncio
import time
from itertools import pairwise

import pytest

from runtime.errors import MaxStepsExceeded
from runtime.events import NodeFailed, RunFailed
from tests.runtime.conftest import event_kinds

FAST_RETRY = {"retry_backoff_s": 0.001}


def flaky_graph(build, settings, failures=1, **flaky):
    return build(
        {
            "flaky": ("sample_flaky", {"failures": failures, **flaky}, settings),
            "end": ("end", {"outputs": {"result": "flaky.value"}}),
        },
        ["start>flaky", "flaky>end"],
    )


async def test_retryable_failure_is_retried_until_it_succeeds(build, context, hook):
    graph = flaky_graph(build, {"max_retries": 3, **FAST_RETRY}, failures=2)
    result = await graph.run(context=context, hooks=[hook])
    assert result.outputs == {"result": "ok after 3"}
    failed = hook.of_type(NodeFailed)
    assert [(f.attempt, f.will_retry) for f in failed] == [(1, True), (2, True)]


async def test_retry_strategy_without_a_count_retries_three_times_then_aborts(build, context):
    graph = flaky_graph(build, {"error_strategy": "retry", **FAST_RETRY}, failures=10)
    result = await graph.run(context=context)
    assert result.status == "failed"
    assert result.error["code"] == "flaky"
    assert context.extras["attempts"]["flaky"] == 4


async def test_non_retryable_failure_is_not_retried(build, context):
    graph = flaky_graph(build, {"max_retries": 3, **FAST_RETRY}, failures=1, retryable=False)
    result = await graph.run(context=context)
    assert result.status == "failed"
    assert context.extras["attempts"]["flaky"] == 1


async def test_retries_back_off_exponentially(build, context):
    graph = flaky_graph(build, {"max_retries": 3, "retry_backoff_s": 0.02}, failures=3)
    await graph.run(context=context)
    times = context.extras["attempt_times"]
    gaps = [b - a for a, b in pairwise(times)]
    assert gaps[0] >= 0.01 and gaps[1] >= 0.02 and gaps[2] >= 0.04  # jitter keeps >= half of 20/40/80 ms


async def test_retry_waits_at_least_the_providers_retry_after(build, context):
    graph = flaky_graph(build, {"max_retries": 1, "retry_backoff_s": 0.001}, failures=1, retry_after=0.1)
    result = await graph.run(context=context)
    times = context.extras["attempt_times"]
    assert result.ok
    assert times[1] - times[0] >= 0.1


async def test_abort_fails_the_run_with_the_node_code_and_ids(build, context, hook):
    graph = flaky_graph(build, {}, failures=5, code="upstream_down", retryable=False)
    result = await graph.run(context=context, hooks=[hook], run_id="run-1")
    assert result.status == "failed"
    assert result.error == {
        "code": "upstream_down",
        "message": "temporary trouble",
        "node_id": "flaky",
        "run_id": "run-1",
    }
    assert event_kinds(hook)[-1] == "run.failed"
    assert "end" not in [getattr(e, "node_id", None) for e in hook.events if e.type == "node.started"]


async def test_fail_branch_routes_to_the_fail_handle_with_the_error(build, context, hook):
    graph = build(
        {
            "flaky": (
                "sample_flaky",
                {"failures": 5, "code": "boom", "retryable": False},
                {"error_strategy": "fail_branch"},
            ),
            "happy": ("sample_echo", {"value": "fine"}),
            "sorry": ("sample_echo", {"value": "sorry: {{ flaky.error.code }}"}),
            "agg": ("aggregate", {"inputs": ["happy.value", "sorry.value"]}),
            "end": ("end", {"outputs": {"result": "agg.output"}}),
        },
        ["start>flaky", "flaky>happy", "flaky:fail>sorry", "happy>agg", "sorry>agg", "agg>end"],
    )
    result = await graph.run(context=context, hooks=[hook])
    assert result.outputs == {"result": "sorry: boom"}
    assert event_kinds(hook, "happy") == ["node.skipped"]
    assert hook.of_type(NodeFailed)[0].strategy == "fail_branch"


async def test_default_value_replaces_the_outputs_and_the_run_goes_on(build, context):
    graph = flaky_graph(
        build,
        {"error_strategy": "default_value", "default_outputs": {"value": "fallback"}},
        failures=5,
        retryable=False,
    )
    result = await graph.run(context=context)
    assert result.ok
    assert result.outputs == {"result": "fallback"}


async def test_slow_node_times_out_with_code_timeout(build, context):
    graph = build({"slow": ("sample_sleep", {"seconds": 5}, {"timeout_s": 0.05})}, ["start>slow", "slow>end"])
    started = time.perf_counter()
    result = await graph.run(context=context)
    assert result.error["code"] == "timeout"
    assert result.error["node_id"] == "slow"
    assert time.perf_counter() - started < 1


async def test_cancelling_a_run_cancels_in_flight_calls(build, context):
    graph = build(
        {"a": ("sample_sleep", {"seconds": 5}), "b": ("sample_sleep", {"seconds": 5})},
        ["start>a", "start>b", "a>end", "b>end"],
    )
    handle = graph.start(context=context)
    await asyncio.sleep(0.05)
    handle.cancel()
    result = await asyncio.wait_for(handle.result(), 1)
    assert result.status == "cancelled"
    assert sorted(context.extras["cancelled"]) == ["a", "b"]
    kinds = [e.type async for e in handle.events()]
    assert kinds[-1] == "run.failed"


async def test_cancelling_the_awaiting_task_emits_run_failed_and_propagates(build, context, hook):
    graph = build({"a": ("sample_sleep", {"seconds": 5})}, ["start>a", "a>end"])
    task = asyncio.ensure_future(graph.run(context=context, hooks=[hook]))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert hook.of_type(RunFailed)[0].code == "cancelled"


async def test_max_steps_stops_the_run(build, context):
    graph = build(
        {f"n{i}": ("sample_echo", {"value": str(i)}) for i in range(5)},
        ["start>n0", "n0>n1", "n1>n2", "n2>n3", "n3>n4", "n4>end"],
    )
    result = await graph.run(context=context, max_steps=3)
    assert result.error["code"] == MaxStepsExceeded.code
    assert context.extras["ran"] == ["n0", "n1"]


@pytest.mark.parametrize(
    ("inputs", "problem"),
    [
        ({}, "'topic' is required"),
        ({"topic": 3}, "'topic' must be a string"),
        ({"topic": "x", "extra": 1}, "unknown input(s) ['extra']"),
        ({"topic": "x", "n": True}, "'n' must be a number"),
    ],
)
async def test_invalid_inputs_fail_the_run_before_any_node(build, context, hook, inputs, problem):
    graph = build({}, ["start>end"], [{"name": "topic"}, {"name": "n", "type": "number", "default": 2}])
    result = await graph.run(inputs, context=context, hooks=[hook])
    assert result.error["code"] == "invalid_input"
    assert problem in result.error["message"]
    assert event_kinds(hook) == ["run.started", "run.failed"]


async def test_raise_on_error_raises_the_coded_failure(build, context):
    graph = flaky_graph(build, {}, failures=5, code="nope", retryable=False)
    with pytest.raises(Exception) as info:
        await graph.run(context=context, raise_on_error=True)
    assert info.value.code == "nope"
    assert info.value.node_id == "flaky"


async def test_unexpected_exception_becomes_node_crashed_without_traceback(registry, context):
    from runtime.engine.compiled import compile_graph
    from runtime.nodes.base import Node
    from tests.runtime.conftest import EchoConfig, make_spec

    class Broken(Node[EchoConfig]):
        type = "sample_broken"
        config_model = EchoConfig

        async def run(self, run):
            raise ZeroDivisionError("division by zero")

    registry.register(Broken)
    graph = compile_graph(make_spec({"x": ("sample_broken", {})}, ["start>x", "x>end"]), registry)
    result = await graph.run(context=context)
    assert result.error["code"] == "node_crashed"
    assert result.error["message"] == "ZeroDivisionError: division by zero"


async def test_a_template_over_its_budget_fails_the_run_naming_the_node_and_its_field(build, context):
    graph = build(
        {
            "tpl": ("template", {"template": "{{ inputs.query * 1000000 }}"}),
            "end": ("end", {"outputs": {"result": "tpl.text"}}),
        },
        ["start>tpl", "tpl>end"],
        [{"name": "query", "type": "string"}],
    )
    result = await graph.run({"query": "grow"}, context=context)
    assert result.status == "failed"
    assert result.error["code"] == "template_limit"
    assert (result.error["node_id"], result.error["field"]) == ("tpl", "template")
    assert "(in template)" in result.error["message"]
