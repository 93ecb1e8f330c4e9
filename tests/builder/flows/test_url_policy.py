"""URLs configured in an app's nodes under the address policy: every write of a graph (draft save,
app import in both formats, version, restore) refuses an HTTP node or a tool whose URL points
inside (400 ``url_not_allowed`` naming the node's field) unless the operator allowlisted the host.
A URL built from variables is left to the check at call time."""

import json
from pathlib import Path

import pytest
import yaml

from builder.flows.models import App, AppVersion

pytestmark = pytest.mark.django_db

DIFY_FIXTURES = Path(__file__).resolve().parents[2] / "runtime" / "interchange" / "fixtures"


def graph_with(node: dict) -> dict:
    """start -> ``node`` -> answer."""
    return {
        "inputs": [{"name": "name", "type": "string"}, {"name": "url", "type": "string"}],
        "nodes": [
            {"id": "start", "type": "start", "title": "Start"},
            node,
            {"id": "answer", "type": "answer", "title": "Answer", "config": {"template": "done"}},
        ],
        "edges": [
            {"id": "e1", "source": "start", "target": node["id"]},
            {"id": "e2", "source": node["id"], "target": "answer"},
        ],
    }


def http_node(url: str, node_id: str = "call") -> dict:
    return {"id": node_id, "type": "http_request", "title": "Call the API", "config": {"method": "GET", "url": url}}


def create_app(member) -> dict:
    return member.client.post(f"/api/workspaces/{member.workspace.pk}/apps/", {"name": "Hooks"}, format="json").json()


def app_url(member, app_id: int, suffix: str = "") -> str:
    return f"/api/workspaces/{member.workspace.pk}/apps/{app_id}/{suffix}"


def save(member, app: dict, graph: dict):
    return member.client.put(app_url(member, app["id"], "draft/"), {"graph": graph, "revision": 1}, format="json")


def import_app(member, content: str, filename: str):
    return member.client.post(f"/api/workspaces/{member.workspace.pk}/apps/import/",
                              {"content": content, "filename": filename}, format="json")


def assert_refused(response, field: str) -> dict:
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["code"] == "url_not_allowed", error
    assert error["details"]["field"] == field
    return error


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://10.0.0.5/items/{{ inputs.name }}",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0x7f000001/",
        "http://localhost:{{ inputs.name }}/",
        "https://metadata.google.internal/computeMetadata/v1/?q={{ inputs.name }}",
    ],
)
def test_saving_an_http_node_that_calls_an_internal_address_is_refused(owner, url):
    app = create_app(owner)

    error = assert_refused(save(owner, app, graph_with(http_node(url))), "nodes.call.config.url")

    assert "blocked by the address policy" in error["message"]
    draft = owner.client.get(app_url(owner, app["id"], "draft/")).json()
    assert draft["revision"] == 1 and "call" not in {n["id"] for n in draft["graph"]["nodes"]}


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://{{ inputs.name }}/report.csv"])
def test_schemes_other_than_http_and_https_are_refused(owner, url):
    error = assert_refused(save(owner, create_app(owner), graph_with(http_node(url))), "nodes.call.config.url")

    assert "use http or https" in error["message"]


@pytest.mark.parametrize(
    "url",
    [
        "https://93.184.216.34/items/{{ inputs.name }}",
        "https://api.nothing-here.invalid/v1/{{ inputs.name }}",
        "{{ inputs.url }}",
        "https://{{ inputs.name }}.example.com/",
    ],
)
def test_public_urls_and_urls_built_from_variables_are_saved_where_internal_ones_are_not(owner, url):
    app = create_app(owner)

    saved = save(owner, app, graph_with(http_node(url)))
    refused = owner.client.put(app_url(owner, app["id"], "draft/"),
                               {"graph": graph_with(http_node("http://10.0.0.5/")), "revision": 2}, format="json")

    assert saved.status_code == 200, saved.json()
    assert saved.json()["graph"]["nodes"][1]["config"]["url"] == url
    assert_refused(refused, "nodes.call.config.url")


