"""Thin API views of datasets: list, create, rename, delete; versions of rows (given, appended,
from a file, from a parameter grid, from traced runs); rows page by page; export. Every member
reads; builders write."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.accounts.permissions import WorkspaceScoped
from builder.core.downloads import FileFormatParam
from builder.core.errors import InvalidInput
from builder.core.pagination import paginated_response
from builder.core.parsers import CheckedJSONParser
from builder.datasets import filling, grids, selectors, services
from builder.datasets.errors import reading_rows
from builder.runs.models import Run
from runtime.evaluation.rows import (
    ColumnMapping,
    Row,
    file_format,
    file_records,
    mapping_suggested,
    rows_checked,
    rows_csv,
    rows_jsonl,
    rows_mapped,
)

WRITE = {"POST": "build", "PATCH": "build", "PUT": "build", "DELETE": "build"}
PREVIEW_ROWS = 10


class DatasetAuthorOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class DatasetVersionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    note = serializers.CharField()
    row_count = serializers.IntegerField()
    columns = serializers.ListField(child=serializers.CharField())
    tags = serializers.ListField(child=serializers.CharField())
    created_by = DatasetAuthorOutput(allow_null=True)
    created_at = serializers.DateTimeField()


class DatasetRowOutput(serializers.Serializer):
    position = serializers.IntegerField()
    inputs = serializers.JSONField()
    expected = serializers.CharField(allow_null=True)
    tags = serializers.ListField(child=serializers.CharField())
    metadata = serializers.JSONField()
    source_run_id = serializers.UUIDField(allow_null=True)


class DatasetOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    latest_version = serializers.IntegerField(source="latest_number", allow_null=True)
    version_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class DatasetDetailOutput(DatasetOutput):
    versions = DatasetVersionOutput(many=True, source="version_rows")


def _detail(dataset) -> dict[str, Any]:
    dataset.version_rows = list(selectors.versions_of(dataset=dataset))
    return DatasetDetailOutput(dataset).data


class RowInput(serializers.Serializer):
    inputs = serializers.DictField()
    expected = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    metadata = serializers.DictField(required=False)


class GridVariableInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    values = serializers.ListField(child=serializers.JSONField(), min_length=1, max_length=1000)


class GridInput(serializers.Serializer):
    """Each variable's values; every combination (``product``) or a seeded sample of
    ``sample_size``; ``derived`` fields are templates over a row's values; the
    ``task_variable``'s value becomes the row's tag."""

    variables = GridVariableInput(many=True, min_length=1, max_length=20)
    mode = serializers.ChoiceField(choices=["product", "sample"], default="product")
    sample_size = serializers.IntegerField(min_value=1, max_value=50_000, required=False, allow_null=True)
    seed = serializers.IntegerField(default=0)
    derived = serializers.DictField(child=serializers.CharField(max_length=10_000), required=False, default=dict)
    task_variable = serializers.CharField(required=False, allow_null=True, allow_blank=True)


def _rows_of(request_rows: list[dict[str, Any]]) -> list[Row]:
    with reading_rows():
        return rows_checked(request_rows)


class DatasetListApi(WorkspaceScoped, APIView):
    """GET: the workspace's datasets (``?q=`` searches names). POST: a new dataset, with its
    first version when ``rows`` are given."""

    capabilities = WRITE
    parser_classes = [CheckedJSONParser]

    class DatasetCreateInput(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)
        rows = RowInput(many=True, required=False)

    @extend_schema(parameters=[OpenApiParameter("q", str)], responses=DatasetOutput(many=True))
    def get(self, request, workspace_id: int):
        datasets = selectors.datasets_list(workspace=self.workspace, query=request.query_params.get("q", "").strip())
        return paginated_response(self, request, datasets, DatasetOutput)

    @extend_schema(request=DatasetCreateInput, responses={201: DatasetDetailOutput})
    def post(self, request, workspace_id: int):
        data = self.DatasetCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        dataset = services.dataset_create(
            workspace=self.workspace, user=request.user, name=body["name"], description=body["description"],
            rows=_rows_of(request.data.get("rows") or []),
        )
        return Response(_detail(selectors.dataset_get(workspace=self.workspace, dataset_id=dataset.pk)),
                        status=status.HTTP_201_CREATED)


class DatasetDetailApi(WorkspaceScoped, APIView):
    capabilities = WRITE
    parser_classes = [CheckedJSONParser]

    class DatasetUpdateInput(serializers.Serializer):
        name = serializers.CharField(required=False, max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, max_length=10_000)

    @extend_schema(responses=DatasetDetailOutput)
    def get(self, request, workspace_id: int, dataset_id: int):
        return Response(_detail(selectors.dataset_get(workspace=self.workspace, dataset_id=dataset_id)))

    @extend_schema(request=DatasetUpdateInput, responses=DatasetDetailOutput)
    def patch(self, request, workspace_id: int, dataset_id: int):
        dataset = selectors.dataset_get(workspace=self.workspace, dataset_id=dataset_id)
        data = self.DatasetUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.dataset_update(dataset=dataset, **data.validated_data)
        return Response(_detail(selectors.dataset_get(workspace=self.workspace, dataset_id=dataset_id)))

    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id: int, dataset_id: int):
        services.dataset_delete(dataset=selectors.dataset_get(workspace=self.workspace, dataset_id=dataset_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class VersionListApi(WorkspaceScoped, APIView):
    """POST: the dataset's next version from exactly one source — ``rows``, a parameter ``grid``,
    or traced ``run_ids`` (each run's inputs, its answer as the expected output) — replacing the
    rows (``mode: replace``) or appended to the latest version's (``append``)."""

    capabilities = WRITE
    parser_classes = [CheckedJSONParser]

    class DatasetVersionCreateInput(serializers.Serializer):
        mode = serializers.ChoiceField(choices=services.MODES, default="append")
        note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
        rows = RowInput(many=True, required=False)
        grid = GridInput(required=False)
        run_ids = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=10_000)

    @extend_schema(request=DatasetVersionCreateInput, responses={201: DatasetVersionOutput})
    def post(self, request, workspace_id: int, dataset_id: int):
        dataset = selectors.dataset_get(workspace=self.workspace, dataset_id=dataset_id)
        data = self.DatasetVersionCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        sources = [key for key in ("rows", "grid", "run_ids") if key in body]
        if len(sources) != 1:
            raise InvalidInput("Send exactly one of rows, grid or run_ids.", code="rows_source_invalid")
        if "grid" in body:
            rows, note = grids.grid_rows_all(body["grid"]), f"Generated from a grid of {len(body['grid']['variables'])}"
        elif "run_ids" in body:
            runs = list(Run.objects.filter(workspace=self.workspace, pk__in=body["run_ids"]).order_by("created_at"))
            if len(runs) != len(set(body["run_ids"])):
                raise InvalidInput("Some of these runs are not in this workspace.", code="run_not_found", status=404)
            rows, note = services.rows_from_runs(runs), f"Added {len(runs)} traced runs"
        else:
            rows, note = _rows_of(request.data["rows"]), "Rows added"
        version = services.version_create(dataset=dataset, user=request.user, rows=rows, mode=body["mode"],
                                          note=body["note"] or note)
        return Response(DatasetVersionOutput(version).data, status=status.HTTP_201_CREATED)


