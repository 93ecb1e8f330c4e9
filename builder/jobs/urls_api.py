from django.urls import path

from builder.jobs import apis

urlpatterns = [
    path("workspaces/<int:workspace_id>/jobs/", apis.JobListApi.as_view(), name="job-list"),
    path("workspaces/<int:workspace_id>/jobs/<int:job_id>/", apis.JobDetailApi.as_view(), name="job-detail"),
]
