"""Thin API views of jobs: start one, list, follow one."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.accounts.permissions import WorkspaceScoped
from builder.core.pagination import paginated_response
from builder.jobs import selectors, services


class JobOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()
    progress = serializers.FloatField()
    message = serializers.CharField()
    input = serializers.JSONField()
    result = serializers.JSONField(allow_null=True)
    error_code = serializers.CharField()
    error_message = serializers.CharField()
    attempts = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class JobListApi(WorkspaceScoped, APIView):
    capabilities = {"POST": "run"}

    class JobCreateInput(serializers.Serializer):
        kind = serializers.CharField(max_length=64)
        input = serializers.DictField(required=False, default=dict)

    @extend_schema(responses=JobOutput(many=True))
    def get(self, request, workspace_id: int):
        return paginated_response(self, request, selectors.jobs_of(workspace=self.workspace), JobOutput)

    @extend_schema(request=JobCreateInput, responses={202: JobOutput})
    def post(self, request, workspace_id: int):
        data = self.JobCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.job_create(workspace=self.workspace, created_by=request.user, **data.validated_data)
        return Response(JobOutput(job).data, status=status.HTTP_202_ACCEPTED)


class JobDetailApi(WorkspaceScoped, APIView):
    @extend_schema(responses=JobOutput)
    def get(self, request, workspace_id: int, job_id: int):
        return Response(JobOutput(selectors.job_get(workspace=self.workspace, job_id=job_id)).data)
