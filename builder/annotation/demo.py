"""The demo workspace's score configs and review queue (fixtures/annotation/queues.json), with a
rule that samples 10 % of the published apps' runs. Idempotent: what exists by name is kept."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from builder.accounts.models import User, Workspace
from builder.annotation import services
from builder.annotation.models import AnnotationQueue, ScoreConfig

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "annotation" / "queues.json"


def demo_annotation_load(*, workspace: Workspace, owner: User) -> list[str]:
    """Create the configs and queues the workspace lacks; returns the queues created."""
    spec = json.loads(FIXTURE.read_text())
    configs = {c.name: c for c in ScoreConfig.objects.filter(workspace=workspace)}
    for config in spec["score_configs"]:
        if config["name"] not in configs:
            configs[config["name"]] = services.score_config_create(workspace=workspace, **config)
    created = []
    for queue_spec in spec["queues"]:
        if AnnotationQueue.objects.filter(workspace=workspace, name=queue_spec["name"]).exists():
            continue
        queue = services.queue_create(
            workspace=workspace, user=owner, name=queue_spec["name"], instructions=queue_spec["instructions"],
            score_config_ids=[configs[name].pk for name in queue_spec["score_configs"]],
            required_reviews=queue_spec["required_reviews"], blind=queue_spec["blind"])
        for rule in queue_spec["rules"]:
            queue.rules.create(**rule)
        created.append(queue.name)
    return created
