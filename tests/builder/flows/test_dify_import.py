"""Importing a Dify workflow through the API: a report first, unmapped nodes named, then the app."""

from pathlib import Path

import pytest

from builder.flows.models import App

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "runtime" / "interchange" / "fixtures"


def import_(member, name, dry_run):
    content = (FIXTURES / name).read_text()
    query = "?dry_run=1" if dry_run else ""
    return member.client.post(
        f"/api/workspaces/{member.workspace.pk}/apps/import/{query}", {"content": content, "filename": name},
        format="json",
    )


OPENAI = {"kind": "openai_compatible", "name": "openai", "base_url": "https://api.openai.invalid/v1", "models": []}


def test_a_dify_workflow_is_reported_then_imported(owner, settings):
    settings.LLMOPS_MODEL_PROVIDERS = [OPENAI]  # the operator configured the provider the file uses
    report = import_(owner, "customer_support.yml", dry_run=True).json()

    assert report["format"] == "dify" and report["issues"] == [] and report["unmapped"] == []
    assert report["needs_model"] == []
    assert not App.objects.exists()
    created = import_(owner, "customer_support.yml", dry_run=False)
    assert created.status_code == 201
    types = {n["type"] for n in App.objects.get().draft["nodes"]}
    assert {"start", "classifier", "retrieval", "prompt"} <= types


def test_nodes_that_cannot_be_mapped_are_listed_by_name_and_type(owner):
    report = import_(owner, "invoice_extraction.yml", dry_run=True).json()

    unmapped = {(n["type"], n["title"]) for n in report["unmapped"]}
    assert any(kind == "code" for kind, _ in unmapped)
    assert any(kind == "parameter-extractor" for kind, _ in unmapped)


def test_the_report_names_the_nodes_whose_model_is_not_available_and_the_app_opens_with_them_marked(owner):
    report = import_(owner, "customer_support.yml", dry_run=True).json()  # OpenAI models; none configured

    model_nodes = {n["id"]: n for n in report["graph"]["nodes"] if "model" in n["config"]}
    assert len(model_nodes) >= 2
    assert {(n["node_id"], n["title"], n["provider"], n["model"]) for n in report["needs_model"]} == {
        (i, n["title"], "openai", n["config"]["model"]["model"]) for i, n in model_nodes.items()}
    assert report["warnings"][0].startswith(f"{len(model_nodes)} nodes need a model chosen: ")
    assert "ask the operator to configure the provider" in report["warnings"][0]

    created = import_(owner, "customer_support.yml", dry_run=False).json()
    base = f"/api/workspaces/{owner.workspace.pk}/apps/{created['app']['id']}/"
    draft = owner.client.get(base + "draft/").json()
    checked = owner.client.post(base + "validate/", {"graph": draft["graph"]}, format="json").json()

    for issues in (created["report"]["issues"], draft["issues"], checked["issues"]):
        assert {(i["code"], i["node_id"], i["field"], i["severity"]) for i in issues} == {
            ("model_not_configured", node_id, "model", "error") for node_id in model_nodes}
        assert all("ask the operator to configure provider 'openai'" in i["message"] for i in issues)
