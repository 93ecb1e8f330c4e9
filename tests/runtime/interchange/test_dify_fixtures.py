"""Realistic Dify exports convert to graphs that validate, and run the way they ran in Dify."""

from __future__ import annotations

from typing import Any

import pytest

from runtime import GraphSpec, compile_graph, default_registry, validate
from runtime.context import ExecutionContext
from runtime.interchange import DifyImport, dify_yaml_to_graph, is_dify_document, load_dify_yaml
from runtime.memory_retriever import InMemoryRetriever
from runtime.net import AddressPolicy, MappingSecretResolver, SafeHttpClient
from runtime.tools.defaults import default_tool_registry
from tests.runtime.interchange.dify_builders import FIXTURES, fixture_text
from tests.runtime.net.local_server import LocalServer
from tests.runtime.nodes.scripted_provider import ScriptedProvider, says

SUPPORTED = ["customer_support.yml", "order_lookup.yml", "docs_chat.yml"]


def convert(name: str) -> DifyImport:
    return dify_yaml_to_graph(fixture_text(name))


def by_title(result: DifyImport) -> dict[str, dict[str, Any]]:
    return {n["title"]: n for n in result.graph["nodes"]}


def edges_from(result: DifyImport, source: str) -> dict[str, str]:
    return {e["source_handle"]: e["target"] for e in result.graph["edges"] if e["source"] == source}


def issues_of(result: DifyImport) -> list[dict[str, Any]]:
    return [i.to_dict() for i in validate(GraphSpec.from_dict(result.graph), default_registry())]


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.yml")))
def test_every_fixture_is_recognised_as_a_dify_document(name: str) -> None:
    assert is_dify_document(load_dify_yaml(fixture_text(name)))


@pytest.mark.parametrize("name", SUPPORTED)
def test_supported_workflows_convert_without_validation_issues(name: str) -> None:
    result = convert(name)
    assert result.unmapped == []
    assert issues_of(result) == []
    compile_graph(GraphSpec.from_dict(result.graph))  # and the engine accepts them


def test_our_own_graph_specs_are_not_dify_documents() -> None:
    ours = GraphSpec.from_yaml((FIXTURES.parents[3] / "fixtures/apps/support_triage.yaml").read_text())
    assert not is_dify_document(ours.to_dict())
    assert not is_dify_document({"kind": "app", "app": {"mode": "chat"}, "model_config": {}})
    assert not is_dify_document(["kind", "app"])


# --- customer support: start -> classifier -> retrieval/llm branches -> aggregator -> end ----


def test_customer_support_maps_every_node_type_and_keeps_titles_and_positions() -> None:
    result = convert("customer_support.yml")
    nodes = by_title(result)
    assert {title: n["type"] for title, n in nodes.items()} == {
        "Start": "start",
        "Question Classifier": "classifier",
        "Product manual": "retrieval",
        "Technical answer": "prompt",
        "Billing reply": "prompt",
        "General reply": "prompt",
        "Variable Aggregator": "aggregate",
        "End": "end",
    }
    # numeric Dify ids became readable ids, with the mapping kept
    assert result.id_map["1711528802931"] == "technical_answer"
    assert nodes["Product manual"]["position"] == {"x": 688.0, "y": 282.0}
    assert (result.name, result.mode) == ("Customer support triage", "workflow")
    assert result.graph["notes"][0]["text"] == "Manual dataset is refreshed every Monday."


def test_customer_support_declares_the_start_variables_as_app_inputs() -> None:
    inputs = {i["name"]: i for i in convert("customer_support.yml").graph["inputs"]}
    assert inputs["message"]["type"] == "string" and inputs["message"]["required"] is True
    assert inputs["customer_name"]["required"] is False
    assert inputs["message"]["description"] == "Customer message"


