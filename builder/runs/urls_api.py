from django.urls import path

from builder.runs import apis

app_prefix = "workspaces/<int:workspace_id>/apps/<int:app_id>/"
urlpatterns = [
    path(app_prefix + "runs/", apis.AppRunListApi.as_view(), name="app-run-list"),
    path(app_prefix + "nodes/<str:node_id>/run/", apis.NodeRunApi.as_view(), name="node-run"),
    path(app_prefix + "last-runs/", apis.LastTracesApi.as_view(), name="app-last-runs"),
    path("workspaces/<int:workspace_id>/runs/", apis.RunListApi.as_view(), name="run-list"),
    path("workspaces/<int:workspace_id>/runs/<str:run_id>/", apis.RunDetailApi.as_view(), name="run-detail"),
    path("workspaces/<int:workspace_id>/runs/<str:run_id>/cancel/", apis.RunCancelApi.as_view(), name="run-cancel"),
]
