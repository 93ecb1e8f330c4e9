"""Thin API views of the playground: start columns (a prompt version or a draft on up to four model
configurations), and the history of earlier playground runs grouped as they were started."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.accounts.permissions import WorkspaceScoped
from builder.core.errors import InvalidInput
from builder.playground import selectors
from builder.playground.services import MAX_COLUMNS, PlaygroundPrompt, playground_start
from builder.prompts.content import ModelContent, PromptBody


class ColumnInput(ModelContent):
    """A column's model configuration (a prompt version's model fields)."""


class StartInput(serializers.Serializer):
    prompt_version = serializers.IntegerField(required=False, min_value=1, help_text="A library prompt version's id.")
    prompt = PromptBody(required=False, help_text="A draft prompt (instead of prompt_version).")
    values = serializers.DictField(required=False, default=dict, help_text="The variables' values.")
    columns = ColumnInput(many=True, allow_empty=True, help_text=f"1 to {MAX_COLUMNS} model configurations.")
    group_id = serializers.UUIDField(required=False, help_text="Add the runs to an earlier group (re-run a column).")
    column_index = serializers.IntegerField(required=False, min_value=0, max_value=MAX_COLUMNS - 1, default=0,
                                            help_text="The first column's place in the group.")

    def validate(self, attrs):
        if ("prompt_version" in attrs) == ("prompt" in attrs):
            raise serializers.ValidationError({"prompt": ["Give either prompt_version or a draft prompt."]})
        return attrs


class StartedRunOutput(serializers.Serializer):
    id = serializers.UUIDField()
    column = serializers.IntegerField(source="group_index")
    status = serializers.CharField()


class StartedOutput(serializers.Serializer):
    group_id = serializers.UUIDField()
    runs = StartedRunOutput(many=True)


class PromptVersionRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    prompt_id = serializers.IntegerField()
    name = serializers.CharField(source="prompt.name")
    number = serializers.IntegerField()


class ColumnRunOutput(serializers.Serializer):
    id = serializers.UUIDField()
    column = serializers.IntegerField(source="group_index", allow_null=True)
    status = serializers.CharField()
    model = serializers.JSONField(help_text="The column's model configuration.")
    output_text = serializers.CharField(allow_null=True)
    error = serializers.JSONField(allow_null=True)
    tokens_in = serializers.IntegerField()
    tokens_out = serializers.IntegerField()
    cost = serializers.FloatField()
    latency_ms = serializers.FloatField(allow_null=True)


class GroupOutput(serializers.Serializer):
    group_id = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    prompt_version = PromptVersionRefOutput(allow_null=True)
    values = serializers.JSONField()
    messages = serializers.JSONField()
    runs = ColumnRunOutput(many=True)


class PlaygroundRunsApi(WorkspaceScoped, APIView):
    """POST: run a prompt version (or a draft) on 1–4 model configurations side by side — one
    recorded run per column (source ``playground``), all executed at once; their tokens stream as
    ``run.event`` messages on the workspace's websocket. GET: earlier playground runs, newest
    first, grouped as they were started (``?prompt=<id>``: one prompt's)."""

    capabilities = {"POST": "run"}

    @extend_schema(request=StartInput, responses={201: StartedOutput})
    def post(self, request, workspace_id: int):
        data = StartInput(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        if "prompt_version" in body:
            prompt = PlaygroundPrompt.of_version(
                selectors.prompt_version_get(workspace=self.workspace, version_id=body["prompt_version"])
            )
        else:
            draft = body["prompt"]
            prompt = PlaygroundPrompt.draft([dict(m) for m in draft["messages"]], [dict(v) for v in draft["variables"]])
        columns = [
            {k: v for k, v in column.items() if v is not None} for column in body["columns"]
        ]
        if body.get("group_id") and not selectors.group_exists(workspace=self.workspace, group_id=body["group_id"]):
            raise InvalidInput("No playground runs have this group id here.", code="group_not_found")
        group, runs = playground_start(
            workspace=self.workspace, user=request.user, prompt=prompt, values=body["values"], columns=columns,
            group_id=body.get("group_id"), first_index=body["column_index"],
        )
        return Response(StartedOutput({"group_id": group, "runs": runs}).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("prompt", int, description="Only this prompt's runs (its id).")],
        responses=GroupOutput(many=True),
    )
    def get(self, request, workspace_id: int):
        prompt = request.query_params.get("prompt")
        if prompt is not None and not prompt.isdigit():
            raise InvalidInput("prompt is a prompt's id.", code="invalid_filter", details={"prompt": ["Not an id."]})
        groups = selectors.playground_groups(workspace=self.workspace, prompt_id=int(prompt) if prompt else None)
        return Response({"results": GroupOutput(groups, many=True).data})