def test_classifier_classes_become_handles_wired_to_the_same_targets() -> None:
    result = convert("customer_support.yml")
    classifier = by_title(result)["Question Classifier"]
    config = classifier["config"]
    assert [(c["id"], c["name"]) for c in config["classes"]] == [
        ("billing", "Billing"),
        ("technical_issue", "Technical issue"),
        ("other", "Other"),
    ]
    assert config["query"] == "{{ inputs.message }}"
    assert config["fallback"] == "billing"  # Dify falls back to the first class
    assert config["model"] == {"provider": "openai", "model": "gpt-4o-mini", "temperature": 0.0}
    assert edges_from(result, classifier["id"]) == {
        "billing": "billing_reply",
        "technical_issue": "product_manual",
        "other": "general_reply",
    }


def test_llm_prompt_references_and_context_are_rewritten() -> None:
    nodes = by_title(convert("customer_support.yml"))
    config = nodes["Technical answer"]["config"]
    system, user = config["messages"]
    assert system["role"] == "system"
    assert "{{ product_manual.context }}" in system["template"]  # {{#context#}} -> the retrieval text
    assert "Address the customer as {{ inputs.customer_name }}." in system["template"]
    assert user == {"role": "user", "template": "{{ inputs.message }}"}
    assert config["model"] == {"provider": "openai", "model": "gpt-4o", "temperature": 0.3, "max_tokens": 512}
    assert "{{#" not in str(nodes)


def test_retrieval_settings_and_end_outputs_are_mapped() -> None:
    result = convert("customer_support.yml")
    nodes = by_title(result)
    assert nodes["Product manual"]["config"] == {
        "query": "{{ inputs.message }}",
        "knowledge_base": "8f5c2a8e-2d3b-4f8e-9c1d-6a7b5e4d3c21",
        "top_k": 3,
        "score_threshold": 0.5,
        "mode": "hybrid",
    }
    assert nodes["Variable Aggregator"]["config"]["inputs"] == [
        "billing_reply.text",
        "technical_answer.text",
        "general_reply.text",
    ]
    assert nodes["End"]["config"]["outputs"] == {
        "reply": "variable_aggregator.output",
        "category": "question_classifier.class_name",
    }
    assert [o["name"] for o in result.graph["outputs"]] == ["reply", "category"]


def test_customer_support_warns_about_what_the_user_must_set_up() -> None:
    warnings = "\n".join(convert("customer_support.yml").warnings)
    assert "model provider 'openai' must be configured" in warnings
    assert "gpt-4o-mini, gpt-4o" in warnings
    assert "8f5c2a8e-2d3b-4f8e-9c1d-6a7b5e4d3c21" in warnings and "knowledge base" in warnings
    assert "presence_penalty" in warnings


async def test_customer_support_runs_the_technical_branch_end_to_end() -> None:
    result = convert("customer_support.yml")
    graph = compile_graph(GraphSpec.from_dict(result.graph))
    model = ScriptedProvider(says("Technical issue"), says("Hold the reset button for 10 seconds."))
    retriever = InMemoryRetriever()
    retriever.add_many(
        "8f5c2a8e-2d3b-4f8e-9c1d-6a7b5e4d3c21",
        ["To reset the router hold the reset button for 10 seconds.", "Invoices are sent monthly."],
    )
    run = await graph.run(
        {"message": "How do I reset my router?", "customer_name": "Ada"},
        context=ExecutionContext(providers={"openai": model}, retriever=retriever),
    )
    assert run.ok, run.error
    assert run.outputs == {"reply": "Hold the reset button for 10 seconds.", "category": "Technical issue"}
    system = model.requests[1].messages[0].content
    assert "To reset the router hold the reset button" in system
    assert "Address the customer as Ada." in system


# --- order lookup: if-else with template-transform and http-request ---------------------------


def test_if_else_cases_and_operators_become_branch_cases() -> None:
    result = convert("order_lookup.yml")
    branch = by_title(result)["IF/ELSE"]
    assert branch["type"] == "branch"
    first, second = branch["config"]["cases"]
    assert first["id"] == "true" and first["logical_operator"] == "and"
    assert [(c["variable"], c["operator"], c.get("value")) for c in first["conditions"]] == [
        ("inputs.order_id", "not_empty", None),
        ("inputs.priority", "gte", 3),
        ("inputs.order_id", "regex", r"\A(?![\s\S]*TEST)"),  # not contains
    ]
    assert second["id"] == "case_2" and second["logical_operator"] == "or"  # a UUID case id
    assert [c["operator"] for c in second["conditions"]] == ["regex", "equals"]
    assert edges_from(result, branch["id"]) == {"true": "fetch_order", "case_2": "test_order", "else": "no_lookup"}


