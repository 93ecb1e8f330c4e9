"""Thin API views of a workspace's model providers: the kinds, the list (with the platform's own
providers read-only), add / edit / delete, the connection test (saved or not yet saved) and the
provider's model list. A key goes in and never comes out: answers carry only its last four
characters."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.accounts.permissions import WorkspaceScoped
from builder.providers import selectors, services
from runtime.providers.kinds import provider_kinds

WRITE = {"POST": "build", "PATCH": "build", "DELETE": "build"}


class ModelPriceInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    input_per_million = serializers.FloatField(required=False, allow_null=True, min_value=0)
    output_per_million = serializers.FloatField(required=False, allow_null=True, min_value=0)
    currency = serializers.CharField(required=False, max_length=3, default="USD")


class ModelPriceOutput(serializers.Serializer):
    name = serializers.CharField()
    input_per_million = serializers.FloatField(allow_null=True)
    output_per_million = serializers.FloatField(allow_null=True)
    currency = serializers.CharField()
    price_source = serializers.ChoiceField(choices=["custom", "default", "none", "free"])


class ProviderOutput(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    source = serializers.ChoiceField(choices=["workspace", "operator", "bundled"])
    read_only = serializers.BooleanField()
    base_url = serializers.CharField()
    settings = serializers.DictField()
    key_hint = serializers.CharField(help_text="The key's last four characters; the key itself is never returned.")
    has_key = serializers.BooleanField()
    models = ModelPriceOutput(many=True)
    created_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)


class ProviderInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.CharField(max_length=40)
    settings = serializers.DictField(child=serializers.CharField(max_length=500, allow_blank=True), required=False,
                                     default=dict)
    api_key = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000,
                                    trim_whitespace=True, style={"input_type": "password"})
    models = ModelPriceInput(many=True, required=False, max_length=services.MAX_MODELS)


class ProviderUpdateInput(serializers.Serializer):
    name = serializers.CharField(required=False, max_length=100)
    settings = serializers.DictField(child=serializers.CharField(max_length=500, allow_blank=True), required=False)
    api_key = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                    help_text="Absent: keep the key; empty: remove it; a value: replace it.")
    models = ModelPriceInput(many=True, required=False, max_length=services.MAX_MODELS)


class ConnectionOutput(serializers.Serializer):
    ok = serializers.BooleanField()
    code = serializers.CharField(allow_null=True, help_text="auth_failed, unreachable, url_not_allowed, "
                                 "quota_exceeded, rate_limited, not_found, timeout, bad_response")
    message = serializers.CharField()
    latency_ms = serializers.FloatField()
    models = serializers.ListField(child=serializers.CharField())


def _models(data) -> list[dict] | None:
    return [dict(m) for m in data["models"]] if "models" in data else None


class ProviderKindsApi(APIView):
    """The kinds of provider a workspace can add (data: runtime/providers/kinds.toml)."""

    @extend_schema(responses={200: None})
    def get(self, request):
        return Response({"results": [kind.to_dict() for kind in provider_kinds().values()]})


class ProviderListApi(WorkspaceScoped, APIView):
    """GET: the bundled local provider, the operator's (read-only) and the workspace's.
    POST: add a provider (its base URL checked against the address policy, its key encrypted)."""

    capabilities = WRITE

    @extend_schema(responses=ProviderOutput(many=True))
    def get(self, request, workspace_id: int):
        rows = selectors.platform_providers() + [
            selectors.provider_row(p) for p in selectors.providers_of(workspace_id=self.workspace.pk)
        ]
        return Response({"results": ProviderOutput(rows, many=True).data})

    @extend_schema(request=ProviderInput, responses={201: ProviderOutput})
    def post(self, request, workspace_id: int):
        data = ProviderInput(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        provider = services.provider_create(
            workspace=self.workspace, user=request.user, name=body["name"], kind=body["kind"],
            kind_settings=body["settings"], api_key=body["api_key"], models=_models(body),
        )
        return Response(ProviderOutput(selectors.provider_row(provider)).data, status=status.HTTP_201_CREATED)


class ProviderDetailApi(WorkspaceScoped, APIView):
    capabilities = WRITE

    @extend_schema(responses=ProviderOutput)
    def get(self, request, workspace_id: int, provider_id: int):
        provider = selectors.provider_get(workspace=self.workspace, provider_id=provider_id)
        return Response(ProviderOutput(selectors.provider_row(provider)).data)

    @extend_schema(request=ProviderUpdateInput, responses=ProviderOutput)
    def patch(self, request, workspace_id: int, provider_id: int):
        provider = selectors.provider_get(workspace=self.workspace, provider_id=provider_id)
        data = ProviderUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        services.provider_update(provider=provider, name=body.get("name"), kind_settings=body.get("settings"),
                                 api_key=body.get("api_key"), models=_models(body))
        return Response(ProviderOutput(selectors.provider_row(provider)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id: int, provider_id: int):
        services.provider_delete(provider=selectors.provider_get(workspace=self.workspace, provider_id=provider_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProviderTestApi(WorkspaceScoped, APIView):
    """POST: call the saved provider (list its models) and say what failed, if anything."""

    capabilities = {"POST": "build"}

    @extend_schema(request=None, responses=ConnectionOutput)
    def post(self, request, workspace_id: int, provider_id: int):
        provider = selectors.provider_get(workspace=self.workspace, provider_id=provider_id)
        endpoint = services.endpoint_of(kind=provider.kind, kind_settings=provider.kind_settings,
                                        api_key=services.provider_key(provider))
        model = provider.catalog[0]["name"] if provider.catalog else None
        return Response(ConnectionOutput(services.connection_test(endpoint, model=model).as_dict()).data)


class ProviderDraftTestApi(WorkspaceScoped, APIView):
    """POST the add form as it is (nothing is saved): "Test connection" before saving."""

    capabilities = {"POST": "build"}

    @extend_schema(request=ProviderInput, responses=ConnectionOutput, operation_id="workspaces_providers_draft_test")
    def post(self, request, workspace_id: int):
        data = ProviderInput(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        endpoint = services.endpoint_of(kind=body["kind"], kind_settings=body["settings"], api_key=body["api_key"])
        models = body.get("models") or []
        model = models[0]["name"] if models else None
        return Response(ConnectionOutput(services.connection_test(endpoint, model=model).as_dict()).data)
