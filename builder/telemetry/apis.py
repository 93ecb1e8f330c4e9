"""Thin API views of a workspace's telemetry export: the target (read by every member who can
view; changed by builders and owners), "Send test span" and "Export now". Header values go in and
never come out: answers carry a hint of each."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.accounts.permissions import WorkspaceScoped
from builder.runs.models import RunSource
from builder.telemetry import selectors, services
from builder.telemetry.models import DEFAULT_SOURCES

WRITE = {"PUT": "build", "DELETE": "build", "POST": "build"}


class TelemetryHeaderInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    value = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=4000,
                                  help_text="Absent or null: keep the stored value of this header.",
                                  style={"input_type": "password"})


class TelemetryTargetInput(serializers.Serializer):
    endpoint = serializers.CharField(max_length=500)
    headers = TelemetryHeaderInput(many=True, required=False, default=list, max_length=services.MAX_HEADERS)
    enabled = serializers.BooleanField(required=False, default=True)
    sources = serializers.ListField(child=serializers.ChoiceField(choices=RunSource.choices), required=False,
                                    default=lambda: list(DEFAULT_SOURCES), max_length=len(RunSource.choices))
    include_content = serializers.BooleanField(required=False, default=True)


class TelemetryHeaderOutput(serializers.Serializer):
    name = serializers.CharField()
    hint = serializers.CharField(help_text="The value's last four characters; the value is never returned.")


class TelemetryTargetOutput(serializers.Serializer):
    endpoint = serializers.CharField()
    headers = TelemetryHeaderOutput(many=True)
    enabled = serializers.BooleanField()
    sources = serializers.ListField(child=serializers.CharField())
    include_content = serializers.BooleanField()
    pending_runs = serializers.IntegerField()
    exported_runs = serializers.IntegerField()
    exported_spans = serializers.IntegerField()
    failed_attempts = serializers.IntegerField()
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    last_success_at = serializers.DateTimeField(allow_null=True)
    last_error_at = serializers.DateTimeField(allow_null=True)
    last_error_code = serializers.CharField()
    last_error_message = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class TelemetryDeliveryOutput(serializers.Serializer):
    ok = serializers.BooleanField()
    code = serializers.CharField(allow_null=True, help_text="auth_failed, not_found, rejected, rate_limited, "
                                 "collector_error, unreachable, timeout, url_not_allowed, secret_unreadable")
    message = serializers.CharField()
    attempts = serializers.IntegerField()
    latency_ms = serializers.FloatField()


class TelemetryExportOutput(serializers.Serializer):
    runs = serializers.IntegerField()
    spans = serializers.IntegerField()
    busy = serializers.BooleanField(help_text="Another export of this workspace was under way; nothing was sent.")
    delivery = TelemetryDeliveryOutput(allow_null=True)
    target = TelemetryTargetOutput()


class TargetApi(WorkspaceScoped, APIView):
    """GET the workspace's export target (404 ``telemetry_target_not_found`` when there is none);
    PUT it (created or replaced); DELETE it."""

    capabilities = WRITE

    @extend_schema(responses=TelemetryTargetOutput)
    def get(self, request, workspace_id: int):
        target = selectors.target_get(workspace=self.workspace)
        return Response(TelemetryTargetOutput(selectors.target_row(target)).data)

    @extend_schema(request=TelemetryTargetInput, responses=TelemetryTargetOutput)
    def put(self, request, workspace_id: int):
        data = TelemetryTargetInput(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        target = services.target_save(
            workspace=self.workspace, user=request.user, endpoint=body["endpoint"],
            headers=[dict(h) for h in body["headers"]], enabled=body["enabled"], sources=body["sources"],
            include_content=body["include_content"],
        )
        return Response(TelemetryTargetOutput(selectors.target_row(target)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id: int):
        services.target_delete(target=selectors.target_get(workspace=self.workspace))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TestSpanApi(WorkspaceScoped, APIView):
    """POST: send one test span to the saved endpoint and say what happened."""

    capabilities = WRITE

    @extend_schema(request=None, responses=TelemetryDeliveryOutput)
    def post(self, request, workspace_id: int):
        target = selectors.target_get(workspace=self.workspace)
        return Response(TelemetryDeliveryOutput(services.send_test_span(target=target).as_dict()).data)


class ExportNowApi(WorkspaceScoped, APIView):
    """POST: send the waiting runs now (as the next beat tick would), even while export is off."""

    capabilities = WRITE

    @extend_schema(request=None, responses=TelemetryExportOutput)
    def post(self, request, workspace_id: int):
        target = selectors.target_get(workspace=self.workspace)
        report = services.export_target(target=target)
        target.refresh_from_db()
        return Response(TelemetryExportOutput({**report.as_dict(), "target": selectors.target_row(target)}).data)
