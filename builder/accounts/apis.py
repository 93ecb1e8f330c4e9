"""Thin API views of the accounts domain: me, workspaces, members, session workspace, access tokens."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.accounts import selectors, services
from builder.accounts.models import Role
from builder.accounts.permissions import WorkspaceScoped
from builder.core.pagination import paginated_response


class WorkspaceOutput(serializers.Serializer):
    id = serializers.IntegerField(source="workspace.id")
    name = serializers.CharField(source="workspace.name")
    slug = serializers.CharField(source="workspace.slug")
    role = serializers.CharField()


class MeApi(APIView):
    class MeOutput(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        email = serializers.EmailField(allow_null=True)
        name = serializers.CharField(source="get_full_name")
        is_staff = serializers.BooleanField()

    @extend_schema(responses=MeOutput)
    def get(self, request):
        return Response(self.MeOutput(request.user).data)


class WorkspaceListApi(APIView):
    class WorkspaceCreateInput(serializers.Serializer):
        name = serializers.CharField(max_length=120)

    @extend_schema(responses=WorkspaceOutput(many=True))
    def get(self, request):
        return paginated_response(self, request, selectors.memberships_of(user=request.user), WorkspaceOutput)

    @extend_schema(request=WorkspaceCreateInput, responses={201: WorkspaceOutput})
    def post(self, request):
        data = self.WorkspaceCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        workspace = services.workspace_create(name=data.validated_data["name"], owner=request.user)
        membership = selectors.membership_get(user=request.user, workspace_id=workspace.pk)
        return Response(WorkspaceOutput(membership).data, status=status.HTTP_201_CREATED)


class WorkspaceDetailApi(WorkspaceScoped, APIView):
    capabilities = {"PATCH": "manage_workspace"}

    class WorkspaceRenameInput(serializers.Serializer):
        name = serializers.CharField(max_length=120)

    @extend_schema(responses=WorkspaceOutput)
    def get(self, request, workspace_id: int):
        return Response(WorkspaceOutput(self.membership).data)

    @extend_schema(request=WorkspaceRenameInput, responses=WorkspaceOutput)
    def patch(self, request, workspace_id: int):
        data = self.WorkspaceRenameInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.workspace_rename(workspace=self.workspace, name=data.validated_data["name"])
        return Response(WorkspaceOutput(self.membership).data)


class MemberOutput(serializers.Serializer):
    id = serializers.IntegerField()
    user_id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    email = serializers.EmailField(source="user.email", allow_null=True)
    role = serializers.CharField()


class MemberListApi(WorkspaceScoped, APIView):
    capabilities = {"POST": "manage_members"}

    class MemberAddInput(serializers.Serializer):
        email = serializers.EmailField()
        role = serializers.ChoiceField(choices=Role.choices)

    @extend_schema(responses=MemberOutput(many=True))
    def get(self, request, workspace_id: int):
        return paginated_response(self, request, selectors.workspace_members(workspace=self.workspace), MemberOutput)

    @extend_schema(request=MemberAddInput, responses={201: MemberOutput})
    def post(self, request, workspace_id: int):
        data = self.MemberAddInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.membership_add(workspace=self.workspace, **data.validated_data)
        return Response(MemberOutput(membership).data, status=status.HTTP_201_CREATED)


class MemberDetailApi(WorkspaceScoped, APIView):
    capabilities = {"PATCH": "manage_members", "DELETE": "manage_members"}

    class MemberRoleInput(serializers.Serializer):
        role = serializers.ChoiceField(choices=Role.choices)

    @extend_schema(request=MemberRoleInput, responses=MemberOutput)
    def patch(self, request, workspace_id: int, membership_id: int):
        membership = selectors.member_get(workspace=self.workspace, membership_id=membership_id)
        data = self.MemberRoleInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.membership_set_role(membership=membership, role=data.validated_data["role"])
        return Response(MemberOutput(membership).data)

    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id: int, membership_id: int):
        membership = selectors.member_get(workspace=self.workspace, membership_id=membership_id)
        services.membership_remove(membership=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionWorkspaceApi(APIView):
    """Switch the workspace the UI works in."""

    class SessionWorkspaceInput(serializers.Serializer):
        workspace = serializers.IntegerField()

    @extend_schema(request=SessionWorkspaceInput, responses=WorkspaceOutput)
    def post(self, request):
        data = self.SessionWorkspaceInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = selectors.membership_get(user=request.user, workspace_id=data.validated_data["workspace"])
        services.session_workspace_set(session=request.session, workspace=membership.workspace)
        return Response(WorkspaceOutput(membership).data)


class TokenOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


class TokenListApi(APIView):
    class TokenCreateInput(serializers.Serializer):
        name = serializers.CharField(max_length=120)

    class TokenCreated(TokenOutput):
        token = serializers.CharField(help_text="The secret. Shown once; store it now.")

    @extend_schema(responses=TokenOutput(many=True))
    def get(self, request):
        return paginated_response(self, request, selectors.access_tokens_of(user=request.user), TokenOutput)

    @extend_schema(request=TokenCreateInput, responses={201: TokenCreated})
    def post(self, request):
        data = self.TokenCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        token, raw = services.access_token_create(user=request.user, name=data.validated_data["name"])
        body = dict(TokenOutput(token).data, token=raw)
        return Response(body, status=status.HTTP_201_CREATED)


class TokenDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, token_id: int):
        token = selectors.access_token_get(user=request.user, token_id=token_id)
        services.access_token_revoke(token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)
