"""Details of the Dify converter: operators, references, HTTP, errors, ids, refusals."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from runtime import GraphSpec, compile_graph, default_registry, validate
from runtime.context import ExecutionContext
from runtime.errors import RuntimeFailure
from runtime.interchange import DifyInvalid, dify_to_graph, dify_yaml_to_graph, load_dify_yaml
from runtime.net import AddressPolicy, MappingSecretResolver, SafeHttpClient
from runtime.templates import render
from runtime.tools.defaults import default_tool_registry
from tests.runtime.interchange.dify_builders import answer, dify_doc, end, fixture_text, start, text_var
from tests.runtime.net.local_server import LocalServer


def nodes_by_title(result: Any) -> dict[str, dict[str, Any]]:
    return {n["title"]: n for n in result.graph["nodes"]}


def issues(result: Any) -> list[str]:
    return [f"{i.code}: {i.message}" for i in validate(GraphSpec.from_dict(result.graph), default_registry())]


# --- if-else operators behave like Dify's ------------------------------------------------------


def if_else_doc(operator: str, value: Any, kind: str = "text-input", var_type: str = "string") -> dict[str, Any]:
    condition = {
        "id": "c1",
        "comparison_operator": operator,
        "value": value,
        "varType": var_type,
        "variable_selector": ["1000", "v"],
    }
    return dify_doc(
        [
            start(text_var("v", kind, required=False)),
            {
                "id": "2000",
                "data": {
                    "type": "if-else",
                    "title": "Check",
                    "cases": [{"case_id": "true", "logical_operator": "and", "conditions": [condition]}],
                },
            },
            answer("3000", "yes", "Yes"),
            answer("4000", "no", "No"),
        ],
        [("1000", "2000"), ("2000", "3000", "true"), ("2000", "4000", "false")],
    )


@pytest.mark.parametrize(
    ("operator", "value", "actual", "expected"),
    [
        ("contains", "lo w", "hello world", "yes"),
        ("contains", "xyz", "hello world", "no"),
        ("not contains", "xyz", "hello world", "yes"),
        ("not contains", "world", "hello world", "no"),
        ("start with", "he", "hello", "yes"),
        ("start with", "lo", "hello", "no"),
        ("end with", "llo", "hello", "yes"),
        ("end with", "a.c", "abc", "no"),  # regex characters are literal
        ("is", "hello", "hello", "yes"),
        ("is not", "hello", "hello", "no"),
        ("empty", "", "", "yes"),
        ("not empty", "", "x", "yes"),
        ("in", ["a", "b"], "b", "yes"),
        ("not in", ["a", "b"], "b", "no"),
        ("regex match", "^h.l", "hello", "yes"),
    ],
)
async def test_string_operators(operator: str, value: Any, actual: str, expected: str) -> None:
    result = dify_to_graph(if_else_doc(operator, value))
    assert issues(result) == []
    run = await compile_graph(GraphSpec.from_dict(result.graph)).run({"v": actual})
    assert run.ok, run.error
    assert run.outputs == {"answer": expected}


@pytest.mark.parametrize(
    ("operator", "value", "actual", "expected"),
    [
        ("=", "3", 3, "yes"),
        ("≠", "3", 4, "yes"),
        (">", "2.5", 3, "yes"),
        ("<", "2.5", 3, "no"),
        ("≥", "3", 3, "yes"),
        ("≤", "3", 4, "no"),
    ],
)
async def test_number_operators(operator: str, value: str, actual: float, expected: str) -> None:
    result = dify_to_graph(if_else_doc(operator, value, kind="number", var_type="number"))
    condition = result.graph["nodes"][1]["config"]["cases"][0]["conditions"][0]
    assert isinstance(condition["value"], (int, float))  # "3" -> 3
    run = await compile_graph(GraphSpec.from_dict(result.graph)).run({"v": actual})
    assert run.outputs == {"answer": expected}


def test_an_operator_without_equivalent_leaves_the_node_unmapped_with_its_edges() -> None:
    result = dify_to_graph(if_else_doc("all of", ["a"]))
    assert result.unmapped == [
        {
            "id": "2000",
            "title": "Check",
            "type": "if-else",
            "reason": "the comparison operator 'all of' is not supported",
        }
    ]
    assert result.graph["edges"] == []
    assert any("removed 3 edge(s)" in w and "'Check'" in w for w in result.warnings)


def test_comparing_two_variables_is_refused_rather_than_compared_with_text() -> None:
    result = dify_to_graph(if_else_doc("is", "{{#1000.v#}}"))
    assert result.unmapped[0]["type"] == "if-else"
    assert "compares with a variable" in result.unmapped[0]["reason"]


def test_old_if_else_without_cases_becomes_one_true_case() -> None:
    doc = if_else_doc("is", "x")
    data = doc["workflow"]["graph"]["nodes"][1]["data"]
    data["conditions"] = data.pop("cases")[0]["conditions"]
    data["logical_operator"] = "or"
    result = dify_to_graph(doc)
    branch = nodes_by_title(result)["Check"]
    assert [c["id"] for c in branch["config"]["cases"]] == ["true"]
    assert branch["config"]["cases"][0]["logical_operator"] == "or"
    assert issues(result) == []


# --- references and templates ----------------------------------------------------------------


def test_literal_jinja_syntax_in_dify_text_stays_literal() -> None:
    text = "Use {{name}} or {% raw %} or {# x #} for {{#1000.v#}}"
    result = dify_to_graph(dify_doc([start(text_var("v")), answer("2000", text)], [("1000", "2000")]))
    template = nodes_by_title(result)["Answer"]["config"]["template"]
    assert render(template, {"inputs": {"v": "Ada"}}) == "Use {{name}} or {% raw %} or {# x #} for Ada"
    assert issues(result) == []


def test_sys_conversation_and_env_variables_become_inputs() -> None:
    doc = dify_doc(
        [
            start(),
            answer(
                "2000",
                "{{#sys.query#}} {{#sys.user_id#}} {{#conversation.topic#}} {{#env.greeting#}} "
                "{{#sys.workflow_run_id#}}",
            ),
        ],
        [("1000", "2000")],
        mode="advanced-chat",
        conversation_variables=[{"name": "topic", "value_type": "string", "value": "none", "description": "Topic"}],
        environment_variables=[{"name": "greeting", "value_type": "string", "value": "Hi"}],
    )
    result = dify_to_graph(doc)
    assert nodes_by_title(result)["Answer"]["config"]["template"] == (
        "{{ inputs.query }} {{ inputs.user_id }} {{ inputs.topic }} {{ inputs.greeting }} {{ sys.run_id }}"
    )
    inputs = {i["name"]: i for i in result.graph["inputs"]}
    assert inputs["query"]["required"] is True
    assert inputs["user_id"]["required"] is False
    assert (inputs["topic"]["default"], inputs["greeting"]["default"]) == ("none", "Hi")
    assert any("values do not persist" in w for w in result.warnings)
    assert issues(result) == []


def test_jinja2_prompt_edition_binds_its_variables() -> None:
    llm = {
        "id": "2000",
        "data": {
            "type": "llm",
            "title": "Writer",
            "model": {"provider": "openai", "name": "gpt-4o", "mode": "chat", "completion_params": {}},
            "prompt_config": {"jinja2_variables": [{"variable": "topic", "value_selector": ["1000", "topic"]}]},
            "prompt_template": [
                {"role": "user", "text": "", "edition_type": "jinja2", "jinja2_text": "Write about {{ topic | upper }}"}
            ],
            "context": {"enabled": False, "variable_selector": []},
        },
    }
    result = dify_to_graph(
        dify_doc(
            [start(text_var("topic")), llm, end("3000", text=["2000", "text"])], [("1000", "2000"), ("2000", "3000")]
        )
    )
    template = nodes_by_title(result)["Writer"]["config"]["messages"][0]["template"]
    assert render(template, {"inputs": {"topic": "otters"}}) == "Write about OTTERS"
    assert issues(result) == []


def test_reading_an_output_we_do_not_have_is_kept_and_reported() -> None:
    doc = dify_doc(
        [
            start(text_var("q")),
            {"id": "2000", "data": {"type": "template-transform", "title": "T", "template": "x", "variables": []}},
            end("3000", out=["2000", "files"]),
        ],
        [("1000", "2000"), ("2000", "3000")],
    )
    result = dify_to_graph(doc)
    assert nodes_by_title(result)["End"]["config"]["outputs"] == {"out": "t.files"}
    assert any("reads 'files'" in w for w in result.warnings)
    assert any(i.startswith("unknown_output_field") for i in issues(result))


# --- HTTP ---------------------------------------------------------------------------------------


def http_doc(**data: Any) -> dict[str, Any]:
    node = {
        "id": "2000",
        "data": {
            "type": "http-request",
            "title": "Call",
            "method": "post",
            "url": "http://example.test/echo",
            "headers": "",
            "params": "",
            "authorization": {"type": "no-auth", "config": None},
            **data,
        },
    }
    return dify_doc(
        [start(text_var("name")), node, end("3000", echo=["2000", "body"], code=["2000", "status_code"])],
        [("1000", "2000"), ("2000", "3000")],
    )


def test_json_body_and_custom_api_key_header() -> None:
    result = dify_to_graph(
        http_doc(
            body={"type": "json", "data": [{"type": "text", "key": "", "value": '{"name": "{{#1000.name#}}"}'}]},
            authorization={"type": "api-key", "config": {"type": "custom", "api_key": "sk-123", "header": "X-Api-Key"}},
        )
    )
    config = nodes_by_title(result)["Call"]["config"]
    assert config["body"] == '{"name": "{{ inputs.name }}"}' and config["body_format"] == "json"
    assert config["headers"] == {"X-Api-Key": "{{ secrets.CALL_API_KEY }}"}
    assert "sk-123" not in str(result.graph)  # the key itself never lands in the graph
    assert any("secret 'CALL_API_KEY'" in w for w in result.warnings)
    assert nodes_by_title(result)["End"]["config"]["outputs"] == {"echo": "call.body", "code": "call.status"}
    assert issues(result) == []


def test_old_string_body_and_form_urlencoded_bodies() -> None:
    old = dify_to_graph(http_doc(body={"type": "raw-text", "data": "hi {{#1000.name#}}"}))
    assert nodes_by_title(old)["Call"]["config"]["body"] == "hi {{ inputs.name }}"
    form = dify_to_graph(
        http_doc(
            body={
                "type": "x-www-form-urlencoded",
                "data": [
                    {"type": "text", "key": "who", "value": "{{#1000.name#}}"},
                    {"type": "text", "key": "a b", "value": "1&2"},
                ],
            }
        )
    )
    config = nodes_by_title(form)["Call"]["config"]
    assert config["body"] == "who={{ inputs.name | urlencode }}&a%20b=1%262"
    assert config["headers"]["Content-Type"] == "application/x-www-form-urlencoded"


def test_file_upload_bodies_are_unmapped() -> None:
    result = dify_to_graph(
        http_doc(body={"type": "form-data", "data": [{"type": "file", "key": "f", "file": ["1000", "f"]}]})
    )
    assert result.unmapped[0]["title"] == "Call"
    assert "file uploads" in result.unmapped[0]["reason"]


async def test_converted_http_node_sends_body_and_secret(server: LocalServer) -> None:
    doc = http_doc(
        url=server.url("/echo"),
        body={"type": "json", "data": [{"type": "text", "key": "", "value": '{"name": "{{#1000.name#}}"}'}]},
        authorization={"type": "api-key", "config": {"type": "bearer", "api_key": "ignored"}},
    )
    graph = compile_graph(GraphSpec.from_dict(dify_to_graph(doc).graph))
    client = SafeHttpClient(
        policy=AddressPolicy.from_lists([server.host_port]), secrets=MappingSecretResolver({"CALL_API_KEY": "k-9"})
    )
    run = await graph.run({"name": "Ada"}, context=ExecutionContext(http=client))
    assert run.ok, run.error
    assert run.outputs["code"] == 200
    assert '"body": "{\\"name\\": \\"Ada\\"}"' in run.outputs["echo"]
    assert '"authorization": "Bearer k-9"' in run.outputs["echo"]


# --- settings, tools, iterations, ids ------------------------------------------------------------


def test_retry_and_error_strategies_become_node_settings() -> None:
    call = http_doc()["workflow"]["graph"]["nodes"][1]
    call["data"].update(
        retry_config={"enabled": True, "max_retries": 3, "retry_interval": 2000},
        error_strategy="fail-branch",
    )
    fallback = {"id": "5000", "data": {"type": "answer", "title": "Sorry", "answer": "The API is down."}}
    doc = dify_doc(
        [start(text_var("name")), call, end("3000", code=["2000", "status_code"]), fallback],
        [("1000", "2000"), ("2000", "3000"), ("2000", "5000", "fail-branch")],
    )
    result = dify_to_graph(doc)
    settings = nodes_by_title(result)["Call"]["settings"]
    assert (settings["error_strategy"], settings["max_retries"], settings["retry_backoff_s"]) == ("fail_branch", 3, 2.0)
    assert {(e["source_handle"], e["target"]) for e in result.graph["edges"] if e["source"] == "call"} == {
        ("out", "end"),
        ("fail", "sorry"),
    }
    assert issues(result) == []

    call["data"].update(
        error_strategy="default-value", default_value=[{"key": "status_code", "type": "number", "value": 0}]
    )
    doc["workflow"]["graph"]["edges"].pop()
    settings = nodes_by_title(dify_to_graph(doc))["Call"]["settings"]
    assert settings["error_strategy"] == "default_value"
    assert settings["default_outputs"] == {"status": 0}


async def test_builtin_maths_tool_becomes_our_calculator() -> None:
    tool = {
        "id": "2000",
        "data": {
            "type": "tool",
            "title": "Maths",
            "provider_id": "langgenius/maths/maths",
            "provider_type": "builtin",
            "tool_name": "eval_expression",
            "tool_configurations": {},
            "tool_parameters": {"expression": {"type": "variable", "value": ["1000", "expr"]}},
        },
    }
    doc = dify_doc(
        [start(text_var("expr")), tool, end("3000", value=["2000", "text"])], [("1000", "2000"), ("2000", "3000")]
    )
    result = dify_to_graph(doc)
    assert nodes_by_title(result)["Maths"]["config"] == {
        "tool": "calculator",
        "arguments": {"expression": "{{ inputs.expr }}"},
    }
    run = await compile_graph(GraphSpec.from_dict(result.graph)).run(
        {"expr": "6 * 7"}, context=ExecutionContext(tools=default_tool_registry())
    )
    assert run.ok, run.error
    assert '"result": 42' in run.outputs["value"]


def test_iteration_and_its_children_are_unmapped_together() -> None:
    doc = dify_doc(
        [
            start(text_var("items")),
            {"id": "2000", "data": {"type": "iteration", "title": "Each item", "iterator_selector": ["1000", "items"]}},
            {"id": "2000start", "data": {"type": "iteration-start", "title": "", "isInIteration": True}},
            {"id": "2001", "data": {"type": "llm", "title": "Per item", "isInIteration": True, "iteration_id": "2000"}},
            end("3000", out=["2000", "output"]),
        ],
        [("1000", "2000"), ("2000start", "2001"), ("2000", "3000")],
    )
    result = dify_to_graph(doc)
    unmapped = {u["title"] or u["id"]: u for u in result.unmapped}
    assert set(unmapped) == {"Each item", "2000start", "Per item"}
    assert "inside 'Each item'" in unmapped["Per item"]["reason"]
    assert [n["id"] for n in result.graph["notes"]] == ["unmapped_each_item"]  # one note for the container
    assert {n["title"] for n in result.graph["nodes"]} == {"Start", "End"}


def test_ids_are_valid_readable_and_unique() -> None:
    doc = dify_doc(
        [
            start(text_var("v")),
            answer("1711528708197", "a", "If"),
            answer("1711528708198", "b", "回答"),
            answer("1711528708199", "c", "Reply"),
            answer("1711528708200", "d", "Reply"),
            answer("answer-node", "e", "2nd answer"),
        ],
        [],
    )
    result = dify_to_graph(doc)
    assert [n["id"] for n in result.graph["nodes"]] == [
        "start",
        "if_node",  # a Jinja operator cannot be a node id
        "answer",  # no ASCII in the title: named after its type
        "reply",
        "reply_2",
        "answer_2nd_answer",
    ]
    assert result.id_map["1000"] == "start"


def test_classifier_with_one_class_gets_a_second_so_it_validates() -> None:
    classifier = {
        "id": "2000",
        "data": {
            "type": "question-classifier",
            "title": "Route",
            "model": {"provider": "openai", "name": "gpt-4o-mini", "mode": "chat", "completion_params": {}},
            "query_variable_selector": ["1000", "q"],
            "classes": [{"id": "1", "name": "订单"}],
        },
    }
    doc = dify_doc([start(text_var("q")), classifier, answer("3000", "ok")], [("1000", "2000"), ("2000", "3000", "1")])
    result = dify_to_graph(doc)
    config = nodes_by_title(result)["Route"]["config"]
    assert [c["id"] for c in config["classes"]] == ["class_1", "other"]
    assert result.graph["edges"][1]["source_handle"] == "class_1"
    assert issues(result) == []


# --- refusals ---------------------------------------------------------------------------------

VALID = load_dify_yaml(fixture_text("customer_support.yml"))


def broken(change) -> dict[str, Any]:
    doc = copy.deepcopy(VALID)
    change(doc)
    return doc


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (["not", "a", "mapping"], "not list"),
        ({"kind": "graph", "nodes": []}, "'kind: graph' is not a Dify app export"),
        ({"kind": "app", "app": {"name": "Bot", "mode": "chat"}, "model_config": {}}, "'Bot' is a Dify chat app"),
        ({"kind": "app", "app": {"mode": "agent-chat"}}, "agent-chat app"),
        ({"kind": "app", "app": {"mode": "workflow"}}, "no 'workflow' section"),
        ({"format_version": 1, "nodes": [], "edges": []}, "neither 'kind: app' nor 'app.mode'"),
        (broken(lambda d: d["workflow"].pop("graph")), "'workflow.graph' is missing"),
        (broken(lambda d: d["workflow"]["graph"].update(nodes={})), "must be lists"),
        (broken(lambda d: d["workflow"]["graph"].update(nodes=[])), "has no nodes"),
        (broken(lambda d: d["workflow"]["graph"]["nodes"][1].pop("id")), "nodes[1] has no id"),
        (
            broken(lambda d: d["workflow"]["graph"]["nodes"][2]["data"].pop("type")),
            "nodes[2] (id 1711528768556) has no data.type",
        ),
        (
            broken(lambda d: d["workflow"]["graph"]["nodes"][2].update(id="1711528708197")),
            "'1711528708197' is used twice",
        ),
        (broken(lambda d: d["workflow"]["graph"]["edges"][0].pop("target")), "edges[0] needs a source and a target"),
        (broken(lambda d: d["app"].update(mode="pipeline")), "unknown Dify app mode 'pipeline'"),
    ],
)
def test_malformed_documents_are_refused_with_dify_invalid(doc: Any, message: str) -> None:
    with pytest.raises(DifyInvalid) as caught:
        dify_to_graph(doc)
    assert isinstance(caught.value, RuntimeFailure)
    assert caught.value.code == "dify_invalid"
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kind: app\nworkflow: [unclosed", "not valid YAML (line"),
        ("just a string", "YAML mapping"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_unreadable_files_are_refused_with_dify_invalid(text: str | bytes, message: str) -> None:
    with pytest.raises(DifyInvalid) as caught:
        dify_yaml_to_graph(text)
    assert caught.value.code == "dify_invalid"
    assert message in caught.value.message


def test_edges_to_missing_nodes_are_dropped_with_a_warning() -> None:
    doc = broken(lambda d: d["workflow"]["graph"]["edges"].append({"source": "1711528708197", "target": "999"}))
    result = dify_to_graph(doc)
    assert any("['999']" in w for w in result.warnings)
    assert issues(result) == []


def test_a_list_field_holding_a_scalar_is_refused() -> None:
    doc = broken(lambda d: d["workflow"]["graph"]["nodes"][1]["data"].update(classes=3))
    with pytest.raises(DifyInvalid) as caught:
        dify_to_graph(doc)
    assert caught.value.message == "node 1711528709608 (Question Classifier): 'classes' must be a list, not int"


JUNK = [None, 0, 1.5, "", "x", "{{#", "{{#nope.x#}}", [], {}, [1, 2], {"a": 1}, True, ["sys"]]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, child in items:
        found += _paths(child, (*prefix, key))
    return found


@pytest.mark.parametrize("name", ["customer_support.yml", "order_lookup.yml", "docs_chat.yml"])
def test_damaged_documents_convert_or_are_refused_never_crash(name: str) -> None:
    import random

    original = load_dify_yaml(fixture_text(name))
    paths = _paths(original)
    rng = random.Random(name)
    for _ in range(300):
        doc = copy.deepcopy(original)
        for _ in range(rng.randint(1, 3)):
            path = rng.choice(paths)
            parent = doc
            try:
                for key in path[:-1]:
                    parent = parent[key]
                parent[path[-1]] = copy.deepcopy(rng.choice(JUNK))
            except (KeyError, IndexError, TypeError):
                continue
        try:
            result = dify_to_graph(doc)
        except DifyInvalid as exc:
            assert "not a valid graph spec" not in exc.message  # that would be a converter bug
        else:
            GraphSpec.from_dict(result.graph)
