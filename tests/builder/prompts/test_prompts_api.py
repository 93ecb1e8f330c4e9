"""The prompt library through its API: prompts, immutable versions with their checks, labels with
their audit list and one-click rollback, diffs, references, YAML export and import — each within
one workspace."""

from __future__ import annotations

import pytest
import yaml

from builder.prompts.models import ImmutableVersion, Prompt, PromptLabelMove, PromptVersion
from tests.builder.prompts.support import base, content
from tests.support.errors import assert_error_shape
from tests.support.isolation import Call, assert_isolated

pytestmark = pytest.mark.django_db


def create(member, name="explainer", **version):
    response = member.client.post(base(member), {"name": name, "description": "Explains", "tags": ["edu"],
                                                 "version": content(**version)}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def push(member, prompt_id, **version):
    return member.client.post(f"{base(member)}{prompt_id}/versions/", content(**version), format="json")


def test_a_prompt_with_its_first_version_is_listed_with_its_latest_version(owner):
    created = create(owner)

    assert created["name"] == "explainer" and created["latest_version"] == 1 and created["warnings"] == []
    assert [v["number"] for v in created["versions"]] == [1]
    listed = owner.client.get(base(owner)).json()["results"]
    assert [(p["name"], p["latest_version"], p["version_count"], p["tags"]) for p in listed] == [
        ("explainer", 1, 1, ["edu"])
    ]
    assert owner.client.get(base(owner), {"q": "nothing"}).json()["results"] == []
    assert len(owner.client.get(base(owner), {"tag": "edu"}).json()["results"]) == 1


def test_versions_are_numbered_immutable_and_a_push_without_changes_is_refused(owner):
    prompt = create(owner)
    second = push(owner, prompt["id"], user="Explain {{ topic }} in detail.")
    assert second.status_code == 201 and second.json()["number"] == 2

    again = push(owner, prompt["id"], user="Explain {{ topic }} in detail.")
    assert_error_shape(again, 409, "prompt_unchanged")

    version = PromptVersion.objects.get(prompt_id=prompt["id"], number=1)
    version.messages = []
    with pytest.raises(ImmutableVersion):
        version.save()
    assert PromptVersion.objects.get(pk=version.pk).messages[1]["template"] == "Explain {{ topic }} briefly."


def test_a_template_that_does_not_compile_is_refused_naming_the_message(owner):
    prompt = create(owner)

    response = push(owner, prompt["id"], user="Explain {{ topic ")

    assert_error_shape(response, 400, "template_invalid")
    assert response.json()["error"]["details"]["field"] == "messages.1.template"
    assert PromptVersion.objects.filter(prompt_id=prompt["id"]).count() == 1


def test_variables_used_but_not_declared_or_declared_but_unused_are_warnings(owner):
    prompt = create(owner)

    response = push(owner, prompt["id"], system="Plain.", user="Explain {{ subject }}.")

    assert response.status_code == 201
    assert sorted(w["code"] for w in response.json()["warnings"]) == [
        "undeclared_variable", "unused_variable", "unused_variable"
    ]


def test_a_model_that_is_not_configured_here_is_a_warning(owner):
    response = owner.client.post(base(owner), {"name": "remote", "version": content(provider="nowhere")},
                                 format="json")

    assert response.status_code == 201
    assert [w["code"] for w in response.json()["warnings"]] == ["model_not_configured"]


@pytest.mark.parametrize("body, code", [
    ({"name": "Has Spaces"}, "prompt_name_invalid"),
    ({"name": ""}, "invalid"),
    ({"name": "ok", "tags": "edu"}, "invalid"),
    ({"name": "ok", "version": {"messages": [], "model": {"provider": "local", "model": "m"}}}, "invalid"),
    ({"name": "ok", "version": {**content(), "messages": [{"role": "robot", "template": "x"}]}}, "invalid"),
    ({"name": "ok", "version": {**content(), "variables": [{"name": "9lives"}]}}, "invalid"),
    ({"name": "ok", "version": {**content(), "variables": [{"name": "a"}, {"name": "a"}]}}, "invalid"),
    ({"name": "ok", "version": {**content(), "variables": [{"name": "c", "type": "choice"}]}}, "invalid"),
    ({"name": "ok", "version": content(temperature=3)}, "invalid"),
    ({"name": "ok", "version": content(top_p=0)}, "invalid"),
    ({"name": "ok", "version": content(max_tokens=0)}, "invalid"),
    ({"name": "ok", "version": content(stop="x")}, "invalid"),
    ({"name": "ok", "version": content(seed="x")}, "invalid"),
    ({"name": "ok", "version": {**content(), "model": "gpt"}}, "invalid"),
    ([1, 2], "invalid"),
])
def test_a_bad_field_is_a_400_in_the_error_shape_and_creates_nothing(owner, body, code):
    response = owner.client.post(base(owner), body, format="json")

    assert_error_shape(response, 400, code)
    assert not Prompt.objects.exists()


def test_a_second_prompt_of_the_same_name_is_a_conflict(owner):
    create(owner)

    assert_error_shape(owner.client.post(base(owner), {"name": "explainer"}, format="json"), 409, "prompt_name_taken")


def test_labels_move_are_audited_and_roll_back_in_one_click(owner):
    prompt = create(owner)
    push(owner, prompt["id"], user="v2 {{ topic }}")
    push(owner, prompt["id"], user="v3 {{ topic }}")
    labels = f"{base(owner)}{prompt['id']}/labels/"

    assert owner.client.put(labels + "production/", {"version": 1}, format="json").json()["moved"] == {
        "from": None, "to": 1}
    assert owner.client.put(labels + "production/", {"version": 3}, format="json").json()["moved"] == {
        "from": 1, "to": 3}
    assert_error_shape(owner.client.put(labels + "production/", {"version": 3}, format="json"), 409, "label_unchanged")
    rolled = owner.client.post(labels + "production/rollback/")
    assert rolled.status_code == 200 and rolled.json()["version"] == 1

    moves = owner.client.get(f"{base(owner)}{prompt['id']}/label-moves/").json()["results"]
    assert [(m["label"], m["from_version"], m["to_version"], m["moved_by"]["username"]) for m in moves] == [
        ("production", 3, 1, owner.user.username),
        ("production", 1, 3, owner.user.username),
        ("production", None, 1, owner.user.username),
    ]
    assert_error_shape(owner.client.post(labels + "production/rollback/"), 409, "nothing_to_roll_back")
    detail = owner.client.get(f"{base(owner)}{prompt['id']}/").json()
    assert detail["labels"] == {"production": 1} and detail["latest_version"] == 3


@pytest.mark.parametrize("label, code", [("latest", "label_reserved"), ("Bad Label", "label_invalid")])
def test_latest_and_malformed_labels_cannot_be_set(owner, label, code):
    prompt = create(owner)

    response = owner.client.put(f"{base(owner)}{prompt['id']}/labels/{label}/", {"version": 1}, format="json")

    assert_error_shape(response, 400, code)


def test_a_label_on_a_missing_version_is_a_404_and_deleting_a_label_is_audited(owner):
    prompt = create(owner)
    labels = f"{base(owner)}{prompt['id']}/labels/"

    assert_error_shape(owner.client.put(labels + "staging/", {"version": 9}, format="json"), 404,
                       "prompt_version_not_found")
    owner.client.put(labels + "staging/", {"version": 1}, format="json")
    assert owner.client.delete(labels + "staging/").status_code == 204
    assert list(PromptLabelMove.objects.values_list("from_number", "to_number")) == [(1, None), (None, 1)]


def test_references_resolve_to_the_version_they_name_now(owner):
    prompt = create(owner)
    push(owner, prompt["id"], user="v2 {{ topic }}")
    owner.client.put(f"{base(owner)}{prompt['id']}/labels/production/", {"version": 1}, format="json")

    def resolved(ref):
        return owner.client.get(f"{base(owner)}resolve/", {"ref": ref})

    assert resolved("explainer@production").json()["version"]["number"] == 1
    assert resolved("explainer").json()["version"]["number"] == 2
    assert resolved("explainer@latest").json()["version"]["number"] == 2
    assert resolved("explainer@v1").json()["version"]["number"] == 1
    assert_error_shape(resolved("nothing@production"), 404, "prompt_not_found")
    assert_error_shape(resolved("explainer@v7"), 404, "prompt_version_not_found")
    assert_error_shape(resolved("explainer@staging"), 404, "prompt_label_not_found")


def test_the_diff_pairs_messages_and_lists_changed_parameters(owner):
    prompt = create(owner)
    push(owner, prompt["id"], user="Explain {{ topic }} in detail.", temperature=0.9)

    diff = owner.client.get(f"{base(owner)}{prompt['id']}/diff/", {"from": 1, "to": 2}).json()

    assert [m["changed"] for m in diff["messages"]] == [False, True]
    assert diff["messages"][1]["to"]["template"] == "Explain {{ topic }} in detail."
    assert diff["parameters"] == [{"field": "temperature", "from": 0.2, "to": 0.9}]
    assert_error_shape(owner.client.get(f"{base(owner)}{prompt['id']}/diff/", {"from": "x", "to": 2}), 400,
                       "invalid_filter")


def test_export_and_import_round_trip_versions_and_labels_under_a_free_name(owner):
    prompt = create(owner)
    push(owner, prompt["id"], user="v2 {{ topic }}")
    owner.client.put(f"{base(owner)}{prompt['id']}/labels/production/", {"version": 1}, format="json")

    exported = owner.client.get(f"{base(owner)}{prompt['id']}/export/")
    assert exported["Content-Type"].startswith("application/yaml")
    text = exported.content.decode()
    assert owner.user.username not in text
    imported = owner.client.post(f"{base(owner)}import/", text, content_type="application/yaml")

    assert imported.status_code == 201, imported.json()
    body = imported.json()
    assert body["name"] == "explainer-2" and body["labels"] == {"production": 1} and body["latest_version"] == 2
    original = PromptVersion.objects.filter(prompt_id=prompt["id"]).order_by("number")
    copy = PromptVersion.objects.filter(prompt_id=body["id"]).order_by("number")
    assert [(v.messages, v.variables, v.model) for v in copy] == [(v.messages, v.variables, v.model) for v in original]
    assert yaml.safe_load(text)["format"] == "llmops-prompt/v1"


ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b]\n"


