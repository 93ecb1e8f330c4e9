"""A column filled by a model: each row's values go through a template (e.g. "Write a question a
{{ role }} would ask about {{ field }}"), a model answers, and the answers become a new input
column — in the dataset's next version, made by a background job that reports its progress."""

from __future__ import annotations

import asyncio
from typing import Any

from django.db import close_old_connections

from builder.core.errors import InvalidInput
from builder.datasets.models import Dataset, DatasetVersion
from builder.datasets.selectors import row_values
from builder.datasets.services import version_create
from builder.execution.context import execution_context
from builder.execution.providers import available_models
from builder.jobs.kinds import Progress, job_kind
from builder.jobs.models import Job
from builder.jobs.services import job_create
from runtime.errors import TemplateError
from runtime.evaluation.rows import Row
from runtime.providers.base import ChatMessage, ChatRequest
from runtime.templates import compile_template

FILL_JOB = "dataset.fill"
CONCURRENCY = 4
DEFAULT_MAX_TOKENS = 200


def fill_start(*, dataset: Dataset, version: DatasetVersion, user, column: str, template: str,
               model: dict[str, Any]) -> Job:
    """Check the request and queue the job: 400 ``column_invalid``, ``template_invalid``,
    ``model_not_configured``."""
    column = column.strip()
    if not column.isidentifier():
        raise InvalidInput("The new column's name is letters, digits and _ (it becomes an input name).",
                           code="column_invalid", details={"field": "column"})
    try:
        compile_template(template, field="template")
    except TemplateError as exc:
        raise InvalidInput(exc.message, code="template_invalid", details={"field": "template"}) from None
    provider, name = str(model.get("provider") or ""), str(model.get("model") or "")
    problem = available_models(workspace_id=dataset.workspace_id).check(provider, name)
    if problem is not None and problem[1] == "error":
        raise InvalidInput(problem[2], code="model_not_configured", details={"field": "model"})
    return job_create(workspace=dataset.workspace, kind=FILL_JOB, created_by=user, input={
        "dataset_id": dataset.pk, "version": version.number, "column": column, "template": template,
        "model": {k: model[k] for k in ("provider", "model", "temperature", "max_tokens") if k in model},
    })


@job_kind(FILL_JOB)
def fill_column(job: Job, progress: Progress) -> dict[str, Any]:
    spec = job.input
    dataset = Dataset.objects.get(pk=spec["dataset_id"])
    version = dataset.versions.get(number=spec["version"])
    rows = row_values(version=version)
    template = compile_template(spec["template"], field="template")
    model = spec["model"]
    provider = execution_context(workspace_id=dataset.workspace_id).providers[model["provider"]]
    close_old_connections()

    async def fill() -> list[str]:
        gate = asyncio.Semaphore(CONCURRENCY)
        done = 0

        async def one(row: Row) -> str:
            nonlocal done
            async with gate:
                request = ChatRequest(model=model["model"], messages=[ChatMessage("user", template.render(row.inputs))],
                                      temperature=model.get("temperature"),
                                      max_tokens=model.get("max_tokens") or DEFAULT_MAX_TOKENS)
                answer = (await provider.chat(request)).text.strip()
            done += 1
            await asyncio.to_thread(_report, progress, done, len(rows))
            return answer

        return await asyncio.gather(*(one(row) for row in rows))

    answers = asyncio.run(fill())
    filled = [Row(inputs={**row.inputs, spec["column"]: answer}, expected=row.expected, tags=row.tags,
                  metadata=row.metadata, source_run_id=row.source_run_id)
              for row, answer in zip(rows, answers, strict=True)]
    note = f"Column {spec['column']} filled by {model['provider']}/{model['model']} (from v{version.number})"
    made = version_create(dataset=dataset, user=job.created_by, rows=filled, mode="replace", note=note)
    return {"dataset_id": dataset.pk, "version": made.number, "rows": len(filled)}


def _report(progress: Progress, done: int, total: int) -> None:
    try:
        if done == total or done % 5 == 0:
            progress(done / total, f"{done} of {total} rows")
    finally:
        close_old_connections()
