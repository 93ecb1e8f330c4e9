"""Thin API views of apps: list/create, detail, duplicate, draft (optimistic locking), validate,
versions, restore, diff."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.accounts.permissions import WorkspaceScoped
from builder.core.downloads import FileFormatParam
from builder.core.pagination import paginated_response
from builder.flows import selectors, services
from builder.flows.graphs import graph_issues, parse_graph
from runtime.diff import diff_graphs


class LiveLabelOutput(serializers.Serializer):
    name = serializers.CharField()
    version = serializers.IntegerField()


class LiveOutput(serializers.Serializer):
    """What of an app is live: its labels (``production`` → its version, and any others), whether
    its endpoint is on and whether the draft differs from the production version."""

    labels = LiveLabelOutput(many=True)
    endpoint_enabled = serializers.BooleanField()
    draft_changed = serializers.BooleanField()


class AppOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField()
    status = serializers.SerializerMethodField()
    live = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    updated_by = serializers.CharField(source="draft_updated_by.username", default=None)
    latest_version = serializers.IntegerField(default=None)
    node_count = serializers.SerializerMethodField()

    def get_status(self, app) -> str:
        """``published`` once a production version exists (even with the endpoint off), else ``draft``."""
        return "published" if getattr(app, "live_labels", None) else "draft"

    @extend_schema_field(LiveOutput(allow_null=True))
    def get_live(self, app) -> dict | None:
        """None while the app was never published (see ``selectors.apps_annotation_register``)."""
        labels = getattr(app, "live_labels", None)
        if not labels:
            return None
        return LiveOutput({
            "labels": labels, "endpoint_enabled": bool(getattr(app, "endpoint_enabled", False)),
            "draft_changed": bool(getattr(app, "draft_changed", False)),
        }).data

    def get_node_count(self, app) -> int:
        return len(app.draft.get("nodes", []))


class DraftOutput(serializers.Serializer):
    graph = serializers.JSONField(source="draft")
    revision = serializers.IntegerField(source="draft_revision")
    updated_at = serializers.DateTimeField(source="draft_updated_at")
    updated_by = serializers.CharField(source="draft_updated_by.username", default=None)


class VersionOutput(serializers.Serializer):
    number = serializers.IntegerField()
    kind = serializers.CharField()
    message = serializers.CharField()
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(source="created_by.username", default=None)


class VersionDetailOutput(VersionOutput):
    graph = serializers.JSONField()


def _app_body(app) -> dict:
    return AppOutput(selectors.app_get(workspace=app.workspace, app_id=app.pk)).data


def _draft_body(app, issues=None) -> dict:
    body = dict(DraftOutput(app).data)
    if issues is None:
        issues = graph_issues(parse_graph(app.draft), workspace_id=app.workspace_id)
    body["issues"] = issues
    return body


class AppListApi(WorkspaceScoped, APIView):
    capabilities = {"POST": "build"}

    class AppCreateInput(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        graph = serializers.JSONField(required=False, help_text="The first draft (default: Start → Answer).")

    @extend_schema(
        parameters=[OpenApiParameter("search", str, required=False)], responses=AppOutput(many=True)
    )
    def get(self, request, workspace_id: int):
        apps = selectors.apps_of(workspace=self.workspace, search=request.query_params.get("search", ""))
        return paginated_response(self, request, apps, AppOutput)

    @extend_schema(request=AppCreateInput, responses={201: AppOutput})
    def post(self, request, workspace_id: int):
        data = self.AppCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        app = services.app_create(workspace=self.workspace, user=request.user, **data.validated_data)
        return Response(_app_body(app), status=status.HTTP_201_CREATED)


class AppDetailApi(WorkspaceScoped, APIView):
    capabilities = {"PATCH": "build", "DELETE": "build"}

    class AppUpdateInput(serializers.Serializer):
        name = serializers.CharField(max_length=120, required=False)
        description = serializers.CharField(required=False, allow_blank=True)

    @extend_schema(responses=AppOutput)
    def get(self, request, workspace_id: int, app_id: int):
        return Response(AppOutput(selectors.app_get(workspace=self.workspace, app_id=app_id)).data)

    @extend_schema(request=AppUpdateInput, responses=AppOutput)
    def patch(self, request, workspace_id: int, app_id: int):
        app = selectors.app_get(workspace=self.workspace, app_id=app_id)
        data = self.AppUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.app_update(app=app, **data.validated_data)
        return Response(_app_body(app))

    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id: int, app_id: int):
        services.app_delete(app=selectors.app_get(workspace=self.workspace, app_id=app_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AppDuplicateApi(WorkspaceScoped, APIView):
    capabilities = {"POST": "build"}

    @extend_schema(request=None, responses={201: AppOutput})
    def post(self, request, workspace_id: int, app_id: int):
        app = selectors.app_get(workspace=self.workspace, app_id=app_id)
        copy = services.app_duplicate(app=app, user=request.user)
        return Response(_app_body(copy), status=status.HTTP_201_CREATED)


class DraftApi(WorkspaceScoped, APIView):
    capabilities = {"PUT": "build"}

    class DraftSaveInput(serializers.Serializer):
        graph = serializers.JSONField()
        revision = serializers.IntegerField(min_value=1)

    @extend_schema(responses=DraftOutput)
    def get(self, request, workspace_id: int, app_id: int):
        return Response(_draft_body(selectors.app_get(workspace=self.workspace, app_id=app_id)))

    @extend_schema(request=DraftSaveInput, responses=DraftOutput)
    def put(self, request, workspace_id: int, app_id: int):
        app = selectors.app_get(workspace=self.workspace, app_id=app_id)
        data = self.DraftSaveInput(data=request.data)
        data.is_valid(raise_exception=True)
        app, issues = services.draft_save(app=app, user=request.user, **data.validated_data)
        return Response(_draft_body(app, issues))


class ValidateApi(WorkspaceScoped, APIView):
    class GraphInput(serializers.Serializer):
        graph = serializers.JSONField()

    @extend_schema(request=GraphInput, responses={200: None})
    def post(self, request, workspace_id: int, app_id: int):
        selectors.app_get(workspace=self.workspace, app_id=app_id)
        data = self.GraphInput(data=request.data)
        data.is_valid(raise_exception=True)
        spec = parse_graph(data.validated_data["graph"])
        return Response({"issues": graph_issues(spec, workspace_id=self.workspace.pk)})


class VersionListApi(WorkspaceScoped, APIView):
    capabilities = {"POST": "build"}

    class VersionCreateInput(serializers.Serializer):
        message = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    @extend_schema(responses=VersionOutput(many=True))
    def get(self, request, workspace_id: int, app_id: int):
        app = selectors.app_get(workspace=self.workspace, app_id=app_id)
        return paginated_response(self, request, selectors.versions_of(app=app), VersionOutput)

    @extend_schema(request=VersionCreateInput, responses={201: VersionDetailOutput})
    def post(self, request, workspace_id: int, app_id: int):
        app = selectors.app_get(workspace=self.workspace, app_id=app_id)
        data = self.VersionCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.version_create(app=app, user=request.user, **data.validated_data)
        return Response(VersionDetailOutput(version).data, status=status.HTTP_201_CREATED)


class VersionDetailApi(WorkspaceScoped, APIView):
    @extend_schema(responses=VersionDetailOutput)
    def get(self, request, workspace_id: int, app_id: int, number: int):
        app = selectors.app_get(workspace=self.workspace, app_id=app_id)
        return Response(VersionDetailOutput(selectors.version_get(app=app, number=number)).data)


class VersionRestoreApi(WorkspaceScoped, APIView):
    capabilities = {"POST": "build"}

    @extend_schema(request=None, responses={200: None})
    def post(self, request, workspace_id: int, app_id: int, number: int):
        app = selectors.app_get(workspace=self.workspace, app_id=app_id)
        version = selectors.version_get(app=app, number=number)
        app, backup = services.version_restore(app=app, version=version, user=request.user)
        return Response({"draft": _draft_body(app), "backup": VersionOutput(backup).data if backup else None})


class DiffApi(WorkspaceScoped, APIView):
    @extend_schema(
        parameters=[OpenApiParameter("from", str, required=True), OpenApiParameter("to", str, required=True)],
        responses={200: None},
    )
    def get(self, request, workspace_id: int, app_id: int):
        app = selectors.app_get(workspace=self.workspace, app_id=app_id)
        before_ref = request.query_params.get("from", "")
        after_ref = request.query_params.get("to", "draft")
        before = parse_graph(selectors.graph_at(app=app, ref=before_ref))
        after = parse_graph(selectors.graph_at(app=app, ref=after_ref))
        return Response({"from": before_ref, "to": after_ref, **diff_graphs(before, after).to_dict()})


class ExportApi(FileFormatParam, WorkspaceScoped, APIView):
    @extend_schema(parameters=[OpenApiParameter("format", str, enum=["yaml", "json"])], responses={200: None})
    def get(self, request, workspace_id: int, app_id: int):
        from django.http import HttpResponse

        from builder.flows.interchange import app_export

        app = selectors.app_get(workspace=self.workspace, app_id=app_id)
        fmt = "json" if request.query_params.get("format") == "json" else "yaml"
        text, content_type = app_export(app=app, fmt=fmt)
        response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{app.slug}.{"json" if fmt == "json" else "yaml"}"'
        return response


class ImportApi(WorkspaceScoped, APIView):
    """``?dry_run=1`` answers the report only; otherwise the app is created from the file."""

    capabilities = {"POST": "build"}

    class ImportInput(serializers.Serializer):
        file = serializers.FileField(required=False)
        content = serializers.CharField(required=False, allow_blank=False)
        filename = serializers.CharField(required=False, allow_blank=True, default="")
        name = serializers.CharField(required=False, max_length=120)

    @extend_schema(request=ImportInput, responses={200: None, 201: None})
    def post(self, request, workspace_id: int):
        from builder.core.errors import InvalidInput
        from builder.flows.interchange import MAX_IMPORT_BYTES, import_report

        data = self.ImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload, content = data.validated_data.get("file"), data.validated_data.get("content")
        filename = data.validated_data["filename"]
        if upload is not None:
            if upload.size > MAX_IMPORT_BYTES:
                raise InvalidInput("The file is larger than 2 MB.", code="import_too_large", status=413)
            content, filename = upload.read().decode("utf-8", errors="replace"), upload.name
        if not content:
            raise InvalidInput("Send a file or its content.", code="import_empty")
        report = import_report(content=content, filename=filename, workspace_id=self.workspace.pk)
        name = data.validated_data.get("name") or report.name
        if request.query_params.get("dry_run") in {"1", "true"}:
            # ``app_name``: what the app will be called here ("Name (2)" when the name is taken)
            return Response({**report.to_dict(), "app_name": selectors.free_app_name(workspace=self.workspace,
                                                                                     name=name)})
        app = services.app_import(
            workspace=self.workspace, user=request.user, name=name, description=report.description,
            graph=report.graph,
        )
        return Response({"app": _app_body(app), "report": {**report.to_dict(), "app_name": app.name}},
                        status=status.HTTP_201_CREATED)
