"""Thin API views of experiments: list, create (it starts at once), pause, resume, cancel; the
results grid page by page; labels; the summary (ratios, intervals, the task matrix); promote a
variant's prompt version; export. Every member reads and labels; builders create and steer."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.accounts.permissions import WorkspaceScoped
from builder.core.downloads import FileFormatParam
from builder.core.errors import InvalidInput
from builder.core.pagination import Pagination
from builder.core.parsers import CheckedJSONParser
from builder.datasets import selectors as datasets
from builder.experiments import selectors, services
from builder.experiments.models import Cell, CellStatus
from builder.experiments.results import experiment_results, judgement_of, row_disagrees
from runtime.evaluation.evaluators import EVALUATOR_TYPES

WRITE = {"POST": "build", "PATCH": "build", "PUT": "build", "DELETE": "build"}
FILTERS = ("failed", "unlabelled", "disagreements", "evaluator_good_human_bad")


class VariantOutput(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    name = serializers.CharField()
    prompt_version_id = serializers.IntegerField(allow_null=True)
    prompt_id = serializers.IntegerField(source="prompt_version.prompt_id", allow_null=True, default=None)
    prompt_version_number = serializers.IntegerField(source="prompt_version.number", allow_null=True, default=None)
    app_version_id = serializers.IntegerField(allow_null=True)
    app_id = serializers.IntegerField(source="app_version.app_id", allow_null=True, default=None)
    app_version_number = serializers.IntegerField(source="app_version.number", allow_null=True, default=None)
    model = serializers.JSONField(allow_null=True)


class ExperimentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField()
    dataset_id = serializers.IntegerField(source="dataset_version.dataset_id")
    dataset_name = serializers.CharField(source="dataset_version.dataset.name")
    dataset_version = serializers.IntegerField(source="dataset_version.number")
    evaluators = serializers.JSONField()
    primary_evaluator = serializers.CharField()
    concurrency = serializers.IntegerField()
    cells_total = serializers.IntegerField()
    cells_done = serializers.IntegerField()
    cells_failed = serializers.IntegerField()
    job_id = serializers.IntegerField(allow_null=True)
    progress_message = serializers.CharField(source="job.message", default="")
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class ExperimentDetailOutput(ExperimentOutput):
    variants = VariantOutput(many=True, source="variant_rows")


def _detail(experiment) -> dict[str, Any]:
    experiment.variant_rows = list(selectors.variants_of(experiment=experiment))
    return ExperimentDetailOutput(experiment).data


class ExperimentListApi(WorkspaceScoped, APIView):
    """GET: the workspace's experiments, newest first (``?dataset=`` one dataset's). POST: a new
    experiment on a dataset version (default: its latest); it starts at once."""

    capabilities = WRITE
    parser_classes = [CheckedJSONParser]

    class VariantInput(serializers.Serializer):
        name = serializers.CharField(required=False, max_length=200)
        prompt_version_id = serializers.IntegerField(required=False)
        model = serializers.DictField(required=False)
        app_version_id = serializers.IntegerField(required=False)
        app_id = serializers.IntegerField(required=False)
        app_version = serializers.IntegerField(required=False, min_value=1)

    class ExperimentCreateInput(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)
        dataset_id = serializers.IntegerField()
        dataset_version = serializers.IntegerField(required=False, min_value=1)
        variants = serializers.ListField(child=serializers.DictField(), min_length=1)
        evaluators = serializers.ListField(child=serializers.DictField(), required=False, default=list)
        primary_evaluator = serializers.CharField(required=False, allow_blank=True, default="")
        concurrency = serializers.IntegerField(required=False, min_value=1, max_value=64, default=4)
        row_ids = serializers.ListField(
            child=serializers.IntegerField(min_value=1), required=False, allow_empty=False, max_length=10_000,
            help_text="Only these rows of the dataset version (e.g. a fine-tune's held-out rows); default: all.")

    @extend_schema(parameters=[OpenApiParameter("dataset", int)], responses=ExperimentOutput(many=True))
    def get(self, request, workspace_id: int):
        dataset = request.query_params.get("dataset")
        experiments = selectors.experiments_list(
            workspace=self.workspace, dataset_id=int(dataset) if dataset and dataset.isdigit() else None)
        paginator = Pagination()
        page = paginator.paginate_queryset(experiments, request, view=self)
        return paginator.get_paginated_response(ExperimentOutput(page, many=True).data)

    @extend_schema(request=ExperimentCreateInput, responses={201: ExperimentDetailOutput})
    def post(self, request, workspace_id: int):
        data = self.ExperimentCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        for index, variant in enumerate(body["variants"]):
            checked = self.VariantInput(data=variant)
            if not checked.is_valid():
                raise InvalidInput(f"Variant {index + 1} is not valid.", code="variant_invalid",
                                   details={"variant": index, "errors": checked.errors})
        dataset = datasets.dataset_get(workspace=self.workspace, dataset_id=body["dataset_id"])
        version = datasets.version_get(dataset=dataset, number=body.get("dataset_version"))
        experiment = services.experiment_create(
            workspace=self.workspace, user=request.user, name=body["name"], description=body["description"],
            dataset_version=version, variants=body["variants"], evaluators=body["evaluators"],
            primary_evaluator=body["primary_evaluator"], concurrency=body["concurrency"], row_ids=body.get("row_ids"),
        )
        experiment = selectors.experiment_get(workspace=self.workspace, experiment_id=experiment.pk)
        return Response(_detail(experiment), status=status.HTTP_201_CREATED)


class EvaluatorTypesApi(WorkspaceScoped, APIView):
    """The evaluator types an experiment can use, each with one line on what it checks."""

    @extend_schema(responses={200: dict})
    def get(self, request, workspace_id: int):
        return Response({"results": [{"type": t, "description": d} for t, d in EVALUATOR_TYPES.items()]})


class ExperimentDetailApi(WorkspaceScoped, APIView):
    @extend_schema(responses=ExperimentDetailOutput)
    def get(self, request, workspace_id: int, experiment_id: int):
        return Response(_detail(selectors.experiment_get(workspace=self.workspace, experiment_id=experiment_id)))


class ExperimentStepApi(WorkspaceScoped, APIView):
    """POST ``pause/`` (cells not started wait), ``resume/`` or ``cancel/`` (cells not started are
    skipped); 409 ``experiment_state_conflict`` when the experiment is not in a state for it."""

    capabilities = {"POST": "build"}
    parser_classes = [CheckedJSONParser]
    step = ""

    @extend_schema(request=None, responses=ExperimentDetailOutput)
    def post(self, request, workspace_id: int, experiment_id: int):
        experiment = selectors.experiment_get(workspace=self.workspace, experiment_id=experiment_id)
        if self.step == "pause":
            services.experiment_pause(experiment=experiment)
        elif self.step == "resume":
            services.experiment_resume(experiment=experiment, user=request.user)
        else:
            services.experiment_cancel(experiment=experiment)
        return Response(_detail(selectors.experiment_get(workspace=self.workspace, experiment_id=experiment_id)))


def _cell_dict(cell: Cell, user_id: int) -> dict[str, Any]:
    good, disputed, by = judgement_of(cell)
    labels = list(cell.labels.all())
    mine = next((label for label in labels if label.user_id == user_id), None)
    return {
        "id": cell.pk, "variant_id": cell.variant_id, "status": cell.status, "output": cell.output,
        "error_code": cell.error_code, "verdicts": cell.verdicts, "passed": cell.passed,
        "tokens_in": cell.tokens_in, "tokens_out": cell.tokens_out, "cost": cell.cost, "latency_ms": cell.latency_ms,
        "run_id": str(cell.run_id) if cell.run_id else None,
        "labels": [{"user": label.user.username, "good": label.good, "score": label.score,
                    "comment": label.comment} for label in labels],
        "my_label": {"good": mine.good, "score": mine.score, "comment": mine.comment} if mine else None,
        "judgement": {"good": good, "disputed": disputed, "by": by},
    }


def _row_matches(cells: list[Cell], wanted: str, user_id: int) -> bool:
    if wanted == "failed":
        return any(c.status == CellStatus.FAILED or c.passed is False for c in cells)
    if wanted == "unlabelled":
        return any(not any(label.user_id == user_id for label in c.labels.all()) for c in cells)
    if wanted == "disagreements":
        return row_disagrees(cells)
    return any(c.passed is True and any(not label.good for label in c.labels.all()) for c in cells)


class ResultRowsApi(WorkspaceScoped, APIView):
    """The results grid: one row per dataset row (inputs, expected, tags) with one cell per
    variant (output, verdicts, tokens, cost, latency, labels, the caller's label). ``?filter=``
    failed | unlabelled | disagreements | evaluator_good_human_bad; ``?tag=``; paginated."""

    @extend_schema(parameters=[OpenApiParameter("filter", str, enum=list(FILTERS)), OpenApiParameter("tag", str)],
                   responses={200: dict})
    def get(self, request, workspace_id: int, experiment_id: int):
        experiment = selectors.experiment_get(workspace=self.workspace, experiment_id=experiment_id)
        wanted, tag = request.query_params.get("filter", ""), request.query_params.get("tag", "").strip()
        if wanted and wanted not in FILTERS:
            raise InvalidInput(f"filter is one of {', '.join(FILTERS)}.", code="filter_invalid",
                               details={"field": "filter"})
        rows: dict[int, list[Cell]] = {}
        for cell in selectors.cells_of(experiment=experiment):
            rows.setdefault(cell.row_id, []).append(cell)
        grouped = [cells for cells in rows.values() if (not tag or tag in cells[0].row.tags)
                   and (not wanted or _row_matches(cells, wanted, request.user.pk))]
        paginator = Pagination()
        page = paginator.paginate_queryset(grouped, request, view=self)
        return paginator.get_paginated_response([
            {"row": {"id": cells[0].row_id, "position": cells[0].row.position, "inputs": cells[0].row.inputs,
                     "expected": cells[0].row.expected, "tags": cells[0].row.tags},
             "cells": [_cell_dict(c, request.user.pk) for c in cells]}
            for cells in page
        ])


class CellLabelApi(WorkspaceScoped, APIView):
    """PUT: the caller's label of a cell (``good``, optional ``score`` 1–5 and ``comment``);
    DELETE: take it back. Any member may label."""

    parser_classes = [CheckedJSONParser]

    class CellLabelInput(serializers.Serializer):
        good = serializers.BooleanField()
        score = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)
        comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)

    @extend_schema(request=CellLabelInput, responses={200: dict})
    def put(self, request, workspace_id: int, experiment_id: int, cell_id: int):
        experiment = selectors.experiment_get(workspace=self.workspace, experiment_id=experiment_id)
        cell = selectors.cell_get(experiment=experiment, cell_id=cell_id)
        data = self.CellLabelInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.cell_label(cell=cell, user=request.user, **data.validated_data)
        cell = selectors.cells_of(experiment=experiment).get(pk=cell_id)
        return Response(_cell_dict(cell, request.user.pk))

    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id: int, experiment_id: int, cell_id: int):
        experiment = selectors.experiment_get(workspace=self.workspace, experiment_id=experiment_id)
        services.cell_unlabel(cell=selectors.cell_get(experiment=experiment, cell_id=cell_id), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SummaryApi(WorkspaceScoped, APIView):
    """Good-result ratio per variant with n and a 95 % Wilson interval, cost and p50 latency; the
    matrix variant × task with the best variant per task and paired tests against it."""

    @extend_schema(responses={200: dict})
    def get(self, request, workspace_id: int, experiment_id: int):
        experiment = selectors.experiment_get(workspace=self.workspace, experiment_id=experiment_id)
        return Response(experiment_results(experiment=experiment, variants=list(selectors.variants_of(
            experiment=experiment)), cells=list(selectors.cells_of(experiment=experiment))))


class PromoteApi(WorkspaceScoped, APIView):
    """Point a label (default ``production``) at the variant's version: its prompt's label for a
    prompt version, its app's label for an app version. ``share`` (1–99, app versions) splits the
    label instead: it keeps its version and sends that share of its traffic to the variant's."""

    capabilities = {"POST": "build"}
    parser_classes = [CheckedJSONParser]

    class PromoteInput(serializers.Serializer):
        label = serializers.CharField(required=False, default="production", max_length=40)
        share = serializers.IntegerField(required=False, min_value=1, max_value=99,
                                         help_text="Percent of the label's traffic for this version (A/B split).")

    class PromoteOutput(serializers.Serializer):
        target = serializers.ChoiceField(choices=["prompt", "app"])
        prompt_id = serializers.IntegerField(required=False)
        app_id = serializers.IntegerField(required=False)
        label = serializers.CharField()
        version = serializers.IntegerField()
        moved = serializers.DictField(child=serializers.IntegerField(allow_null=True))
        split = serializers.ListField(child=serializers.DictField(), help_text="The split set ([{version, weight}]).")
        standing = serializers.DictField(help_text="Where the variant stood in the experiment: {warn, text}.")

    @extend_schema(request=PromoteInput, responses={200: PromoteOutput})
    def post(self, request, workspace_id: int, experiment_id: int, variant_id: int):
        experiment = selectors.experiment_get(workspace=self.workspace, experiment_id=experiment_id)
        variant = selectors.variant_get(experiment=experiment, variant_id=variant_id)
        data = self.PromoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        promoted = services.variant_promote(variant=variant, label=data.validated_data["label"],
                                            share=data.validated_data.get("share"), user=request.user)
        results = experiment_results(experiment=experiment, variants=list(selectors.variants_of(experiment=experiment)),
                                     cells=list(selectors.cells_of(experiment=experiment)))
        standing = next(v["standing"] for v in results["variants"] if v["id"] == variant.pk)
        return Response({"target": promoted.target, f"{promoted.target}_id": promoted.target_id,
                         "label": promoted.label, "version": promoted.version,
                         "moved": {"from": promoted.previous, "to": promoted.version}, "split": promoted.arms,
                         "standing": standing})


class ExportApi(FileFormatParam, WorkspaceScoped, APIView):
    """The whole experiment: ``?format=json`` (summary, variants, every cell with its labels) or
    ``csv`` (one line per cell)."""

    @extend_schema(parameters=[OpenApiParameter("format", str, enum=["json", "csv"])], responses={200: str})
    def get(self, request, workspace_id: int, experiment_id: int):
        experiment = selectors.experiment_get(workspace=self.workspace, experiment_id=experiment_id)
        variants = list(selectors.variants_of(experiment=experiment))
        cells = list(selectors.cells_of(experiment=experiment))
        names = {v.pk: v.name for v in variants}
        fmt = request.query_params.get("format", "json")
        if fmt == "json":
            body = json.dumps({
                "experiment": _detail(experiment),
                "summary": experiment_results(experiment=experiment, variants=variants, cells=cells),
                "cells": [{**_cell_dict(c, request.user.pk), "row": {"position": c.row.position, "inputs": c.row.inputs,
                                                                     "expected": c.row.expected, "tags": c.row.tags}}
                          for c in cells],
            }, default=str, ensure_ascii=False)
            content_type = "application/json"
        elif fmt == "csv":
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(["row", "tags", "inputs", "expected", "variant", "status", "output", "passed", "good",
                             "labels", "tokens_in", "tokens_out", "cost", "latency_ms"])
            for c in cells:
                good = judgement_of(c)[0]
                writer.writerow([c.row.position, ";".join(c.row.tags), json.dumps(c.row.inputs, ensure_ascii=False),
                                 c.row.expected or "", names[c.variant_id], c.status, c.output or "",
                                 "" if c.passed is None else c.passed, "" if good is None else good,
                                 len(c.labels.all()), c.tokens_in, c.tokens_out, c.cost,
                                 "" if c.latency_ms is None else round(c.latency_ms, 1)])
            body, content_type = out.getvalue(), "text/csv; charset=utf-8"
        else:
            raise InvalidInput("format is json or csv.", code="format_invalid", details={"field": "format"})
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="experiment-{experiment.pk}.{fmt}"'
        return response
