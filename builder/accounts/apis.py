"""Thin API views of the accounts domain: me, workspaces, members and invitations, session workspace,
access tokens."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.accounts import selectors, services
from builder.accounts.models import Membership, Role
from builder.accounts.permissions import ANY_MEMBER, WorkspaceScoped
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
    # Every member reads it (annotators too: the app shows them their workspace and role).
    capabilities = {"GET": ANY_MEMBER, "PATCH": "manage_workspace"}

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
    name = serializers.CharField(source="user.get_full_name")
    email = serializers.EmailField(source="user.email", allow_null=True)
    role = serializers.CharField()
    is_you = serializers.SerializerMethodField()

    def get_is_you(self, membership: Membership) -> bool:
        request = self.context.get("request")
        return request is not None and membership.user_id == request.user.pk


class InvitationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.CharField()
    invited_by = serializers.CharField(source="invited_by.username", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()


class InvitationCreated(InvitationOutput):
    link = serializers.CharField(help_text="The invitation link. Shown once; pass it on if no mail arrives.")
    email_sent = serializers.BooleanField()


class InvitationCreatedOutput(serializers.Serializer):
    invitation = InvitationCreated()


class MemberListApi(WorkspaceScoped, APIView):
    capabilities = {"POST": "manage_members"}

    class MemberInviteInput(serializers.Serializer):
        email = serializers.EmailField(required=False)
        username = serializers.CharField(required=False, max_length=150)
        role = serializers.ChoiceField(choices=Role.choices)

        def validate(self, attrs: dict) -> dict:
            if bool(attrs.get("email")) == bool(attrs.get("username")):
                raise serializers.ValidationError("Give either an e-mail address or a username.")
            return attrs

    @extend_schema(responses=MemberOutput(many=True))
    def get(self, request, workspace_id: int):
        members = selectors.workspace_members(workspace=self.workspace)
        context = {"request": request}
        return paginated_response(self, request, members, transform=lambda m: MemberOutput(m, context=context).data)

    @extend_schema(
        request=MemberInviteInput,
        responses={
            201: PolymorphicProxySerializer(
                component_name="MemberOrInvitation",
                serializers=[MemberOutput, InvitationCreatedOutput],
                resource_type_field_name=None,
            )
        },
    )
    def post(self, request, workspace_id: int):
        """Invite by e-mail or username: a known user becomes a member at once, an unknown e-mail
        gets an invitation (its link in the answer, once)."""
        data = self.MemberInviteInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.member_invite(
            workspace=self.workspace,
            role=data.validated_data["role"],
            invited_by=request.user,
            email=data.validated_data.get("email", ""),
            username=data.validated_data.get("username", ""),
            link_for=lambda token: request.build_absolute_uri(reverse("invitation-accept", args=[token])),
        )
        if result.membership is not None:
            body = MemberOutput(result.membership, context={"request": request}).data
        else:
            invitation = dict(InvitationOutput(result.invitation).data, link=result.link, email_sent=result.email_sent)
            body = {"invitation": invitation}
        return Response(body, status=status.HTTP_201_CREATED)


class MemberDetailApi(WorkspaceScoped, APIView):
    # Removing: owners remove anyone, every member may remove themselves (the service checks).
    capabilities = {"PATCH": "manage_members", "DELETE": ANY_MEMBER}

    class MemberRoleInput(serializers.Serializer):
        role = serializers.ChoiceField(choices=Role.choices)

    @extend_schema(request=MemberRoleInput, responses=MemberOutput)
    def patch(self, request, workspace_id: int, membership_id: int):
        membership = selectors.member_get(workspace=self.workspace, membership_id=membership_id)
        data = self.MemberRoleInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.membership_set_role(membership=membership, role=data.validated_data["role"])
        return Response(MemberOutput(membership, context={"request": request}).data)

    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id: int, membership_id: int):
        membership = selectors.member_get(workspace=self.workspace, membership_id=membership_id)
        services.membership_remove(membership=membership, by=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LeaveApi(WorkspaceScoped, APIView):
    """Leave the workspace (the last owner cannot)."""

    capabilities = {"POST": ANY_MEMBER}

    @extend_schema(request=None, responses={204: None})
    def post(self, request, workspace_id: int):
        services.membership_remove(membership=self.membership, by=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListApi(WorkspaceScoped, APIView):
    capabilities = {"GET": "manage_members"}

    @extend_schema(responses=InvitationOutput(many=True))
    def get(self, request, workspace_id: int):
        invitations = selectors.invitations_pending(workspace=self.workspace)
        return paginated_response(self, request, invitations, InvitationOutput)


class InvitationDetailApi(WorkspaceScoped, APIView):
    capabilities = {"DELETE": "manage_members"}

    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id: int, invitation_id: int):
        invitation = selectors.invitation_get(workspace=self.workspace, invitation_id=invitation_id)
        services.invitation_revoke(invitation=invitation)
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
