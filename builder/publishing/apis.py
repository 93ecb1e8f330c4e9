"""Thin API views of the Publish panel: publish, endpoint on/off, labels (move, rollback, audit,
A/B traffic splits: set, end, promote),
endpoint URLs with snippets, the public web chat (on/off, rate limit, new link, embed snippets),
recent API runs, and API keys (shown once, revocable)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.accounts.permissions import WorkspaceScoped
from builder.core.pagination import Pagination
from builder.flows.selectors import app_get, version_get
from builder.publishing import selectors, services
from builder.publishing.errors import SplitInvalid
from builder.publishing.models import PRODUCTION
from builder.publishing.snippets import endpoint_info, web_chat_info


class LabelArmOutput(serializers.Serializer):
    version = serializers.IntegerField(source="version.number")
    weight = serializers.IntegerField(help_text="Percent of the label's calls.")


class LabelOutput(serializers.Serializer):
    name = serializers.CharField()
    version = serializers.IntegerField(source="version.number",
                                       help_text="The version the label serves (while split: the one it shows).")
    split = LabelArmOutput(source="arms.all", many=True,
                           help_text="The A/B traffic split by version number; empty: the label serves one version.")
    updated_at = serializers.DateTimeField()
    updated_by = serializers.CharField(source="updated_by.username", default=None)


class SplitArmOutput(serializers.Serializer):
    version = serializers.IntegerField()
    weight = serializers.IntegerField()


class LabelMoveOutput(serializers.Serializer):
    label = serializers.CharField()
    kind = serializers.CharField()
    from_version = serializers.IntegerField(source="from_number", allow_null=True)
    to_version = serializers.IntegerField(source="to_number", allow_null=True)
    arms = SplitArmOutput(many=True, help_text="The split this move set (split) or ended (other kinds).")
    evidence = serializers.JSONField(help_text="Where the move came from ({experiment, experiment_name, variant, "
                                               "variant_name}) when an experiment made it; else {}.")
    moved_by = serializers.CharField(source="moved_by.username", default=None)
    moved_at = serializers.DateTimeField()


class PromptUseOutput(serializers.Serializer):
    node_id = serializers.CharField()
    ref = serializers.CharField()
    version = serializers.IntegerField(allow_null=True, help_text="The version production holds (pinned).")
    prompt_id = serializers.IntegerField(allow_null=True)
    prompt_name = serializers.CharField()
    current = serializers.IntegerField(allow_null=True, help_text="The version the reference names now.")
    outdated = serializers.BooleanField()


class PublishingStateOutput(serializers.Serializer):
    published = serializers.BooleanField()
    enabled = serializers.BooleanField()
    production_version = serializers.IntegerField(allow_null=True)
    latest_version = serializers.IntegerField(allow_null=True)
    first_published_at = serializers.DateTimeField(allow_null=True)
    labels = LabelOutput(many=True)
    prompts = PromptUseOutput(many=True, help_text="The library prompts inside the production version.")


class ApiKeyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    scope = serializers.CharField()
    app_id = serializers.IntegerField(allow_null=True)
    app_slug = serializers.CharField(source="app.slug", default=None)
    rate_limit_per_minute = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(source="created_by.username", default=None)
    last_used_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


class ApiKeyCreatedOutput(ApiKeyOutput):
    secret = serializers.CharField(help_text="Shown once: it is stored hashed and cannot be shown again.")


class ApiRunOutput(serializers.Serializer):
    id = serializers.UUIDField()
    source = serializers.CharField()
    status = serializers.CharField()
    version = serializers.IntegerField(source="version.number", default=None)
    label = serializers.CharField(source="api.label", default="")
    api_key = serializers.CharField(source="api.api_key.prefix", default=None)
    end_user = serializers.CharField(source="api.end_user", default="")
    inputs = serializers.JSONField()
    outputs = serializers.JSONField()
    error_code = serializers.CharField()
    tokens_in = serializers.IntegerField()
    tokens_out = serializers.IntegerField()
    cost = serializers.FloatField()
    latency_ms = serializers.FloatField(allow_null=True)
    created_at = serializers.DateTimeField()


def _state_body(app) -> dict:
    state = selectors.publishing_state(app=app)
    state["labels"] = selectors.labels_of(app=app)
    return PublishingStateOutput(state).data


class PublishApi(WorkspaceScoped, APIView):
    """GET: the app's publishing state. POST: publish the draft (validate → version → production).
    PATCH ``{"enabled": false}``: turn the endpoint off (and back on)."""

    capabilities = {"POST": "build", "PATCH": "build"}

    class PublishInput(serializers.Serializer):
        message = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)

    class EnabledInput(serializers.Serializer):
        enabled = serializers.BooleanField()

    @extend_schema(responses=PublishingStateOutput)
    def get(self, request, workspace_id: int, app_id: int):
        return Response(_state_body(app_get(workspace=self.workspace, app_id=app_id)))

    @extend_schema(request=PublishInput, responses={201: PublishingStateOutput})
    def post(self, request, workspace_id: int, app_id: int):
        app = app_get(workspace=self.workspace, app_id=app_id)
        data = self.PublishInput(data=request.data)
        data.is_valid(raise_exception=True)
        _, _, warnings = services.app_publish(app=app, user=request.user, message=data.validated_data["message"])
        return Response({**_state_body(app), "warnings": warnings}, status=status.HTTP_201_CREATED)

    @extend_schema(request=EnabledInput, responses=PublishingStateOutput)
    def patch(self, request, workspace_id: int, app_id: int):
        app = app_get(workspace=self.workspace, app_id=app_id)
        data = self.EnabledInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.publication_set(app=app, enabled=data.validated_data["enabled"])
        return Response(_state_body(app))


class RepublishApi(WorkspaceScoped, APIView):
    """POST: production's graph again with each library prompt re-resolved ("republish with latest
    labels"); 409 ``prompts_current`` when no prompt label has moved."""

    capabilities = {"POST": "build"}

    @extend_schema(request=None, responses={201: PublishingStateOutput})
    def post(self, request, workspace_id: int, app_id: int):
        app = app_get(workspace=self.workspace, app_id=app_id)
        _, _, warnings = services.app_republish(app=app, user=request.user)
        return Response({**_state_body(app), "warnings": warnings}, status=status.HTTP_201_CREATED)


