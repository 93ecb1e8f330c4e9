"""Loads the demo workspace from fixtures/demo (idempotent: a second start changes nothing)."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from builder.accounts.models import Membership, Role, User, Workspace
from builder.accounts.services import workspace_create

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"


@transaction.atomic
def demo_load(*, owner: User) -> Workspace:
    spec = json.loads((DEMO_DIR / "workspace.json").read_text())
    workspace = Workspace.objects.filter(slug=spec["slug"]).first()
    if workspace is None:
        workspace = workspace_create(name=spec["name"], owner=owner)
        if workspace.slug != spec["slug"]:
            workspace.slug = spec["slug"]
            workspace.save(update_fields=["slug"])
    Membership.objects.get_or_create(workspace=workspace, user=owner, defaults={"role": Role.OWNER})
    return workspace
