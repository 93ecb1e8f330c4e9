"""Apps that use library prompts: a draft follows its reference (``name@production``), a run
records the version it ran, a saved or published version pins what its references named then —
a label moved later never changes it — and "republish with latest labels" takes the new ones."""

from __future__ import annotations

import pytest

from builder.flows.graphs import graph_issues, parse_graph
from builder.flows.models import AppVersion
from builder.flows.services import app_create, version_restore
from builder.prompts.services import label_set, prompt_create, version_push
from builder.publishing.services import app_publish, app_republish
from builder.runs.services import run_create
from tests.support.errors import assert_error_shape

pytestmark = pytest.mark.django_db

LOCAL = {"provider": "local", "model": "smollm2-135m-instruct"}


def content(user: str) -> dict:
    return {"messages": [{"role": "system", "template": "Be a {{ role }}."}, {"role": "user", "template": user}],
            "variables": [{"name": "role", "default": "guide"}, {"name": "question"}], "model": LOCAL}


#: Each model node that can use a library prompt: its type, the field holding the link, the rest
#: of its config, and the output the answer node shows.
LINKING_NODES = {
    "prompt": ("prompt", {}, "text"),
    "classifier": ("library_prompt", {"classes": [{"id": "yes", "name": "Yes"}, {"id": "no", "name": "No"}]},
                   "class_name"),
    "agent": ("library_prompt", {}, "text"),
}


def linked_app(member, ref="faq@production", variables=None, node_type="prompt"):
    field, config, output = LINKING_NODES[node_type]
    graph = {
        "inputs": [{"name": "question", "type": "string"}],
        "nodes": [
            {"id": "start", "type": "start"},
            {"id": "llm", "type": node_type,
             "config": {"model": LOCAL, field: {"ref": ref, "variables": variables or {}}, **config}},
            {"id": "answer", "type": "answer", "config": {"template": f"{{{{ llm.{output} }}}}"}},
        ],
        "edges": [{"id": "e1", "source": "start", "target": "llm"},
                  {"id": "e2", "source": "llm", "target": "answer", **({"source_handle": "yes"} if config else {})}],
    }
    return app_create(workspace=member.workspace, name="FAQ", user=member.user, graph=graph)


@pytest.fixture
def faq(owner):
    prompt, _ = prompt_create(workspace=owner.workspace, user=owner.user, name="faq",
                              version=content("Q: {{ question }}"))
    label_set(prompt=prompt, name="production", number=1, user=owner.user)
    return prompt


def llm_config(graph: dict) -> dict:
    return next(n for n in graph["nodes"] if n["id"] == "llm")["config"]


def issues_of(app) -> list[tuple[str, str | None, str | None]]:
    return [(i["code"], i["node_id"], i["field"])
            for i in graph_issues(parse_graph(app.draft), workspace_id=app.workspace_id)]


def test_a_run_of_the_draft_records_the_version_its_reference_names(owner, faq):
    app = linked_app(owner)
    assert issues_of(app) == []

    run = run_create(app=app, user=owner.user, inputs={"question": "Where?"})

    config = llm_config(run.graph)
    assert config["prompt"]["version"] == 1 and config["prompt"]["ref"] == "faq@production"
    assert config["messages"][1]["template"] == "Q: {{ question }}"
    assert config["prompt"]["variables"] == {"question": "{{ inputs.question }}"}  # mapped by name
    assert config["prompt"]["defaults"] == {"role": "guide"}


def test_a_reference_that_does_not_resolve_or_a_variable_without_value_is_an_issue(owner, faq):
    assert issues_of(linked_app(owner, ref="nothing@production")) == [("prompt_not_found", "llm", "prompt")]
    assert issues_of(linked_app(owner, ref="faq@staging")) == [("prompt_label_not_found", "llm", "prompt")]
    version_push(prompt=faq, user=owner.user, content={**content("{{ question }} {{ tone }}"), "variables": [
        {"name": "role", "default": "guide"}, {"name": "question"}, {"name": "tone"}]})
    assert issues_of(linked_app(owner, ref="faq")) == [("prompt_variable_unmapped", "llm", "prompt.variables.tone")]
    assert issues_of(linked_app(owner, ref="faq", variables={"tone": "{{ inputs.nope }}"})) == [
        ("unknown_variable", "llm", "prompt.variables.tone")]


