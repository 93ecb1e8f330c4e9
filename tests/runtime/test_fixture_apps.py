"""The example apps in fixtures/apps: valid, together covering every node type, drawn left to
right, and doing what their descriptions say (run here on scripted models, no real model)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from runtime import ExecutionContext, GraphSpec, RecordingHook, compile_graph, default_registry, validate
from runtime.cli.knowledge import read_folder, retriever_for
from runtime.events import NodeSkipped
from runtime.net import AddressPolicy, SafeHttpClient
from runtime.nodes.builtin import BUILTIN_NODES
from runtime.tools.defaults import default_tool_registry
from tests.runtime.conftest import ScriptedProvider
from tests.runtime.net.local_server import local_server

APPS = Path(__file__).resolve().parents[2] / "fixtures" / "apps"
APP_FILES = sorted(APPS.glob("*.yaml"))


def load(name: str) -> GraphSpec:
    return GraphSpec.from_yaml((APPS / name).read_text(encoding="utf-8"))


def all_nodes(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Nodes of a graph dict and of its iteration sub-graphs."""
    found = []
    for node in nodes:
        found.append(node)
        graph = (node.get("config") or {}).get("graph")
        if isinstance(graph, dict):
            found += all_nodes(graph.get("nodes") or [])
    return found


def test_there_are_at_least_four_example_apps():
    assert len(APP_FILES) >= 4


@pytest.mark.parametrize("path", APP_FILES, ids=lambda p: p.stem)
def test_every_example_app_validates_with_no_issues(path: Path):
    spec = GraphSpec.from_yaml(path.read_text(encoding="utf-8"))
    assert validate(spec, default_registry()) == []
    assert spec.name and spec.description


def test_the_example_apps_together_use_every_built_in_node_type():
    used = {
        node["type"]
        for path in APP_FILES
        for node in all_nodes(GraphSpec.from_yaml(path.read_text(encoding="utf-8")).to_dict()["nodes"])
    }
    assert used == {cls.type for cls in BUILTIN_NODES}


@pytest.mark.parametrize("path", APP_FILES, ids=lambda p: p.stem)
def test_example_apps_are_laid_out_left_to_right_with_titles(path: Path):
    spec = GraphSpec.from_yaml(path.read_text(encoding="utf-8"))
    positions = {n.id: n.position for n in spec.nodes}
    assert len({(p.x, p.y) for p in positions.values()}) == len(spec.nodes), "nodes overlap"
    for edge in spec.edges:
        assert positions[edge.source].x < positions[edge.target].x, edge.id
    assert all(n.title for n in spec.nodes if n.type != "start" or n.title)


@pytest.mark.parametrize("path", APP_FILES, ids=lambda p: p.stem)
def test_model_nodes_keep_answers_short_for_the_local_model(path: Path):
    data = GraphSpec.from_yaml(path.read_text(encoding="utf-8")).to_dict()
    for node in all_nodes(data["nodes"]):
        model = (node.get("config") or {}).get("model")
        if model:
            assert model["provider"] == "local"
            assert model["max_tokens"] <= 96, node["id"]


# --- the apps at work, on scripted models ----------------------------------------------------
async def run_app(name: str, inputs: dict[str, Any], context: ExecutionContext):
    hook = RecordingHook()
    graph = compile_graph(load(name))
    try:
        result = await graph.run(inputs, context=context, hooks=[hook])
    finally:
        graph.close()
    skipped = {e.node_id for e in hook.of_type(NodeSkipped)}
    return result, skipped


async def test_support_triage_answers_with_the_branch_the_classifier_picked():
    model = ScriptedProvider(["billing", "We are sorry: the billing team will check it today."])
    result, skipped = await run_app(
        "support_triage.yaml",
        {"message": "I was charged twice."},
        ExecutionContext(providers={"local": model}),
    )
    assert result.ok, result.error
    assert result.outputs["category"] == "billing"
    assert result.outputs["answer"] == "We are sorry: the billing team will check it today."
    assert skipped == {"technical_reply", "general_reply"}


async def test_research_assistant_uses_a_tool_through_react():
    model = ScriptedProvider(
        [
            'Thought: I need to compute.\nAction: calculator\nAction Input: {"expression": "0.17 * 2340"}',
            "Thought: I now know the final answer\nFinal Answer: 17% of 2,340 is 397.8.",
        ]
    )
    result, skipped = await run_app(
        "research_assistant.yaml",
        {},
        ExecutionContext(providers={"local": model}, tools=default_tool_registry()),
    )
    assert result.ok, result.error
    assert result.outputs["answer"] == "17% of 2,340 is 397.8."
    assert model.requests[1].messages[-1].content.startswith("Observation:")
    assert "397.8" in model.requests[1].messages[-1].content
    assert skipped == {"gave_up"}


async def test_research_assistant_still_answers_when_the_agent_gives_up():
    model = ScriptedProvider(['Action: calculator\nAction Input: {"expression": "1 +"}'])  # never finishes
    result, _ = await run_app(
        "research_assistant.yaml",
        {"question": "What is 1 + ?"},
        ExecutionContext(providers={"local": model}, tools=default_tool_registry()),
    )
    assert result.ok, result.error
    assert result.outputs["answer"].startswith("I could not finish researching this (max_iterations)")


async def test_faq_over_docs_answers_from_the_documents_and_lists_its_sources():
    model = ScriptedProvider(["Create a token with POST /api/tokens/ [1]."])
    retriever = retriever_for(read_folder(str(APPS / "faq_docs")), ["product_docs"])
    result, _ = await run_app(
        "faq_over_docs.yaml",
        {"question": "How do I create an API token?"},
        ExecutionContext(providers={"local": model}, retriever=retriever),
    )
    assert result.ok, result.error
    answer = result.outputs["answer"]
    assert answer.startswith("Create a token with POST /api/tokens/ [1].")
    assert "Sources:\n[1] API tokens" in answer
    prompt = model.requests[0].messages[-1].content
    assert "[1] # API tokens" in prompt and "POST /api/tokens/" in prompt


async def test_batch_summariser_summarises_each_document_in_order():
    model = ScriptedProvider(["Summary one.", "Summary two."])
    result, _ = await run_app(
        "batch_summariser.yaml",
        {"documents": ["First text.", "Second text."], "style": "in five words"},
        ExecutionContext(providers={"local": model}),
    )
    assert result.ok, result.error
    assert result.outputs["summaries"] == ["Summary one.", "Summary two."]
    assert result.outputs["report"] == "1. Summary one.\n2. Summary two.\n"
    assert model.requests[0].messages[0].content == "Summarise the user's text in five words. Output only the summary."


@pytest.mark.parametrize(
    ("event", "severity", "route", "skipped"),
    [
        ("db_down", 9, "page", {"warn_text", "info_text"}),
        ("deploy_failed", 2, "warn", {"page_text", "info_text"}),
        ("deploy_done", 1, "else", {"page_text", "warn_text"}),
    ],
)
async def test_webhook_notifier_routes_by_severity_and_posts_json(event, severity, route, skipped):
    with local_server() as server:
        http = SafeHttpClient(policy=AddressPolicy.from_lists([server.host_port]))
        try:
            result, really_skipped = await run_app(
                "webhook_notifier.yaml",
                {"event": event, "severity": severity, "webhook_url": server.url("/echo")},
                ExecutionContext(http=http, tools=default_tool_registry(http_client=http)),
            )
        finally:
            await http.aclose()
    assert result.ok, result.error
    assert result.outputs["delivered"] is True and result.outputs["status"] == 200
    assert event in result.outputs["message"]
    assert really_skipped == skipped
    assert server.hits == ["/echo"]
