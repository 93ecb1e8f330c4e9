from django.urls import path

from builder.playground import apis

urlpatterns = [
    path("workspaces/<int:workspace_id>/playground/runs/", apis.PlaygroundRunsApi.as_view(), name="playground-runs"),
]
