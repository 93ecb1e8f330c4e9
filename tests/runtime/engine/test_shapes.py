"""Graph shapes: what runs, in which order, with which outputs."""

from __future__ import annotations

import time

import pytest

from runtime.events import NodeFinished, NodeSkipped, RecordingHook
from tests.runtime.conftest import event_kinds

TOPIC = [{"name": "topic"}]


async def test_linear_chain_passes_variables_down(build, context):
    graph = build(
        {
            "a": ("sample_echo", {"value": "A({{ inputs.topic }})"}),
            "b": ("sample_echo", {"value": "B({{ a.value }})"}),
            "end": ("end", {"outputs": {"result": "b.value"}}),
        },
        ["start>a", "a>b", "b>end"],
        TOPIC,
    )
    result = await graph.run({"topic": "x"}, context=context)
    assert result.ok
    assert result.outputs == {"result": "B(A(x))"}


BRANCH_NODES = {
    "br": (
        "branch",
        {"cases": [{"id": "big", "conditions": [{"variable": "inputs.n", "operator": "gt", "value": 10}]}]},
    ),
    "yes": ("sample_echo", {"value": "big"}),
    "no": ("sample_echo", {"value": "small"}),
    "after_no": ("sample_echo", {"value": "after {{ no.value }}"}),
    "agg": ("aggregate", {"inputs": ["yes.value", "after_no.value"]}),
    "end": ("end", {"outputs": {"result": "agg.output"}}),
}
BRANCH_EDGES = ["start>br", "br:big>yes", "br:else>no", "no>after_no", "yes>agg", "after_no>agg", "agg>end"]


@pytest.mark.parametrize(
    ("n", "expected", "ran", "skipped"),
    [
        (50, "big", ["yes"], ["no", "after_no"]),
        (3, "after small", ["no", "after_no"], ["yes"]),
    ],
)
async def test_branch_runs_only_the_chosen_side(build, context, hook, n, expected, ran, skipped):
    graph = build(BRANCH_NODES, BRANCH_EDGES, [{"name": "n", "type": "number"}])
    result = await graph.run({"n": n}, context=context, hooks=[hook])
    assert result.outputs == {"result": expected}
    assert context.extras["ran"] == ran
    assert sorted(e.node_id for e in hook.of_type(NodeSkipped)) == sorted(skipped)


async def test_skip_propagates_down_a_whole_branch(build, context, hook):
    graph = build(BRANCH_NODES, BRANCH_EDGES, [{"name": "n", "type": "number"}])
    await graph.run({"n": 50}, context=context, hooks=[hook])
    assert event_kinds(hook, "after_no") == ["node.skipped"]


async def test_diamond_join_runs_once_after_both_sides(build, context):
    graph = build(
        {
            "left": ("sample_echo", {"value": "L"}),
            "right": ("sample_echo", {"value": "R"}),
            "join": ("sample_echo", {"value": "{{ left.value }}+{{ right.value }}"}),
            "end": ("end", {"outputs": {"result": "join.value"}}),
        },
        ["start>left", "start>right", "left>join", "right>join", "join>end"],
    )
    result = await graph.run(context=context)
    assert result.outputs == {"result": "L+R"}
    assert context.extras["ran"].count("join") == 1


async def test_fan_out_branches_really_overlap(build, context):
    experts = {f"p{i}": ("sample_sleep", {"seconds": 0.1}) for i in range(6)}
    graph = build(experts, [f"start>p{i}" for i in range(6)] + [f"p{i}>end" for i in range(6)])
    started = time.perf_counter()
    result = await graph.run(context=context)
    elapsed = time.perf_counter() - started
    assert result.ok
    spans = context.extras["spans"].values()
    assert max(s for s, _ in spans) < min(e for _, e in spans), "every sleep started before any finished"
    assert elapsed < 0.25, f"6 x 100 ms in parallel took {elapsed:.3f}s"


async def test_blocking_nodes_overlap_in_the_thread_pool(build, context):
    experts = {f"p{i}": ("sample_blocking_sleep", {"seconds": 0.1}) for i in range(8)}
    graph = build(experts, [f"start>p{i}" for i in range(8)] + [f"p{i}>end" for i in range(8)])
    started = time.perf_counter()
    result = await graph.run(context=context)
    assert result.ok
    assert time.perf_counter() - started < 0.3


