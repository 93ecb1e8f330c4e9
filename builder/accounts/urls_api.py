from django.urls import path

from builder.accounts import apis

urlpatterns = [
    path("me/", apis.MeApi.as_view(), name="me"),
    path("session/workspace/", apis.SessionWorkspaceApi.as_view(), name="session-workspace"),
    path("workspaces/", apis.WorkspaceListApi.as_view(), name="workspace-list"),
    path("workspaces/<int:workspace_id>/", apis.WorkspaceDetailApi.as_view(), name="workspace-detail"),
    path("workspaces/<int:workspace_id>/members/", apis.MemberListApi.as_view(), name="member-list"),
    path(
        "workspaces/<int:workspace_id>/members/<int:membership_id>/",
        apis.MemberDetailApi.as_view(),
        name="member-detail",
    ),
    path("workspaces/<int:workspace_id>/leave/", apis.LeaveApi.as_view(), name="workspace-leave"),
    path("workspaces/<int:workspace_id>/invitations/", apis.InvitationListApi.as_view(), name="invitation-list"),
    path(
        "workspaces/<int:workspace_id>/invitations/<int:invitation_id>/",
        apis.InvitationDetailApi.as_view(),
        name="invitation-detail",
    ),
    path("tokens/", apis.TokenListApi.as_view(), name="token-list"),
    path("tokens/<int:token_id>/", apis.TokenDetailApi.as_view(), name="token-detail"),
]