@pytest.mark.parametrize("text", ["not: [valid", "just a string", "format: other/v9\nname: x\nversions: [{}]",
                                  ALIAS_BOMB])
def test_a_file_that_is_not_a_prompt_export_is_refused_and_creates_nothing(owner, text):
    response = owner.client.post(f"{base(owner)}import/", text, content_type="application/yaml")

    assert_error_shape(response, 400, "prompt_file_invalid")
    assert not Prompt.objects.exists()


def test_viewers_read_but_do_not_write_and_annotators_do_neither(member_factory):
    owner = member_factory("owner")
    prompt = create(owner)
    annotator = member_factory("annotator", workspace=owner.workspace)
    assert_error_shape(annotator.client.get(f"{base(annotator)}{prompt['id']}/"), 403, "role_forbidden")
    for role in ("viewer",):
        reader = member_factory(role, workspace=owner.workspace)
        assert reader.client.get(f"{base(reader)}{prompt['id']}/").status_code == 200
        assert_error_shape(push(reader, prompt["id"], user="x {{ topic }}"), 403, "role_forbidden")
        assert_error_shape(reader.client.put(f"{base(reader)}{prompt['id']}/labels/production/", {"version": 1},
                                             format="json"), 403, "role_forbidden")


def test_anonymous_requests_are_refused(owner, client):
    assert client.get(base(owner)).status_code in (401, 403)