def test_http_request_maps_url_params_headers_auth_timeout_and_retries() -> None:
    result = convert("order_lookup.yml")
    http = by_title(result)["Fetch order"]
    assert http["type"] == "http_request"
    assert http["config"] == {
        "method": "GET",
        "url": "{{ inputs.shop_base }}/orders/{{ inputs.order_id }}"
        "?expand=items&channel={{ inputs.channel | urlencode }}",
        "headers": {
            "Accept": "application/json",
            "X-Run": "{{ sys.run_id }}",
            "Authorization": "Bearer {{ secrets.SHOP_TOKEN }}",
        },
        "timeout_s": 25.0,
    }
    assert http["settings"]["max_retries"] == 2
    assert any("secret 'SHOP_TOKEN'" in w for w in result.warnings)
    # the non-secret environment variable became an input with its value as default
    inputs = {i["name"]: i for i in result.graph["inputs"]}
    assert inputs["shop_base"]["default"] == "https://shop.example.com/api"
    assert inputs["priority"] == {
        "name": "priority",
        "type": "number",
        "default": 1,
        "description": "Priority",
        "required": True,
    }
    assert "(one of: web, email)" in inputs["channel"]["description"]


def test_template_transform_binds_its_variables_to_our_references() -> None:
    nodes = by_title(convert("order_lookup.yml"))
    template = nodes["Format order"]["config"]["template"]
    assert template.startswith(
        "{% set status = fetch_order.status %}{% set body = fetch_order.body %}{% set order_id = inputs.order_id %}"
    )
    assert template.endswith(
        "{% if status == 200 %}Order {{ order_id }}: {{ body }}{% else %}Lookup failed ({{ status }}){% endif %}"
    )
    assert nodes["Found"]["config"]["outputs"] == {"message": "format_order.text", "status": "fetch_order.status"}


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ({"order_id": "", "priority": 1}, "No order id was given, or the priority is too low."),
        ({"order_id": "TEST-7", "priority": 1}, "Test order TEST-7 is not looked up."),
        ({"order_id": "B-2", "priority": 1, "channel": "email"}, "Test order B-2 is not looked up."),
    ],
)
async def test_order_lookup_routes_like_dify(inputs: dict[str, Any], expected: str) -> None:
    graph = compile_graph(GraphSpec.from_dict(convert("order_lookup.yml").graph))
    run = await graph.run(inputs)
    assert run.ok, run.error
    assert run.outputs == {"message": expected}


async def test_order_lookup_calls_the_api_with_params_and_the_secret(server: LocalServer) -> None:
    graph = compile_graph(GraphSpec.from_dict(convert("order_lookup.yml").graph))
    client = SafeHttpClient(
        policy=AddressPolicy.from_lists([server.host_port]),
        secrets=MappingSecretResolver({"SHOP_TOKEN": "tok-1"}),
    )
    run = await graph.run(
        {"order_id": "A-1", "priority": 5, "channel": "web", "shop_base": server.url("")},
        context=ExecutionContext(http=client),
    )
    assert run.ok, run.error
    assert "/orders/A-1?expand=items&channel=web" in server.hits
    assert run.outputs == {"message": "Lookup failed (404)", "status": 404}


# --- chatflow: sys.query, answer, memory, tool ------------------------------------------------


