"""An app version's lineage, gathered from the parts that made it.

Read in the order the closed loop runs backwards: the labels that serve the version and the moves
that put it there (with the experiment each promotion came from), the library prompt versions and
tuned models its graph holds, the fine-tune jobs behind those models, the experiments that compared
the version (or its prompt versions), and the dataset versions they used with the review queues
and production runs their rows came from. Every entry carries the ids the pages link to."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.db.models import Q

from builder.annotation.models import QueueItem, Review, ReviewStatus
from builder.datasets.models import DatasetRow, DatasetVersion
from builder.experiments.models import Variant
from builder.finetune.models import FineTuneJob
from builder.flows.models import AppVersion
from builder.flows.prompt_links import prompt_uses
from builder.prompts.models import PromptLabelMove, PromptVersion
from builder.publishing.models import Label, LabelMove

#: Queue items and runs listed per dataset version (the counts cover all of them).
SAMPLE = 20


def version_lineage(version: AppVersion) -> dict[str, Any]:
    app = version.app
    prompts = _prompts(version)
    tuned = _tuned_models(version)
    experiments = _experiments(version, [p["prompt_version_id"] for p in prompts if p["prompt_version_id"]])
    dataset_ids = [j["dataset"]["version_id"] for j in tuned if j.get("dataset")]
    dataset_ids += [e["dataset"]["version_id"] for e in experiments]
    return {
        "app": {"id": app.pk, "name": app.name},
        "version": {"number": version.number, "kind": version.kind, "message": version.message,
                    "created_by": _username(version.created_by), "created_at": version.created_at},
        "serving": _serving(version),
        "moves": _moves(version),
        "prompts": prompts,
        "models": tuned,
        "experiments": experiments,
        "datasets": _datasets(list(dict.fromkeys(dataset_ids))),
    }


def _username(user) -> str | None:
    return user.username if user is not None else None


def _serving(version: AppVersion) -> list[dict[str, Any]]:
    """The labels serving the version now, with the share of their traffic it gets."""
    serving = []
    for label in Label.objects.filter(app=version.app).prefetch_related("arms__version").order_by("name"):
        arms = {arm.version.number: arm.weight for arm in label.arms.all()}
        if arms.get(version.number):
            serving.append({"label": label.name, "weight": arms[version.number], "split": True})
        elif not arms and label.version_id == version.pk:
            serving.append({"label": label.name, "weight": 100, "split": False})
    return serving


def _moves(version: AppVersion) -> list[dict[str, Any]]:
    """The label moves that pointed a label at the version or gave it a share, oldest first."""
    moves = LabelMove.objects.filter(app=version.app).select_related("moved_by").order_by("moved_at", "pk")
    found = []
    for move in moves:
        shares = {arm.get("version"): arm.get("weight") for arm in move.arms or []}
        to_it = move.to_number == version.number and move.kind not in ("delete", "split_end")
        if move.kind == "split":
            to_it = version.number in shares
        if not to_it:
            continue
        found.append({"label": move.label, "kind": move.kind, "from_version": move.from_number,
                      "to_version": move.to_number, "arms": move.arms if move.kind == "split" else [],
                      "evidence": move.evidence, "moved_by": _username(move.moved_by), "moved_at": move.moved_at})
    return found


def _prompts(version: AppVersion) -> list[dict[str, Any]]:
    """The library prompt versions the graph holds, with where each came from."""
    found = []
    for use in prompt_uses(version.graph, workspace_id=version.app.workspace_id):
        held = None
        if use.prompt_id is not None and use.version is not None:
            held = (PromptVersion.objects.select_related("created_by")
                    .filter(prompt_id=use.prompt_id, number=use.version).first())
        moves = []
        if held is not None:
            moves = [{"label": m.label, "from_version": m.from_number, "evidence": m.evidence,
                      "moved_by": _username(m.moved_by), "moved_at": m.moved_at}
                     for m in PromptLabelMove.objects.filter(prompt_id=use.prompt_id, to_number=use.version)
                     .select_related("moved_by").order_by("moved_at", "pk")]
        found.append({
            "node_id": use.node_id, "ref": use.ref, "prompt_id": use.prompt_id, "prompt_name": use.prompt_name,
            "version": use.version, "prompt_version_id": held.pk if held else None,
            "commit_message": held.commit_message if held else "", "created_by": _username(held.created_by)
            if held else None, "current": use.current, "label_moves": moves,
        })
    return found


def _model_refs(graph: Any, prefix: str = "") -> Iterator[tuple[str, str, str]]:
    """(node id, provider, model) of every model a graph's nodes name, sub-graphs too."""
    nodes = graph.get("nodes") if isinstance(graph, dict) else None
    for node in nodes if isinstance(nodes, list) else []:
        config = node.get("config") if isinstance(node, dict) else None
        if not isinstance(config, dict):
            continue
        node_id = f"{prefix}{node.get('id')}"
        for value in config.values():
            if isinstance(value, dict) and isinstance(value.get("model"), str) and isinstance(
                    value.get("provider"), str):
                yield node_id, value["provider"], value["model"]
        if isinstance(config.get("graph"), dict):
            yield from _model_refs(config["graph"], f"{node_id}/")