class VersionDetailApi(WorkspaceScoped, APIView):
    @extend_schema(responses=DatasetVersionOutput)
    def get(self, request, workspace_id: int, dataset_id: int, number: int):
        dataset = selectors.dataset_get(workspace=self.workspace, dataset_id=dataset_id)
        return Response(DatasetVersionOutput(selectors.version_get(dataset=dataset, number=number)).data)


class RowListApi(WorkspaceScoped, APIView):
    """One page of a version's rows, in order (``?tag=`` keeps one task's)."""

    @extend_schema(parameters=[OpenApiParameter("tag", str)], responses=DatasetRowOutput(many=True))
    def get(self, request, workspace_id: int, dataset_id: int, number: int):
        dataset = selectors.dataset_get(workspace=self.workspace, dataset_id=dataset_id)
        version = selectors.version_get(dataset=dataset, number=number)
        rows = selectors.rows_of(version=version, tag=request.query_params.get("tag", "").strip())
        return paginated_response(self, request, rows, DatasetRowOutput)


class ExportApi(FileFormatParam, WorkspaceScoped, APIView):
    """A version's rows as a file: ``?format=csv`` (input columns, expected, tags joined by ``;``)
    or ``jsonl`` (one ``{inputs, expected, tags, metadata}`` per line)."""

    @extend_schema(parameters=[OpenApiParameter("format", str, enum=["csv", "jsonl"])], responses={200: str})
    def get(self, request, workspace_id: int, dataset_id: int, number: int):
        dataset = selectors.dataset_get(workspace=self.workspace, dataset_id=dataset_id)
        version = selectors.version_get(dataset=dataset, number=number)
        fmt = request.query_params.get("format", "csv")
        rows = selectors.row_values(version=version)
        if fmt == "csv":
            body, content_type = rows_csv(rows, version.columns), "text/csv; charset=utf-8"
        elif fmt == "jsonl":
            body, content_type = rows_jsonl(rows), "application/jsonl; charset=utf-8"
        else:
            raise InvalidInput("format is csv or jsonl.", code="format_invalid", details={"field": "format"})
        response = HttpResponse(body, content_type=content_type)
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in dataset.name)[:60] or "dataset"
        response["Content-Disposition"] = f'attachment; filename="{safe}-v{version.number}.{fmt}"'
        return response