def test_another_workspace_gets_404_on_every_route_and_changes_nothing(owner, outsider):
    prompt = create(owner)
    p = f"{base(owner)}{prompt['id']}/"
    calls = [Call("GET", p), Call("PATCH", p, {"name": "x"}), Call("DELETE", p), Call("GET", p + "versions/"),
             Call("POST", p + "versions/", content()), Call("GET", p + "versions/1/"),
             Call("PUT", p + "labels/production/", {"version": 1}), Call("DELETE", p + "labels/production/"),
             Call("POST", p + "labels/production/rollback/"), Call("GET", p + "label-moves/"),
             Call("GET", p + "diff/?from=1&to=1"), Call("GET", p + "export/")]
    assert_isolated(outsider.client, calls, watch=[Prompt.objects.all(), PromptVersion.objects.all()])
    assert_error_shape(outsider.client.get(f"{base(outsider)}resolve/", {"ref": "explainer"}), 404,
                       "prompt_not_found")


def test_a_response_schema_is_kept_with_the_version_and_checked(owner):
    prompt = create(owner)
    schema = {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}

    kept = push(owner, prompt["id"], user="Explain {{ topic }} as JSON.", response_schema=schema)
    refused = push(owner, prompt["id"], user="Explain {{ topic }}!", response_schema={"type": "nope"})

    assert kept.status_code == 201 and kept.json()["model"]["response_schema"] == schema
    assert_error_shape(refused, 400, "invalid")
