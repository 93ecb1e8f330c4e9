"""Loads the demo workspace from fixtures/ (idempotent: a second start changes nothing).

fixtures/demo/workspace.json names the workspace; every fixtures/apps/*.yaml becomes an app
(the same files `llmops run` runs), unless the workspace already has an app of that name; so do
the prompts (fixtures/prompts), the datasets (fixtures/datasets/*.jsonl, named after the file)
and the review queue (fixtures/annotation)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction

from builder.accounts.models import Membership, Role, User, Workspace
from builder.accounts.services import workspace_create

logger = logging.getLogger(__name__)
FIXTURES = Path(settings.BASE_DIR) / "fixtures"


@transaction.atomic
def demo_load(*, owner: User) -> Workspace:
    spec = json.loads((FIXTURES / "demo" / "workspace.json").read_text())
    workspace = Workspace.objects.filter(slug=spec["slug"]).first()
    if workspace is None:
        workspace = workspace_create(name=spec["name"], owner=owner)
        if workspace.slug != spec["slug"]:
            workspace.slug = spec["slug"]
            workspace.save(update_fields=["slug"])
    Membership.objects.get_or_create(workspace=workspace, user=owner, defaults={"role": Role.OWNER})
    demo_apps_load(workspace=workspace, owner=owner)
    demo_prompts_load(workspace=workspace, owner=owner)
    demo_datasets_load(workspace=workspace, owner=owner)
    from builder.knowledge.demo import demo_knowledge_load

    demo_knowledge_load(workspace=workspace, owner=owner)
    from builder.annotation.demo import demo_annotation_load

    demo_annotation_load(workspace=workspace, owner=owner)
    return workspace


def demo_apps_load(*, workspace: Workspace, owner: User) -> list[str]:
    """Import the example apps the workspace does not have yet; returns the names imported."""
    from builder.flows.interchange import import_report
    from builder.flows.models import App
    from builder.flows.services import app_create

    imported = []
    for path in sorted((FIXTURES / "apps").glob("*.yaml")):
        report = import_report(content=path.read_text(), filename=path.name, workspace_id=workspace.pk)
        if App.objects.filter(workspace=workspace, name=report.name).exists():
            continue
        app_create(
            workspace=workspace, name=report.name, description=report.description, user=owner, graph=report.graph
        )
        imported.append(report.name)
    return imported


def demo_prompts_load(*, workspace: Workspace, owner: User) -> list[str]:
    """Import the example prompts (with their versions and labels) the workspace does not have yet."""
    from builder.prompts.interchange import parse_prompt_file, prompt_import
    from builder.prompts.models import Prompt

    imported = []
    for path in sorted((FIXTURES / "prompts").glob("*.yaml")):
        text = path.read_text()
        if Prompt.objects.filter(workspace=workspace, name=parse_prompt_file(text)["name"]).exists():
            continue
        prompt, _ = prompt_import(workspace=workspace, user=owner, text=text)
        imported.append(prompt.name)
    return imported


def demo_datasets_load(*, workspace: Workspace, owner: User) -> list[str]:
    """Import the example datasets (version 1 of each) the workspace does not have yet."""
    from builder.datasets.models import Dataset
    from builder.datasets.services import dataset_create
    from runtime.evaluation.rows import file_records, mapping_suggested, rows_mapped

    imported = []
    for path in sorted((FIXTURES / "datasets").glob("*.jsonl")):
        if Dataset.objects.filter(workspace=workspace, name=path.stem).exists():
            continue
        columns, records = file_records(path.read_bytes(), "jsonl")
        dataset_create(workspace=workspace, user=owner, name=path.stem, note=f"Imported {path.name}",
                       description="Example questions to test the support-answer prompt on, tagged by task.",
                       rows=rows_mapped(records, mapping_suggested(columns), columns))
        imported.append(path.stem)
    return imported