class LabelListApi(WorkspaceScoped, APIView):
    """GET: the app's labels. POST ``{name, version}``: create a label or move it."""

    capabilities = {"POST": "build"}

    class LabelInput(serializers.Serializer):
        name = serializers.CharField(max_length=40)
        version = serializers.IntegerField(min_value=1)

    @extend_schema(responses=LabelOutput(many=True))
    def get(self, request, workspace_id: int, app_id: int):
        app = app_get(workspace=self.workspace, app_id=app_id)
        return Response(LabelOutput(selectors.labels_of(app=app), many=True).data)

    @extend_schema(request=LabelInput, responses=LabelOutput)
    def post(self, request, workspace_id: int, app_id: int):
        app = app_get(workspace=self.workspace, app_id=app_id)
        data = self.LabelInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = version_get(app=app, number=data.validated_data["version"])
        label = services.label_move(app=app, name=data.validated_data["name"], version=version, user=request.user)
        return Response(LabelOutput(label).data)


class LabelDetailApi(WorkspaceScoped, APIView):
    """PUT ``{version}``: move the label (to an earlier version: a rollback). DELETE: remove it
    (``production`` cannot be removed)."""

    capabilities = {"PUT": "build", "DELETE": "build"}

    class MoveInput(serializers.Serializer):
        version = serializers.IntegerField(min_value=1)

    @extend_schema(responses=LabelOutput)
    def get(self, request, workspace_id: int, app_id: int, name: str):
        app = app_get(workspace=self.workspace, app_id=app_id)
        return Response(LabelOutput(selectors.label_get(app=app, name=name)).data)

    @extend_schema(request=MoveInput, responses=LabelOutput)
    def put(self, request, workspace_id: int, app_id: int, name: str):
        app = app_get(workspace=self.workspace, app_id=app_id)
        data = self.MoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = version_get(app=app, number=data.validated_data["version"])
        return Response(LabelOutput(services.label_move(app=app, name=name, version=version, user=request.user)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id: int, app_id: int, name: str):
        app = app_get(workspace=self.workspace, app_id=app_id)
        services.label_delete(app=app, name=name, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LabelRollbackApi(WorkspaceScoped, APIView):
    """One click: the label goes back to the version it pointed at before its last move."""

    capabilities = {"POST": "build"}

    @extend_schema(request=None, responses=LabelOutput)
    def post(self, request, workspace_id: int, app_id: int, name: str = PRODUCTION):
        app = app_get(workspace=self.workspace, app_id=app_id)
        return Response(LabelOutput(services.label_rollback(app=app, name=name, user=request.user)).data)


class SplitArmInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    weight = serializers.IntegerField(min_value=1, max_value=99)


class LabelSplitApi(WorkspaceScoped, APIView):
    """PUT ``{"arms": [{"version": 7, "weight": 90}, {"version": 8, "weight": 10}]}``: split the
    label's traffic between versions (whole percents adding up to 100; each end user sticks to one
    arm). DELETE ``{"version"?}``: end the split; the label serves that arm (default: the version it
    shows) alone. ``split_invalid`` lists every problem by field."""

    capabilities = {"PUT": "build", "DELETE": "build"}

    class LabelSplitInput(serializers.Serializer):
        arms = SplitArmInput(many=True)

    class LabelSplitEndInput(serializers.Serializer):
        version = serializers.IntegerField(min_value=1, required=False)

    @extend_schema(request=LabelSplitInput, responses=LabelOutput)
    def put(self, request, workspace_id: int, app_id: int, name: str):
        app = app_get(workspace=self.workspace, app_id=app_id)
        # The service checks the whole split (shape included) so that every problem is one
        # ``split_invalid`` with its field; the serializer above documents the body.
        arms = request.data.get("arms") if isinstance(request.data, dict) else None
        label = services.label_split_set(app=app, label=name, arms=arms, user=request.user)
        return Response(LabelOutput(label).data)

    @extend_schema(request=LabelSplitEndInput, responses=LabelOutput)
    def delete(self, request, workspace_id: int, app_id: int, name: str):
        app = app_get(workspace=self.workspace, app_id=app_id)
        raw = request.data.get("version") if isinstance(request.data, dict) else None
        version = _version_number(raw if raw is not None else request.query_params.get("version"), required=False)
        label = services.label_split_end(app=app, label=name, version_number=version, user=request.user)
        return Response(LabelOutput(label).data)


class LabelPromoteApi(WorkspaceScoped, APIView):
    """POST ``{"version": 8}``: promote the winning arm — the label serves that version to everyone
    and its split is over."""

    capabilities = {"POST": "build"}

    class LabelPromoteInput(serializers.Serializer):
        version = serializers.IntegerField(min_value=1)

    @extend_schema(request=LabelPromoteInput, responses=LabelOutput)
    def post(self, request, workspace_id: int, app_id: int, name: str):
        app = app_get(workspace=self.workspace, app_id=app_id)
        raw = request.data.get("version") if isinstance(request.data, dict) else None
        version = _version_number(raw, required=True)
        label = services.label_split_promote(app=app, label=name, version_number=version, user=request.user)
        return Response(LabelOutput(label).data)


def _version_number(raw, *, required: bool) -> int | None:
    """A version number from a body or a query (``8`` or ``"8"``); ``split_invalid`` otherwise."""
    if raw is None and not required:
        return None
    if isinstance(raw, str) and raw.isdigit():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise SplitInvalid("'version' is a version number such as 8.",
                           details=[{"field": "version", "message": "A version number such as 8."}])
    return raw


class LabelAuditApi(WorkspaceScoped, APIView):
    """Every label move of the app, newest first: who, when, from, to."""

    @extend_schema(responses=LabelMoveOutput(many=True))
    def get(self, request, workspace_id: int, app_id: int):
        app = app_get(workspace=self.workspace, app_id=app_id)
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.label_moves_of(app=app), request, view=self)
        return paginator.get_paginated_response(LabelMoveOutput(page, many=True).data)


class EndpointApi(WorkspaceScoped, APIView):
    """The endpoint URLs, example inputs and copy-paste snippets (curl, Python openai, JS SSE)."""

    @extend_schema(responses={200: None})
    def get(self, request, workspace_id: int, app_id: int):
        app = app_get(workspace=self.workspace, app_id=app_id)
        production = selectors.labels_of(app=app).filter(name=PRODUCTION).first()
        graph = production.version.graph if production else app.draft
        info = endpoint_info(base_url=request.build_absolute_uri("/"), slug=app.slug, graph=graph)
        info["state"] = selectors.publishing_state(app=app)
        return Response(info)


class WebChatSnippetsOutput(serializers.Serializer):
    script = serializers.CharField()
    iframe = serializers.CharField()


class WebChatOutput(serializers.Serializer):
    available = serializers.BooleanField(help_text="The app is published: its web chat can be turned on.")
    endpoint_enabled = serializers.BooleanField()
    enabled = serializers.BooleanField()
    rate_limit_per_minute = serializers.IntegerField(allow_null=True)
    url = serializers.CharField(allow_null=True)
    embed_url = serializers.CharField(allow_null=True)
    snippets = WebChatSnippetsOutput(allow_null=True)


def _web_chat_body(request, app) -> dict:
    state = selectors.web_chat_state(app=app)
    token = state.pop("token")
    links = {"url": None, "embed_url": None, "snippets": None}
    if token:
        links = web_chat_info(base_url=request.build_absolute_uri("/"), token=token, app_name=app.name)
    return WebChatOutput({**state, **links}).data


class WebChatApi(WorkspaceScoped, APIView):
    """GET: the app's public web chat (link, embed snippets, rate limit). PATCH ``{enabled?,
    rate_limit_per_minute?}``: turn it on or off, set the messages per minute per visitor."""

    capabilities = {"PATCH": "build"}

    class UpdateInput(serializers.Serializer):
        enabled = serializers.BooleanField(required=False)
        rate_limit_per_minute = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                                         max_value=10_000)

    @extend_schema(responses=WebChatOutput)
    def get(self, request, workspace_id: int, app_id: int):
        return Response(_web_chat_body(request, app_get(workspace=self.workspace, app_id=app_id)))

    @extend_schema(request=UpdateInput, responses=WebChatOutput)
    def patch(self, request, workspace_id: int, app_id: int):
        app = app_get(workspace=self.workspace, app_id=app_id)
        data = self.UpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.web_chat_update(app=app, **data.validated_data)
        return Response(_web_chat_body(request, app))