class FileApi(WorkspaceScoped, APIView):
    """POST a multipart ``file`` (.csv, .jsonl, .xlsx). With ``preview=true``: its columns, the
    suggested mapping (which columns are inputs, which the expected output, which the tags), the
    row count and the first rows as they would be stored — nothing is written. Otherwise: a new
    version from it with ``mapping`` (JSON; default: the suggested one) and ``mode``."""

    capabilities = {"POST": "build"}
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}, "mapping": {"type": "string"},
        "mode": {"type": "string"}, "preview": {"type": "boolean"}}}}, responses={201: DatasetVersionOutput})
    def post(self, request, workspace_id: int, dataset_id: int):
        dataset = selectors.dataset_get(workspace=self.workspace, dataset_id=dataset_id)
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput("Send the file as a multipart 'file'.", code="file_invalid")
        with reading_rows():
            columns, records = file_records(upload.read(), file_format(upload.name or ""))
            mapping = _mapping(request.data.get("mapping"), columns)
            rows = rows_mapped(records, mapping, columns)
        if str(request.data.get("preview", "")).lower() in ("1", "true", "yes"):
            return Response({
                "columns": columns, "mapping": {"inputs": mapping.inputs, "expected": mapping.expected,
                                                "tags": mapping.tags},
                "row_count": len(rows), "rows": [r.to_dict() for r in rows[:PREVIEW_ROWS]],
            })
        mode = str(request.data.get("mode") or "append")
        version = services.version_create(dataset=dataset, user=request.user, rows=rows, mode=mode,
                                          note=f"Imported {upload.name}"[:500])
        return Response(DatasetVersionOutput(version).data, status=status.HTTP_201_CREATED)


def _mapping(raw: Any, columns: list[str]) -> ColumnMapping:
    if raw in (None, ""):
        return mapping_suggested(columns)
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
        return ColumnMapping(inputs=[str(c) for c in value["inputs"]], expected=value.get("expected") or None,
                             tags=value.get("tags") or None)
    except (ValueError, TypeError, KeyError):
        raise InvalidInput('mapping is JSON: {"inputs": [columns], "expected": column, "tags": column}.',
                           code="file_invalid", details={"field": "mapping"}) from None


class GridPreviewApi(WorkspaceScoped, APIView):
    """How many rows a parameter grid makes and the first ones — before anything is created."""

    capabilities = {"POST": "build"}
    parser_classes = [CheckedJSONParser]

    @extend_schema(request=GridInput, responses={200: dict})
    def post(self, request, workspace_id: int):
        data = GridInput(data=request.data)
        data.is_valid(raise_exception=True)
        count, rows = grids.grid_preview(data.validated_data, limit=PREVIEW_ROWS)
        return Response({"row_count": count, "rows": [r.to_dict() for r in rows]})


class FillApi(WorkspaceScoped, APIView):
    """Fill a new input column with a model: ``template`` (over each row's values) is the message,
    the answers become the column ``column`` in the dataset's next version, made by a background
    job (202 with the job: follow its progress under /jobs/)."""

    capabilities = {"POST": "build"}
    parser_classes = [CheckedJSONParser]

    class FillInput(serializers.Serializer):
        column = serializers.CharField(max_length=100)
        template = serializers.CharField(max_length=20_000)
        model = serializers.DictField()
        version = serializers.IntegerField(required=False, min_value=1)

    @extend_schema(request=FillInput, responses={202: dict})
    def post(self, request, workspace_id: int, dataset_id: int):
        dataset = selectors.dataset_get(workspace=self.workspace, dataset_id=dataset_id)
        data = self.FillInput(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        version = selectors.version_get(dataset=dataset, number=body.get("version"))
        job = filling.fill_start(dataset=dataset, version=version, user=request.user, column=body["column"],
                                 template=body["template"], model=body["model"])
        return Response({"job": {"id": job.pk, "kind": job.kind, "status": job.status}},
                        status=status.HTTP_202_ACCEPTED)