def _tuned_models(version: AppVersion) -> list[dict[str, Any]]:
    """The fine-tuned models the graph uses (``base+name``), each with the job that trained it."""
    uses: dict[str, list[str]] = {}
    for node_id, _, model in _model_refs(version.graph):
        if "+" in model:
            uses.setdefault(model, []).append(node_id)
    jobs = {job.model_name: job for job in FineTuneJob.objects.filter(
        workspace_id=version.app.workspace_id, name__in=[m.split("+", 1)[1] for m in uses],
    ).select_related("dataset_version__dataset")}
    found = []
    for model, node_ids in uses.items():
        job = jobs.get(model)
        entry: dict[str, Any] = {"model": model, "node_ids": node_ids, "job": None, "dataset": None}
        if job is not None:
            entry["job"] = {
                "id": job.pk, "name": job.name, "method": job.method, "status": job.status, "source": job.source,
                "epochs": job.epochs, "learning_rate": job.learning_rate, "train_rows": job.train_rows,
                "validation_rows": job.validation_rows,
                "validation_loss": [job.val_losses[0][1], job.val_losses[-1][1]] if job.val_losses else None,
                "evaluation_id": job.evaluation_id,
            }
            if job.dataset_version is not None:
                entry["dataset"] = _dataset_ref(job.dataset_version)
        found.append(entry)
    return found


def _dataset_ref(version: DatasetVersion) -> dict[str, Any]:
    return {"id": version.dataset_id, "name": version.dataset.name, "version": version.number,
            "version_id": version.pk}


def _experiments(version: AppVersion, prompt_version_ids: list[int]) -> list[dict[str, Any]]:
    """The experiments with a variant running the version (or one of its prompt versions)."""
    variants = (Variant.objects.filter(Q(app_version=version) | Q(prompt_version_id__in=prompt_version_ids))
                .select_related("experiment__dataset_version__dataset").order_by("-experiment__created_at", "pk"))
    found: dict[int, dict[str, Any]] = {}
    for variant in variants:
        experiment = variant.experiment
        entry = found.setdefault(experiment.pk, {
            "id": experiment.pk, "name": experiment.name, "status": experiment.status,
            "created_at": experiment.created_at, "dataset": _dataset_ref(experiment.dataset_version),
            "variants": [],
        })
        entry["variants"].append({"id": variant.pk, "name": variant.name,
                                  "runs": "app_version" if variant.app_version_id == version.pk else "prompt_version"})
    return list(found.values())


def _datasets(version_ids: list[int]) -> list[dict[str, Any]]:
    """The dataset versions behind the tuned models and experiments, with their sources: the review
    queues their rows were exported from (items, reviews, reviewers) and the runs they were taken from."""
    versions = {v.pk: v for v in DatasetVersion.objects.filter(pk__in=version_ids).select_related("dataset")}
    found = []
    for version_id in version_ids:
        version = versions.get(version_id)
        if version is None:
            continue
        rows = DatasetRow.objects.filter(version=version)
        item_ids = [i for i in rows.values_list("metadata__item_id", flat=True) if isinstance(i, int)]
        run_ids = list(rows.exclude(source_run=None).values_list("source_run_id", flat=True))
        items = QueueItem.objects.filter(pk__in=item_ids, queue__workspace_id=version.dataset.workspace_id)
        per_queue = Counter(items.values_list("queue_id", "queue__name"))
        reviews = Review.objects.filter(item__in=items, status=ReviewStatus.SUBMITTED)
        found.append({
            **_dataset_ref(version), "rows": version.row_count, "note": version.note, "tags": version.tags,
            "created_by": _username(version.created_by), "created_at": version.created_at,
            "queues": [{"id": queue_id, "name": name, "items": count}
                       for (queue_id, name), count in sorted(per_queue.items())],
            "reviews": reviews.count(),
            "reviewers": sorted(set(reviews.values_list("reviewer__username", flat=True))),
            "source_runs": len(run_ids), "runs_sample": run_ids[:SAMPLE],
        })
    return found
