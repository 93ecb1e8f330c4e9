"""Thin API views of fine-tuning: the methods (what each trains, its settings), the base models,
start a job, follow it (status, step, loss curve, tokens/s, ETA), cancel it, delete it with its
files. Every member who sees the builder reads; builders and owners start, cancel and delete."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.accounts.permissions import WorkspaceScoped
from builder.core.pagination import Pagination
from builder.core.parsers import CheckedJSONParser
from builder.datasets import selectors as datasets
from builder.finetune import evaluation, selectors, services
from runtime.finetune.methods import Method, MethodSettings

WRITE = {"POST": "build", "DELETE": "build"}


class FineTuneJobOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    model = serializers.CharField(source="model_name")
    base_model = serializers.CharField()
    method = serializers.CharField()
    method_settings = serializers.JSONField()
    source = serializers.CharField()
    dataset_id = serializers.IntegerField(source="dataset_version.dataset_id", allow_null=True, default=None)
    dataset_name = serializers.CharField(source="dataset_version.dataset.name", allow_null=True, default=None)
    dataset_version = serializers.IntegerField(source="dataset_version.number", allow_null=True, default=None)
    validation_share = serializers.FloatField()
    epochs = serializers.IntegerField()
    learning_rate = serializers.FloatField()
    batch_size = serializers.IntegerField()
    max_length = serializers.IntegerField()
    seed = serializers.IntegerField()
    status = serializers.CharField()
    cancel_requested = serializers.BooleanField()
    step = serializers.IntegerField()
    total_steps = serializers.IntegerField()
    losses = serializers.JSONField()
    val_losses = serializers.JSONField()
    tokens_per_s = serializers.FloatField(allow_null=True)
    eta_s = serializers.FloatField(allow_null=True)
    trainable_params = serializers.IntegerField(allow_null=True)
    total_params = serializers.IntegerField(allow_null=True)
    train_rows = serializers.IntegerField()
    validation_rows = serializers.IntegerField()
    error = serializers.SerializerMethodField()
    merge_status = serializers.CharField()
    merge_error = serializers.CharField()
    evaluation = serializers.SerializerMethodField()
    job_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_error(self, job) -> dict | None:
        return {"code": job.error_code, "message": job.error_message} if job.error_code else None

    @extend_schema_field(dict)
    def get_evaluation(self, job) -> dict | None:
        """The job page's base-vs-tuned figures; a list sends only the experiment and its status."""
        if self.context.get("listed"):
            return {"experiment_id": job.evaluation_id, "status": job.evaluation.status} if job.evaluation else None
        return evaluation.evaluation_of(job)


class MethodsApi(WorkspaceScoped, APIView):
    """The methods, each with one line on what it trains and its default settings, and the base
    models; with ``?base_model=`` each method also says how many parameters it trains on that
    model (``trainable_params``, with the model's ``total_params``)."""

    class MethodsQuery(serializers.Serializer):
        base_model = serializers.CharField(required=False, max_length=200)

        def validate_base_model(self, value: str) -> str:
            if value not in services.base_models():
                raise serializers.ValidationError(f"Unknown base model; the base models are "
                                                  f"{', '.join(sorted(services.base_models()))}.")
            return value

    @extend_schema(parameters=[MethodsQuery], responses={200: dict})
    def get(self, request, workspace_id: int):
        query = self.MethodsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        defaults = asdict(MethodSettings())
        defaults.pop("extra")
        return Response({**services.method_catalog(query.validated_data.get("base_model")),
                         "settings_defaults": defaults, "base_models": sorted(services.base_models())})


