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


def test_a_dify_workflow_is_reported_then_imported(owner):
    report = import_(owner, "customer_support.yml", dry_run=True).json()

    assert report["format"] == "dify" and report["issues"] == [] and report["unmapped"] == []
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
