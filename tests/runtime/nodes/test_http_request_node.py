from typing import Any

import pytest

from runtime.context import ExecutionContext
from runtime.errors import GraphInvalid
from runtime.events import NodeInputs, RecordingHook
from runtime.net import AddressPolicy, MappingSecretResolver, SafeHttpClient
from tests.runtime.net.local_server import LocalServer
from tests.runtime.nodes.linear_graph import linear_graph

SECRETS = MappingSecretResolver({"API_KEY": "sk-live-42"})


def context_for(server: LocalServer | None) -> ExecutionContext:
    policy = AddressPolicy.from_lists([server.host_port] if server else [])
    return ExecutionContext(http=SafeHttpClient(policy=policy, secrets=SECRETS))


def http_node(**config: Any) -> dict[str, Any]:
    return {"id": "call", "type": "http_request", "config": config}


ALL_OUTPUTS = {name: f"call.{name}" for name in ("status", "ok", "headers", "body", "json", "url")}


async def test_get_with_templated_url_and_secret_header(server: LocalServer) -> None:
    graph = linear_graph(
        http_node(
            url=f"http://127.0.0.1:{server.port}/echo?q={{{{ inputs.q }}}}",
            headers={"Authorization": "Bearer {{ secrets.API_KEY }}", "X-Query": "{{ inputs.q }}"},
        ),
        inputs={"q": "string"},
        outputs=ALL_OUTPUTS,
    )
    hook = RecordingHook()
    result = await graph.run({"q": "otters"}, context=context_for(server), hooks=[hook])
    assert result.ok, result.error
    out = result.outputs
    assert (out["status"], out["ok"], out["headers"]["content-type"]) == (200, True, "application/json")
    # the trace shows the request as sent, the secret by its name only
    (sent,) = hook.of_type(NodeInputs)
    assert sent.inputs == {
        "method": "GET", "url": f"http://127.0.0.1:{server.port}/echo?q=otters", "body": None,
        "headers": {"Authorization": "Bearer {{ secrets.API_KEY }}", "X-Query": "otters"},
    }
    assert out["json"]["path"] == "/echo?q=otters"
    assert out["json"]["headers"]["authorization"] == "Bearer sk-live-42"
    assert out["json"]["headers"]["x-query"] == "otters"


async def test_post_renders_a_json_body(server: LocalServer) -> None:
    graph = linear_graph(
        http_node(method="POST", url=server.url("/echo"), body='{"name": "{{ inputs.name }}"}'),
        inputs={"name": "string"},
        outputs={"echo": "call.json"},
    )
    result = await graph.run({"name": "Ada"}, context=context_for(server))
    echo = result.outputs["echo"]
    assert (echo["method"], echo["body"]) == ("POST", '{"name": "Ada"}')
    assert echo["headers"]["content-type"] == "application/json"


async def test_upstream_text_cannot_pull_a_secret_into_a_header(server: LocalServer) -> None:
    graph = linear_graph(
        http_node(url=server.url("/echo"), headers={"X-Note": "{{ inputs.note }}"}),
        inputs={"note": "string"},
        outputs={"echo": "call.json"},
    )
    result = await graph.run({"note": "{{ secrets.API_KEY }}"}, context=context_for(server))
    assert result.outputs["echo"]["headers"]["x-note"] == "{{ secrets.API_KEY }}"


async def test_internal_addresses_fail_the_node_with_ssrf_blocked(server: LocalServer) -> None:
    graph = linear_graph(http_node(url=server.url("/ok")), outputs={"status": "call.status"})
    result = await graph.run({}, context=context_for(None))
    assert result.status == "failed"
    assert result.error is not None and result.error["code"] == "ssrf_blocked"


async def test_error_statuses_are_outputs_unless_asked_to_fail(server: LocalServer) -> None:
    lenient = linear_graph(
        http_node(url=server.url("/status?code=404")), outputs={"status": "call.status", "ok": "call.ok"}
    )
    strict = linear_graph(http_node(url=server.url("/status?code=404"), fail_on_error_status=True))
    assert (await lenient.run({}, context=context_for(server))).outputs == {"status": 404, "ok": False}
    failed = await strict.run({}, context=context_for(server))
    assert failed.error is not None and failed.error["code"] == "http_error"


async def test_invalid_json_body_fails_before_sending(server: LocalServer) -> None:
    graph = linear_graph(http_node(method="POST", url=server.url("/echo"), body="{not json"))
    result = await graph.run({}, context=context_for(server))
    assert result.error is not None and result.error["code"] == "invalid_body"


def test_secrets_are_refused_outside_headers() -> None:
    with pytest.raises(GraphInvalid) as caught:
        linear_graph(http_node(url="https://example.com/?key={{ secrets.API_KEY }}"))
    assert [issue.field for issue in caught.value.issues] == ["url"]


async def test_runs_without_an_http_client_fail_clearly() -> None:
    graph = linear_graph(http_node(url="https://example.com/"))
    result = await graph.run({}, context=ExecutionContext())
    assert result.error is not None and result.error["code"] == "no_http"


def test_invalid_header_names_are_config_errors() -> None:
    with pytest.raises(GraphInvalid) as caught:
        linear_graph(http_node(url="https://example.com/", headers={"Bad Header": "x"}))
    assert [issue.field for issue in caught.value.issues] == ["headers.Bad Header"]


@pytest.mark.parametrize(("method", "sent"), [("POST", 1), ("PATCH", 1), ("GET", 3), ("PUT", 3)])
async def test_a_request_that_may_have_reached_the_server_is_retried_only_when_safe_to_repeat(
    server: LocalServer, method: str, sent: int
) -> None:
    # a 500 answer: the server may have acted on the request (a webhook must not fire twice)
    node = http_node(method=method, url=server.url("/status?code=500"), fail_on_error_status=True)
    node["settings"] = {"max_retries": 2, "retry_backoff_s": 0.001}
    graph = linear_graph(node)
    before = len(server.hits)

    result = await graph.run({}, context=context_for(server))

    assert result.error is not None and result.error["code"] == "http_error"
    assert len(server.hits) - before == sent


async def test_a_post_the_server_refused_with_503_is_retried(server: LocalServer) -> None:
    node = http_node(method="POST", url=server.url("/status?code=503"), fail_on_error_status=True)
    node["settings"] = {"max_retries": 2, "retry_backoff_s": 0.001}
    before = len(server.hits)

    await linear_graph(node).run({}, context=context_for(server))

    assert len(server.hits) - before == 3
