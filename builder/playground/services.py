"""Writes of the playground: start a group of column runs (or one column again) for a prompt
version or a draft prompt, queued for one worker task that runs them side by side."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from builder.flows.errors import GraphMalformed
from builder.flows.graphs import graph_issues, parse_graph
from builder.playground.errors import ModelNotConfigured, NoColumns, PromptInvalid, TemplateInvalid, TooManyColumns
from builder.runs.errors import InputsInvalid
from builder.runs.models import Run, RunSource
from runtime.errors import InputInvalid
from runtime.prompt_graph import prompt_graph

MAX_COLUMNS = 4


@dataclass(frozen=True, slots=True)
class PlaygroundPrompt:
    """What the columns run: a library version's content, or a draft's."""

    ref: str
    version: int | None
    messages: list[dict[str, Any]]
    variables: list[dict[str, Any]]
    prompt_version_id: int | None = None

    @classmethod
    def of_version(cls, version: Any) -> PlaygroundPrompt:
        return cls(
            ref=f"{version.prompt.name}@v{version.number}", version=version.number,
            messages=list(version.messages), variables=list(version.variables), prompt_version_id=version.pk,
        )

    @classmethod
    def draft(cls, messages: list[dict[str, Any]], variables: list[dict[str, Any]]) -> PlaygroundPrompt:
        return cls(ref="draft", version=None, messages=messages, variables=variables)


def playground_start(
    *, workspace, user, prompt: PlaygroundPrompt, values: dict[str, Any], columns: list[dict[str, Any]],
    group_id: uuid.UUID | None = None, first_index: int = 0,
) -> tuple[uuid.UUID, list[Run]]:
    """Queue one run per column (``columns``: model configurations, at most four) on ``values``;
    a worker runs them together after commit. With ``group_id`` the runs join an earlier group
    (re-running one column: ``first_index`` is its place).

    Every column is checked before any run is created: 400 ``no_columns`` / ``too_many_columns``,
    ``model_not_configured`` (``details.column``), ``template_invalid`` (``details.field``),
    ``inputs_invalid``."""
    if not columns:
        raise NoColumns("Add a model column to run the prompt on.")
    if first_index + len(columns) > MAX_COLUMNS:
        raise TooManyColumns(f"The playground compares at most {MAX_COLUMNS} model configurations at once.")
    graphs = [_checked_graph(workspace.pk, prompt, column, first_index + i) for i, column in enumerate(columns)]
    try:
        inputs = parse_graph(graphs[0]).prepare_inputs(values)
    except InputInvalid as exc:
        raise InputsInvalid.of(exc) from None
    group = group_id or uuid.uuid4()
    with transaction.atomic():
        runs = [
            Run.objects.create(
                workspace=workspace, app=None, graph=graph, inputs=inputs, source=RunSource.PLAYGROUND,
                group_id=group, group_index=first_index + i, prompt_version_id=prompt.prompt_version_id,
                created_by=user,
            )
            for i, graph in enumerate(graphs)
        ]
        from builder.playground.tasks import playground_execute_task

        ids = [str(run.pk) for run in runs]
        transaction.on_commit(lambda: playground_execute_task.delay(ids))
    return group, runs


def _checked_graph(workspace_id: int, prompt: PlaygroundPrompt, column: dict[str, Any], index: int) -> dict[str, Any]:
    graph = prompt_graph(ref=prompt.ref, version=prompt.version, messages=prompt.messages,
                         variables=prompt.variables, model=column)
    try:
        spec = parse_graph(graph)
    except GraphMalformed as exc:
        raise PromptInvalid(
            f"Column {index + 1}: {exc.message}", details={"column": index, "problems": exc.details}
        ) from None
    errors = [i for i in graph_issues(spec, workspace_id=workspace_id, resolve=False) if i["severity"] == "error"]
    for issue in errors:
        field = str(issue.get("field") or "")
        if field.startswith("model") and issue["code"] in ("model_not_configured", "required"):
            raise ModelNotConfigured(
                f"Column {index + 1}: {issue['message']}", details={"column": index, "field": field}
            )
        if field.startswith("messages"):
            raise TemplateInvalid(issue["message"], details={"column": index, "field": field, "code": issue["code"]})
    if errors:
        raise PromptInvalid(
            f"Column {index + 1}: {errors[0]['message']}", details={"column": index, "issues": errors}
        )
    return spec.to_dict()