class FineTuneJobListApi(WorkspaceScoped, APIView):
    """GET: the workspace's fine-tuning jobs, newest first (``evaluation`` holds only the
    experiment's id and status: the figures are on the job). POST: start one on a dataset version
    (default: its latest); 400 ``finetune_invalid`` / ``finetune_data_too_small`` /
    ``finetune_too_large`` / ``finetune_name_taken`` name the field to change."""

    capabilities = WRITE
    parser_classes = [CheckedJSONParser]

    class FineTuneJobInput(serializers.Serializer):
        name = serializers.SlugField(max_length=60)
        base_model = serializers.CharField(max_length=200, default=services.BUNDLED)
        method = serializers.ChoiceField(choices=[m.value for m in Method], default=Method.LORA.value)
        method_settings = serializers.DictField(required=False, default=dict)
        dataset_id = serializers.IntegerField()
        dataset_version = serializers.IntegerField(required=False, min_value=1)
        validation_share = serializers.FloatField(min_value=0, max_value=0.5, default=0.2)
        epochs = serializers.IntegerField(min_value=1, max_value=100, default=3)
        learning_rate = serializers.FloatField(min_value=1e-7, max_value=1.0, default=None,
                                               help_text="Default: the method's own (methods/).")
        batch_size = serializers.IntegerField(min_value=1, max_value=256, default=4)
        max_length = serializers.IntegerField(min_value=16, max_value=8192, default=256)
        seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)

    @extend_schema(responses=FineTuneJobOutput(many=True))
    def get(self, request, workspace_id: int):
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.finetune_jobs(workspace=self.workspace), request, view=self)
        return paginator.get_paginated_response(FineTuneJobOutput(page, many=True, context={"listed": True}).data)

    @extend_schema(request=FineTuneJobInput, responses={201: FineTuneJobOutput})
    def post(self, request, workspace_id: int):
        data = self.FineTuneJobInput(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        dataset = datasets.dataset_get(workspace=self.workspace, dataset_id=body.pop("dataset_id"))
        version = datasets.version_get(dataset=dataset, number=body.pop("dataset_version", None))
        job = services.finetune_start(workspace=self.workspace, user=request.user, dataset_version=version, **body)
        job = selectors.finetune_job_get(workspace=self.workspace, job_id=job.pk)
        return Response(FineTuneJobOutput(job).data, status=status.HTTP_201_CREATED)


class FineTuneJobDetailApi(WorkspaceScoped, APIView):
    capabilities = WRITE

    @extend_schema(responses=FineTuneJobOutput)
    def get(self, request, workspace_id: int, job_id: int):
        return Response(FineTuneJobOutput(selectors.finetune_job_get(workspace=self.workspace, job_id=job_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id: int, job_id: int):
        services.finetune_delete(job=selectors.finetune_job_get(workspace=self.workspace, job_id=job_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class FineTuneJobCancelApi(WorkspaceScoped, APIView):
    capabilities = WRITE

    @extend_schema(request=None, responses=FineTuneJobOutput)
    def post(self, request, workspace_id: int, job_id: int):
        job = services.finetune_cancel(job=selectors.finetune_job_get(workspace=self.workspace, job_id=job_id))
        return Response(FineTuneJobOutput(selectors.finetune_job_get(workspace=self.workspace, job_id=job.pk)).data)


class FineTuneEvaluateApi(WorkspaceScoped, APIView):
    """Base vs tuned on the held-out rows with the given evaluators (default: similarity to the
    expected output) — an experiment the job page shows and links to."""

    capabilities = {"POST": "build"}
    parser_classes = [CheckedJSONParser]

    class FineTuneEvaluateInput(serializers.Serializer):
        evaluators = serializers.ListField(child=serializers.DictField(), required=False, default=list)
        primary_evaluator = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=FineTuneEvaluateInput, responses={201: FineTuneJobOutput})
    def post(self, request, workspace_id: int, job_id: int):
        data = self.FineTuneEvaluateInput(data=request.data)
        data.is_valid(raise_exception=True)
        job = selectors.finetune_job_get(workspace=self.workspace, job_id=job_id)
        evaluation.evaluation_start(job=job, user=request.user, **data.validated_data)
        job = selectors.finetune_job_get(workspace=self.workspace, job_id=job.pk)
        return Response(FineTuneJobOutput(job).data, status=status.HTTP_201_CREATED)
