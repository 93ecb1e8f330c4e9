"""What completed items become: records for CSV/JSONL downloads, and dataset rows (the run's
inputs, the final corrected output as the expected output, the app's name as the row's one task
tag, the messages the model was given in the metadata) for experiments and fine-tuning.

An item without a correction keeps the output the reviewers saw: they read it and left it as it
was, so it stands as the expected output."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from builder.annotation.errors import NothingToExport
from builder.annotation.models import AnnotationQueue, QueueItem
from builder.annotation.selectors import completed_items, final_result, submitted_reviews
from builder.annotation.subjects import subject_input, subject_output, subject_prompt, subject_summary
from builder.datasets.models import Dataset, DatasetVersion
from builder.datasets.services import dataset_create, version_create
from runtime.evaluation.rows import Row


def item_record(item: QueueItem, config_names: dict[str, str]) -> dict[str, Any]:
    final = final_result(item)
    output = subject_output(item)
    subject = subject_summary(item)
    return {
        "item_id": item.pk, "run_id": subject["run_id"], "node_id": item.node_id, "app": subject["app_name"],
        "version": subject["version_number"], "inputs": subject_input(item), "output": output,
        "corrected_output": final["corrected_output"],
        "expected": final["corrected_output"] if final["corrected_output"] is not None else output,
        "scores": {config_names.get(k, k): v for k, v in final["scores"].items()},
        "reviewers": [r.reviewer.username for r in submitted_reviews(item)],
        "comments": [r.comment for r in submitted_reviews(item) if r.comment],
        "adjudicated": final["adjudicated_at"] is not None,
        "queue": item.queue.name,
        "prompt": subject_prompt(item),
        "tags": [subject["app_name"]] if subject["app_name"] else [],  # the task: the matrix groups by it
    }


def queue_records(queue: AnnotationQueue) -> list[dict[str, Any]]:
    names = {str(c.pk): c.name for c in queue.score_configs.all()}
    return [item_record(item, names) for item in completed_items(queue=queue)]


def records_jsonl(records: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in records)


def records_csv(records: list[dict[str, Any]]) -> str:
    """One line per item: the input fields and each score as its own column."""
    inputs = list(dict.fromkeys(k for r in records for k in r["inputs"]))
    scores = list(dict.fromkeys(k for r in records for k in r["scores"]))
    head = ["item_id", "run_id", "app", "version", *inputs, "output", "corrected_output", "expected",
            *[f"score:{name}" for name in scores], "reviewers", "comments", "adjudicated", "tags"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(head)
    for r in records:
        writer.writerow([
            r["item_id"], r["run_id"], r["app"], r["version"], *[_cell(r["inputs"].get(k)) for k in inputs],
            r["output"], r["corrected_output"] or "", r["expected"], *[_cell(r["scores"].get(k)) for k in scores],
            ";".join(r["reviewers"]), " | ".join(r["comments"]), r["adjudicated"], ";".join(r["tags"]),
        ])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def dataset_rows(records: list[dict[str, Any]]) -> list[Row]:
    """A row per record; its metadata keeps the messages the model was given (``prompt``), which
    fine-tuning trains on."""
    return [Row(inputs=r["inputs"] or {"input": ""}, expected=r["expected"], tags=r["tags"],
                metadata={"item_id": r["item_id"], "queue": r["queue"], "scores": r["scores"],
                          "reviewers": r["reviewers"], **({"prompt": r["prompt"]} if r["prompt"] else {})},
                source_run_id=r["run_id"])
            for r in records]


@transaction.atomic
def export_to_dataset(*, queue: AnnotationQueue, user, dataset: Dataset | None = None,
                      name: str = "") -> DatasetVersion:
    """The completed items as the next version of ``dataset`` (appended), or as a new dataset."""
    rows = dataset_rows(queue_records(queue))
    if not rows:
        raise NothingToExport("No item of this queue is completed yet.")
    if dataset is None:
        dataset = dataset_create(workspace=queue.workspace, user=user, name=name or f"{queue.name} (reviewed)",
                                 description=f"Reviewed in the annotation queue {queue.name!r}.", rows=rows)
        version = dataset.versions.order_by("-number").first()
        assert version is not None
        return version
    return version_create(dataset=dataset, user=user, rows=rows, mode="append",
                          note=f"{len(rows)} reviewed items from {queue.name}")
