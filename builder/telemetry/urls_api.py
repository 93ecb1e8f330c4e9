from django.urls import path

from builder.telemetry import apis

ws = "workspaces/<int:workspace_id>/telemetry/"
urlpatterns = [
    path(ws, apis.TargetApi.as_view(), name="telemetry-target"),
    path(ws + "test/", apis.TestSpanApi.as_view(), name="telemetry-test"),
    path(ws + "export/", apis.ExportNowApi.as_view(), name="telemetry-export"),
]
