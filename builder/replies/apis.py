"""Thin API views of an app's annotation replies (the Publish panel's Replies tab): list them
with their hits, add one by hand, edit, switch off or delete one; read and change the app's
switch and threshold. Reads need ``view``, writes ``build``."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.accounts.permissions import WorkspaceScoped
from builder.core.pagination import paginated_response
from builder.flows.selectors import app_get
from builder.replies import selectors, services
from builder.replies.models import MAX_THRESHOLD, MIN_THRESHOLD
from builder.replies.services import ANSWER_MAX_CHARS, QUESTION_MAX_CHARS

WRITES = {"POST": "build", "PATCH": "build", "PUT": "build", "DELETE": "build"}


class ReplyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    question = serializers.CharField()
    answer = serializers.CharField()
    enabled = serializers.BooleanField()
    hit_count = serializers.IntegerField()
    last_hit_at = serializers.DateTimeField(allow_null=True)
    source = serializers.CharField()
    source_item_id = serializers.IntegerField(allow_null=True)
    created_by = serializers.CharField(source="created_by.username", default=None)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ReplySettingsOutput(serializers.Serializer):
    enabled = serializers.BooleanField()
    threshold = serializers.FloatField()
    updated_at = serializers.DateTimeField(allow_null=True)


class ReplyListApi(WorkspaceScoped, APIView):
    """GET: the app's replies, newest first, with their hits. POST: add a reply by hand."""

    capabilities = WRITES

    class CreateInput(serializers.Serializer):
        question = serializers.CharField(max_length=QUESTION_MAX_CHARS)
        answer = serializers.CharField(max_length=ANSWER_MAX_CHARS)

    @extend_schema(responses=ReplyOutput(many=True))
    def get(self, request, workspace_id: int, app_id: int):
        app = app_get(workspace=self.workspace, app_id=app_id)
        return paginated_response(self, request, selectors.replies_of(app=app), ReplyOutput)

    @extend_schema(request=CreateInput, responses={201: ReplyOutput})
    def post(self, request, workspace_id: int, app_id: int):
        app = app_get(workspace=self.workspace, app_id=app_id)
        data = self.CreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        reply = services.reply_create(app=app, created_by=request.user, **data.validated_data)
        return Response(ReplyOutput(reply).data, status=status.HTTP_201_CREATED)


class ReplyDetailApi(WorkspaceScoped, APIView):
    """PATCH: change a reply's question (matched anew), answer or whether it is served. DELETE it."""

    capabilities = WRITES

    class ReplyUpdateInput(serializers.Serializer):
        question = serializers.CharField(required=False, max_length=QUESTION_MAX_CHARS)
        answer = serializers.CharField(required=False, max_length=ANSWER_MAX_CHARS)
        enabled = serializers.BooleanField(required=False)

    @extend_schema(request=ReplyUpdateInput, responses=ReplyOutput)
    def patch(self, request, workspace_id: int, app_id: int, reply_id: int):
        app = app_get(workspace=self.workspace, app_id=app_id)
        reply = selectors.reply_get(app=app, reply_id=reply_id)
        data = self.ReplyUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        reply = services.reply_update(reply=reply, **data.validated_data)
        return Response(ReplyOutput(reply).data)

    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id: int, app_id: int, reply_id: int):
        app = app_get(workspace=self.workspace, app_id=app_id)
        services.reply_delete(reply=selectors.reply_get(app=app, reply_id=reply_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReplySettingsApi(WorkspaceScoped, APIView):
    """GET: whether the app serves its replies and the similarity a question needs. PUT: change them."""

    capabilities = WRITES

    class SettingsInput(serializers.Serializer):
        enabled = serializers.BooleanField()
        threshold = serializers.FloatField(min_value=MIN_THRESHOLD, max_value=MAX_THRESHOLD)

    @extend_schema(responses=ReplySettingsOutput)
    def get(self, request, workspace_id: int, app_id: int):
        app = app_get(workspace=self.workspace, app_id=app_id)
        return Response(ReplySettingsOutput(selectors.reply_settings_get(app=app)).data)

    @extend_schema(request=SettingsInput, responses=ReplySettingsOutput)
    def put(self, request, workspace_id: int, app_id: int):
        app = app_get(workspace=self.workspace, app_id=app_id)
        data = self.SettingsInput(data=request.data)
        data.is_valid(raise_exception=True)
        found = services.reply_settings_update(app=app, user=request.user, **data.validated_data)
        return Response(ReplySettingsOutput(found).data)