def test_publishing_pins_the_version_and_a_later_label_move_changes_only_the_draft(owner, faq):
    app = linked_app(owner)
    published, _, _ = app_publish(app=app, user=owner.user)
    version_push(prompt=faq, user=owner.user, content=content("Question: {{ question }}"))
    label_set(prompt=faq, name="production", number=2, user=owner.user)

    published.refresh_from_db()
    assert llm_config(published.graph)["prompt"]["version"] == 1
    served = run_create(app=app, user=owner.user, inputs={"question": "x"}, version=published)
    assert llm_config(served.graph)["messages"][1]["template"] == "Q: {{ question }}"  # still v1
    draft_run = run_create(app=app, user=owner.user, inputs={"question": "x"})
    assert llm_config(draft_run.graph)["prompt"]["version"] == 2


@pytest.mark.parametrize("node_type", ["classifier", "agent"])
def test_a_classifier_or_an_agent_follows_and_pins_its_library_prompt_as_the_llm_node_does(owner, faq, node_type):
    assert issues_of(linked_app(owner, ref="nothing", node_type=node_type)) == [
        ("prompt_not_found", "llm", "library_prompt")]
    app = linked_app(owner, node_type=node_type)
    assert issues_of(app) == []
    published, _, _ = app_publish(app=app, user=owner.user)
    version_push(prompt=faq, user=owner.user, content=content("Question: {{ question }}"))
    label_set(prompt=faq, name="production", number=2, user=owner.user)

    served = llm_config(run_create(app=app, user=owner.user, inputs={"question": "x"}, version=published).graph)
    assert served["library_prompt"]["version"] == 1 and served["messages"][1]["template"] == "Q: {{ question }}"
    drafted = llm_config(run_create(app=app, user=owner.user, inputs={"question": "x"}).graph)
    assert drafted["library_prompt"]["version"] == 2
    assert drafted["library_prompt"]["variables"] == {"question": "{{ inputs.question }}"}


def test_republish_takes_the_latest_labels_into_a_new_production_version(owner, faq):
    app = linked_app(owner)
    app_publish(app=app, user=owner.user)
    base = f"/api/workspaces/{owner.workspace.pk}/apps/{app.pk}/publish/"
    assert_error_shape(owner.client.post(base + "republish/"), 409, "prompts_current")
    version_push(prompt=faq, user=owner.user, content=content("Question: {{ question }}"))
    label_set(prompt=faq, name="production", number=2, user=owner.user)

    state = owner.client.get(base).json()
    assert state["prompts"] == [{"node_id": "llm", "ref": "faq@production", "version": 1, "prompt_id": faq.pk,
                                 "prompt_name": "faq", "current": 2, "outdated": True}]
    republished = owner.client.post(base + "republish/")

    assert republished.status_code == 201, republished.json()
    assert republished.json()["production_version"] == 2
    assert republished.json()["prompts"][0]["version"] == 2 and not republished.json()["prompts"][0]["outdated"]
    newest = AppVersion.objects.get(app=app, number=2)
    assert "faq v1 → v2" in newest.message
    assert llm_config(newest.graph)["messages"][1]["template"] == "Question: {{ question }}"


def test_restoring_a_version_makes_the_draft_follow_its_reference_again(owner, faq):
    app = linked_app(owner)
    published, _, _ = app_publish(app=app, user=owner.user)
    version_push(prompt=faq, user=owner.user, content=content("Question: {{ question }}"))
    label_set(prompt=faq, name="production", number=2, user=owner.user)

    app, _ = version_restore(app=app, version=published, user=owner.user)

    assert llm_config(app.draft)["prompt"] == {"ref": "faq@production",
                                               "variables": {"question": "{{ inputs.question }}"}}
    assert llm_config(run_create(app=app, user=owner.user, inputs={"question": "x"}).graph)["prompt"]["version"] == 2


def test_republish_of_an_app_never_published_is_refused(owner, faq):
    app = linked_app(owner)

    with pytest.raises(Exception) as refused:
        app_republish(app=app, user=owner.user)
    assert refused.value.code == "app_not_published"