def test_a_host_the_operator_allowlisted_is_saved_and_only_that_host(owner, settings):
    settings.LLMOPS_HTTP_ALLOWLIST = ["10.0.0.5"]
    app = create_app(owner)

    saved = save(owner, app, graph_with(http_node("http://10.0.0.5/items/{{ inputs.name }}")))
    refused = owner.client.put(app_url(owner, app["id"], "draft/"),
                               {"graph": graph_with(http_node("http://10.0.0.6/")), "revision": 2}, format="json")

    assert saved.status_code == 200, saved.json()
    assert_refused(refused, "nodes.call.config.url")


def test_a_tools_url_argument_is_checked_too(owner):
    fetch = {"id": "fetch", "type": "tool", "title": "Fetch",
             "config": {"tool": "fetch_web_page", "arguments": {"url": "http://192.168.1.1/admin"}}}

    assert_refused(save(owner, create_app(owner), graph_with(fetch)), "nodes.fetch.config.arguments.url")


def test_an_http_node_inside_an_iteration_is_checked_too(owner):
    each = {"id": "each", "type": "iteration", "title": "Each",
            "config": {"items": "{{ inputs.name }}", "graph": graph_with(http_node("http://10.1.2.3/"))}}

    assert_refused(save(owner, create_app(owner), graph_with(each)), "nodes.each.config.graph.nodes.call.config.url")


def test_importing_an_app_file_with_an_internal_url_is_refused_and_creates_nothing(owner):
    document = {"kind": "llmops-app", "format_version": 1, "app": {"name": "Hooks", "description": ""},
                "graph": graph_with(http_node("http://127.0.0.1:9000/hook", node_id="notify"))}

    response = import_app(owner, json.dumps(document), "hooks.json")

    assert_refused(response, "nodes.notify.config.url")
    assert not App.objects.filter(workspace=owner.workspace).exists()


def test_importing_a_dify_workflow_whose_http_node_calls_cloud_metadata_is_refused(owner):
    document = yaml.safe_load((DIFY_FIXTURES / "order_lookup.yml").read_text())
    for node in document["workflow"]["graph"]["nodes"]:
        if node["data"]["type"] == "http-request":
            node["data"]["url"] = "http://169.254.169.254/latest/{{#1717000000001.order_id#}}"
    content = yaml.safe_dump(document)

    preview = owner.client.post(f"/api/workspaces/{owner.workspace.pk}/apps/import/?dry_run=1",
                                {"content": content, "filename": "order_lookup.yml"}, format="json")
    assert preview.status_code == 400, "the preview says what the import would"
    field = preview.json()["error"]["details"]["field"]
    assert field.startswith("nodes.") and field.endswith(".config.url")

    response = import_app(owner, content, "order_lookup.yml")

    error = assert_refused(response, field)
    assert error["details"]["reason"] == "cloud_metadata"
    assert not App.objects.filter(workspace=owner.workspace).exists()


def test_a_draft_stored_with_an_internal_url_cannot_become_a_version(owner):
    app = create_app(owner)
    App.objects.filter(pk=app["id"]).update(draft=graph_with(http_node("http://10.0.0.5/hook")))

    response = owner.client.post(app_url(owner, app["id"], "versions/"), {"message": "v1"}, format="json")

    assert_refused(response, "nodes.call.config.url")
    assert not AppVersion.objects.filter(app_id=app["id"]).exists()


def test_a_version_stored_with_an_internal_url_is_not_restored(owner):
    app = create_app(owner)
    AppVersion.objects.create(app_id=app["id"], number=1, kind="saved", message="old",
                              graph=graph_with(http_node("http://[::1]:8080/hook")))

    response = owner.client.post(app_url(owner, app["id"], "versions/1/restore/"))

    assert_refused(response, "nodes.call.config.url")
    assert [n["type"] for n in App.objects.get(pk=app["id"]).draft["nodes"]] == ["start", "answer"]