def test_chatflow_declares_query_and_rewrites_sys_query() -> None:
    result = convert("docs_chat.yml")
    assert result.mode == "advanced-chat"
    inputs = {i["name"]: i for i in result.graph["inputs"]}
    assert inputs["query"]["required"] is True and inputs["query"]["type"] == "string"
    nodes = by_title(result)
    assert nodes["Knowledge Retrieval"]["config"]["query"] == "{{ inputs.query }}"
    messages = nodes["LLM"]["config"]["messages"]
    assert messages[-1] == {"role": "user", "template": "{{ inputs.query }}"}  # memory's query prompt
    system = messages[0]["template"]
    assert "{{ inputs.product_name }}" in system
    assert "{{ knowledge_retrieval.context }}" in system
    assert "{{ current_time.text }}" in system
    assert '{"answer": "unknown"}' in system  # literal braces survive
    assert nodes["LLM"]["config"]["model"]["provider"] == "anthropic"
    assert (nodes["Answer"]["type"], nodes["Answer"]["config"]) == ("answer", {"template": "{{ llm.text }}"})
    assert nodes["Current Time"]["config"] == {"tool": "current_time", "arguments": {"timezone": "Europe/Paris"}}


def test_chatflow_warns_about_memory_datasets_reranking_and_dropped_tool_parameters() -> None:
    warnings = "\n".join(convert("docs_chat.yml").warnings)
    for expected in (
        "conversation memory is not carried over",
        "it searched 2 datasets",
        "reranking model is not converted",
        "tool parameter 'format'",
        "model provider 'anthropic'",
        "opening statement",
    ):
        assert expected in warnings


async def test_chatflow_answers_from_the_docs() -> None:
    graph = compile_graph(GraphSpec.from_dict(convert("docs_chat.yml").graph))
    model = ScriptedProvider(says("Acme Cloud backs up every night."))
    retriever = InMemoryRetriever()
    retriever.add("1c9d4a55-aaaa-4b2b-9c9c-0e0e0e0e0e01", "Backups run every night at 2am.")
    run = await graph.run(
        {"query": "When do backups run?"},
        context=ExecutionContext(providers={"anthropic": model}, retriever=retriever, tools=default_tool_registry()),
    )
    assert run.ok, run.error
    assert run.outputs == {"answer": "Acme Cloud backs up every night."}
    sent = model.requests[0].messages
    assert "Backups run every night at 2am." in sent[0].content
    assert "Acme Cloud" in sent[0].content  # the environment variable's default
    assert (sent[-1].role, sent[-1].content) == ("user", "When do backups run?")


# --- unsupported nodes ------------------------------------------------------------------------


def test_unsupported_nodes_are_listed_by_title_and_type_never_dropped_silently() -> None:
    result = convert("invoice_extraction.yml")
    assert [(u["title"], u["type"]) for u in result.unmapped] == [
        ("Extract fields", "parameter-extractor"),
        ("Normalise", "code"),
        ("Google Search", "tool"),
    ]
    reasons = {u["title"]: u["reason"] for u in result.unmapped}
    assert "no code node" in reasons["Normalise"]
    assert "google/google_search" in reasons["Google Search"]
    assert {u["id"] for u in result.unmapped} == {"1730000000002", "1730000000003", "1730000000006"}
    titles = {n["title"] for n in result.graph["nodes"]}
    assert titles == {"Start", "Summary", "End"}
    # no edge touches a removed node, and each removal is reported
    ids = {n["id"] for n in result.graph["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in result.graph["edges"])
    removed = [w for w in result.warnings if w.startswith("removed")]
    assert len(removed) == 3 and any("'Normalise'" in w for w in removed)
    # a note marks where each one was on the canvas
    notes = {n["id"]: n for n in result.graph["notes"]}
    assert notes["unmapped_normalise"]["position"] == {"x": 638.0, "y": 250.0}
    assert "Normalise" in notes["unmapped_normalise"]["text"]
    assert any("invoice_pdf" in w and "file input" in w for w in result.warnings)


def test_what_remains_of_an_unsupported_workflow_reports_its_gaps_through_validation() -> None:
    result = convert("invoice_extraction.yml")
    codes = {i["code"] for i in issues_of(result)}
    assert codes == {"unreachable_node", "no_reachable_end", "unknown_variable"}
    summary = by_title(result)["Summary"]
    assert summary["config"]["messages"][1]["template"] == "{{ normalise.result }}"  # shows what it read