async def test_iteration_maps_a_subgraph_over_a_list_in_order(build, context):
    sub = {
        "inputs": [{"name": "item"}, {"name": "index", "type": "number"}, {"name": "prefix"}],
        "nodes": [
            {"id": "start", "type": "start"},
            {"id": "wait", "type": "sample_sleep", "config": {"seconds": 0.02}},
            {
                "id": "fmt",
                "type": "template",
                "config": {"template": "{{ inputs.prefix }}{{ inputs.index }}={{ inputs.item }}"},
            },
            {"id": "end", "type": "end", "config": {"outputs": {"line": "fmt.text"}}},
        ],
        "edges": [
            {"id": "a", "source": "start", "target": "wait"},
            {"id": "b", "source": "wait", "target": "fmt"},
            {"id": "c", "source": "fmt", "target": "end"},
        ],
    }
    graph = build(
        {
            "loop": (
                "iteration",
                {
                    "items": "inputs.words",
                    "graph": sub,
                    "inputs": {"prefix": "inputs.prefix"},
                    "output": "line",
                    "parallelism": 3,
                },
            ),
            "end": ("end", {"outputs": {"lines": "loop.results"}}),
        },
        ["start>loop", "loop>end"],
        [{"name": "words", "type": "array"}, {"name": "prefix"}],
    )
    words = [f"w{i}" for i in range(7)]
    hook = RecordingHook()
    started = time.perf_counter()
    result = await graph.run({"words": words, "prefix": "#"}, context=context, hooks=[hook])
    elapsed = time.perf_counter() - started
    assert result.outputs == {"lines": [f"#{i}=w{i}" for i in range(7)]}
    assert elapsed < 7 * 0.02, "items ran with bounded parallelism, not one by one"
    # each item's nodes are in the run's trace, named after the item (not its start and end)
    finished = {e.node_id: e for e in hook.of_type(NodeFinished)}
    assert {f"loop[{i}]/{n}" for i in range(7) for n in ("wait", "fmt")} | {"start", "loop", "end"} == set(finished)
    assert finished["loop[3]/fmt"].outputs["text"] == "#3=w3"
    assert {e.run_id for e in hook.events} == {result.run_id}


async def test_an_iteration_traces_its_first_items_only(build, context):
    from runtime.nodes.iteration import TRACED_ITEMS

    sub = {
        "inputs": [{"name": "item"}],
        "nodes": [
            {"id": "start", "type": "start"},
            {"id": "fmt", "type": "template", "config": {"template": "{{ inputs.item }}"}},
            {"id": "end", "type": "end", "config": {"outputs": {"line": "fmt.text"}}},
        ],
        "edges": [{"id": "a", "source": "start", "target": "fmt"}, {"id": "b", "source": "fmt", "target": "end"}],
    }
    graph = build(
        {"loop": ("iteration", {"items": "inputs.words", "graph": sub, "output": "line"}),
         "end": ("end", {"outputs": {"lines": "loop.results"}})},
        ["start>loop", "loop>end"],
        [{"name": "words", "type": "array"}],
    )
    hook = RecordingHook()

    result = await graph.run({"words": [str(i) for i in range(TRACED_ITEMS + 10)]}, context=context, hooks=[hook])

    assert len(result.outputs["lines"]) == TRACED_ITEMS + 10
    traced = [e.node_id for e in hook.of_type(NodeFinished) if "/" in e.node_id]
    assert traced and len(traced) == TRACED_ITEMS and f"loop[{TRACED_ITEMS}]/fmt" not in traced


async def test_compiled_graph_runs_many_times_independently(build, context):
    graph = build(
        {
            "a": ("sample_echo", {"value": "{{ inputs.topic }}!"}),
            "end": ("end", {"outputs": {"r": "a.value"}}),
        },
        ["start>a", "a>end"],
        TOPIC,
    )
    results = [await graph.run({"topic": t}) for t in ("x", "y", "z")]
    assert [r.outputs["r"] for r in results] == ["x!", "y!", "z!"]
    assert len({r.run_id for r in results}) == 3
