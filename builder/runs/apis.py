"""Thin API views of runs: start a debug or single-node run, the workspace's run list with filters,
an app's runs, detail with traces, cancel, and each node's last trace."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.accounts.permissions import WorkspaceScoped
from builder.core.pagination import paginated_response
from builder.flows.selectors import app_get, version_get
from builder.runs import selectors, services
from builder.runs.filters import RunFilterInput, run_filters_from_query


class TraceOutput(serializers.Serializer):
    node_id = serializers.CharField()
    node_type = serializers.CharField()
    status = serializers.CharField()
    inputs = serializers.JSONField()
    outputs = serializers.JSONField()
    handle = serializers.CharField()
    error = serializers.SerializerMethodField()
    attempt = serializers.IntegerField()
    latency_ms = serializers.FloatField()
    tokens_in = serializers.IntegerField()
    tokens_out = serializers.IntegerField()
    cost = serializers.FloatField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    run_id = serializers.UUIDField()

    def get_error(self, trace) -> dict | None:
        return {"code": trace.error_code, "message": trace.error_message} if trace.error_code else None


class RunSummaryFields(serializers.Serializer):
    """What every view of a run shows: its version, source, outcome, usage and times."""

    id = serializers.UUIDField()
    version = serializers.IntegerField(source="version.number", default=None)
    source = serializers.CharField()
    status = serializers.CharField()
    error = serializers.SerializerMethodField()
    tokens_in = serializers.IntegerField()
    tokens_out = serializers.IntegerField()
    cost = serializers.FloatField()
    latency_ms = serializers.FloatField(allow_null=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_error(self, run) -> dict | None:
        if not run.error_code:
            return None
        return {"code": run.error_code, "message": run.error_message, "node_id": run.error_node_id or None}


class RunOutput(RunSummaryFields):
    app_id = serializers.IntegerField(allow_null=True)
    group_id = serializers.UUIDField(allow_null=True)
    group_index = serializers.IntegerField(allow_null=True)
    target_node_id = serializers.CharField()
    inputs = serializers.JSONField()
    outputs = serializers.JSONField()


class RunAppOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class RunPromptOutput(serializers.Serializer):
    """The library prompt version a playground run ran."""

    id = serializers.IntegerField()
    prompt_id = serializers.IntegerField()
    name = serializers.CharField(source="prompt.name")
    number = serializers.IntegerField()


class ApiKeyRefOutput(serializers.Serializer):
    """Which key made a call: its name and visible prefix, never its secret."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField()


class RunOriginFields(serializers.Serializer):
    """Where a run came from: its app, and for calls through the public endpoint the label, the key
    and the caller's end user (null for other runs). Needs ``selectors.ROW_RELATIONS`` loaded."""

    app = RunAppOutput(allow_null=True, help_text="Null for a prompt run in the playground.")
    prompt = RunPromptOutput(source="prompt_version", allow_null=True)
    label = serializers.SerializerMethodField()
    key = serializers.SerializerMethodField()
    end_user = serializers.SerializerMethodField()

    def get_label(self, run) -> str | None:
        call = selectors.api_call_of(run)
        return (call.label or None) if call else None

    @extend_schema_field(ApiKeyRefOutput(allow_null=True))
    def get_key(self, run) -> dict | None:
        call = selectors.api_call_of(run)
        return ApiKeyRefOutput(call.api_key).data if call and call.api_key else None

    def get_end_user(self, run) -> str | None:
        call = selectors.api_call_of(run)
        return (call.end_user or None) if call else None


class RunRowOutput(RunSummaryFields, RunOriginFields):
    """One line of the run list: no graph, inputs or outputs (the detail has them)."""


class RunDetailOutput(RunOutput, RunOriginFields):
    graph = serializers.JSONField()
    traces = TraceOutput(many=True, source="traces.all")


class RunListApi(WorkspaceScoped, APIView):
    """Every run of the workspace — debug, single-node, API, chat — newest first, narrowed by the
    query's filters. A bad filter value answers 400 ``invalid_filter`` with each field's problem."""

    @extend_schema(parameters=[RunFilterInput], responses=RunRowOutput(many=True))
    def get(self, request, workspace_id: int):
        filters = run_filters_from_query(request.query_params)
        runs = selectors.runs_list(workspace=self.workspace, filters=filters)
        return paginated_response(self, request, runs, RunRowOutput)


class AppRunListApi(WorkspaceScoped, APIView):
    capabilities = {"POST": "run"}

    class RunCreateInput(serializers.Serializer):
        inputs = serializers.DictField(required=False, default=dict)
        version = serializers.IntegerField(required=False, allow_null=True, default=None)

    @extend_schema(responses=RunOutput(many=True))
    def get(self, request, workspace_id: int, app_id: int):
        app = app_get(workspace=self.workspace, app_id=app_id)
        runs = selectors.runs_of(workspace=self.workspace, app=app).select_related("version")
        return paginated_response(self, request, runs, RunOutput)

    @extend_schema(request=RunCreateInput, responses={202: RunOutput})
    def post(self, request, workspace_id: int, app_id: int):
        app = app_get(workspace=self.workspace, app_id=app_id)
        data = self.RunCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        number = data.validated_data["version"]
        version = version_get(app=app, number=number) if number is not None else None
        run = services.run_create(app=app, user=request.user, inputs=data.validated_data["inputs"], version=version)
        return Response(RunOutput(run).data, status=status.HTTP_202_ACCEPTED)


class NodeRunApi(WorkspaceScoped, APIView):
    capabilities = {"POST": "run"}

    class NodeRunInput(serializers.Serializer):
        variables = serializers.DictField(required=False, default=dict)

    @extend_schema(request=NodeRunInput, responses={202: RunOutput})
    def post(self, request, workspace_id: int, app_id: int, node_id: str):
        app = app_get(workspace=self.workspace, app_id=app_id)
        data = self.NodeRunInput(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.run_create(
            app=app, user=request.user, inputs=data.validated_data["variables"], node_id=node_id
        )
        return Response(RunOutput(run).data, status=status.HTTP_202_ACCEPTED)


class LastTracesApi(WorkspaceScoped, APIView):
    @extend_schema(responses={200: None})
    def get(self, request, workspace_id: int, app_id: int):
        app = app_get(workspace=self.workspace, app_id=app_id)
        traces = selectors.last_traces(app=app)
        return Response({node_id: TraceOutput(trace).data for node_id, trace in traces.items()})


class RunDetailApi(WorkspaceScoped, APIView):
    @extend_schema(responses=RunDetailOutput)
    def get(self, request, workspace_id: int, run_id: str):
        return Response(RunDetailOutput(selectors.run_with_traces(workspace=self.workspace, run_id=run_id)).data)


class RunCancelApi(WorkspaceScoped, APIView):
    capabilities = {"POST": "run"}

    @extend_schema(request=None, responses=RunOutput)
    def post(self, request, workspace_id: int, run_id: str):
        run = services.run_cancel(run=selectors.run_get(workspace=self.workspace, run_id=run_id))
        return Response(RunOutput(run).data)