class WebChatRotateApi(WorkspaceScoped, APIView):
    """A new link for the web chat; the old link stops working."""

    capabilities = {"POST": "build"}

    @extend_schema(request=None, responses=WebChatOutput)
    def post(self, request, workspace_id: int, app_id: int):
        app = app_get(workspace=self.workspace, app_id=app_id)
        services.web_chat_rotate(app=app)
        return Response(_web_chat_body(request, app))


class ApiRunListApi(WorkspaceScoped, APIView):
    """The app's runs through the public endpoint (API, chat completions, web chat), newest first."""

    @extend_schema(responses=ApiRunOutput(many=True))
    def get(self, request, workspace_id: int, app_id: int):
        app = app_get(workspace=self.workspace, app_id=app_id)
        runs = selectors.api_runs_of(app=app)
        if key := request.query_params.get("key"):
            runs = runs.filter(api__api_key__prefix=key)
        if run_status := request.query_params.get("status"):
            runs = runs.filter(status=run_status)
        paginator = Pagination()
        page = paginator.paginate_queryset(runs, request, view=self)
        return paginator.get_paginated_response(ApiRunOutput(page, many=True).data)


class ApiKeyListApi(WorkspaceScoped, APIView):
    """GET: the workspace's keys (``?app=<id>`` for one app's). POST: create a key; the secret is
    in this response only."""

    capabilities = {"POST": "build"}

    class KeyCreateInput(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        app_id = serializers.IntegerField(required=False, allow_null=True, default=None)
        rate_limit_per_minute = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)

    @extend_schema(responses=ApiKeyOutput(many=True))
    def get(self, request, workspace_id: int):
        app = None
        if app_id := request.query_params.get("app"):
            app = app_get(workspace=self.workspace, app_id=int(app_id) if app_id.isdigit() else 0)
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.api_keys_of(workspace=self.workspace, app=app), request, view=self)
        return paginator.get_paginated_response(ApiKeyOutput(page, many=True).data)

    @extend_schema(request=KeyCreateInput, responses={201: ApiKeyCreatedOutput})
    def post(self, request, workspace_id: int):
        data = self.KeyCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        app_id = data.validated_data["app_id"]
        app = app_get(workspace=self.workspace, app_id=app_id) if app_id is not None else None
        key, secret = services.api_key_create(
            workspace=self.workspace, name=data.validated_data["name"], user=request.user, app=app,
            rate_limit_per_minute=data.validated_data["rate_limit_per_minute"],
        )
        key.secret = secret
        return Response(ApiKeyCreatedOutput(key).data, status=status.HTTP_201_CREATED)


class ApiKeyDetailApi(WorkspaceScoped, APIView):
    """GET: one key. DELETE: revoke it (kept in the list, marked revoked)."""

    capabilities = {"DELETE": "build"}

    @extend_schema(responses=ApiKeyOutput)
    def get(self, request, workspace_id: int, key_id: int):
        return Response(ApiKeyOutput(selectors.api_key_get(workspace=self.workspace, key_id=key_id)).data)

    @extend_schema(responses=ApiKeyOutput)
    def delete(self, request, workspace_id: int, key_id: int):
        key = services.api_key_revoke(key=selectors.api_key_get(workspace=self.workspace, key_id=key_id))
        return Response(ApiKeyOutput(key).data)
