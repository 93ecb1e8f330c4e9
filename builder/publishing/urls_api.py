from django.urls import path

from builder.publishing import apis

ws = "workspaces/<int:workspace_id>/"
app = ws + "apps/<int:app_id>/"
urlpatterns = [
    path(app + "publish/", apis.PublishApi.as_view(), name="app-publish"),
    path(app + "publish/republish/", apis.RepublishApi.as_view(), name="app-republish"),
    path(app + "publish/endpoint/", apis.EndpointApi.as_view(), name="app-endpoint"),
    path(app + "publish/runs/", apis.ApiRunListApi.as_view(), name="app-api-runs"),
    path(app + "publish/web-chat/", apis.WebChatApi.as_view(), name="app-web-chat"),
    path(app + "publish/web-chat/rotate/", apis.WebChatRotateApi.as_view(), name="app-web-chat-rotate"),
    path(app + "labels/", apis.LabelListApi.as_view(), name="label-list"),
    path(app + "labels/audit/", apis.LabelAuditApi.as_view(), name="label-audit"),
    path(app + "labels/<slug:name>/", apis.LabelDetailApi.as_view(), name="label-detail"),
    path(app + "labels/<slug:name>/rollback/", apis.LabelRollbackApi.as_view(), name="label-rollback"),
    path(app + "labels/<slug:name>/split/", apis.LabelSplitApi.as_view(), name="label-split"),
    path(app + "labels/<slug:name>/promote/", apis.LabelPromoteApi.as_view(), name="label-promote"),
    path(ws + "api-keys/", apis.ApiKeyListApi.as_view(), name="api-key-list"),
    path(ws + "api-keys/<int:key_id>/", apis.ApiKeyDetailApi.as_view(), name="api-key-detail"),
]
