from django.urls import path

from builder.replies import apis

replies = "workspaces/<int:workspace_id>/apps/<int:app_id>/replies/"
urlpatterns = [
    path(replies, apis.ReplyListApi.as_view(), name="reply-list"),
    path(replies + "settings/", apis.ReplySettingsApi.as_view(), name="reply-settings"),
    path(replies + "<int:reply_id>/", apis.ReplyDetailApi.as_view(), name="reply-detail"),
]
