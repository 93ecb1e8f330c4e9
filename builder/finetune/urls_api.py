from django.urls import path

from builder.finetune import apis

ws = "workspaces/<int:workspace_id>/finetune/"
job = ws + "jobs/<int:job_id>/"
urlpatterns = [
    path(ws + "methods/", apis.MethodsApi.as_view(), name="finetune-methods"),
    path(ws + "jobs/", apis.FineTuneJobListApi.as_view(), name="finetune-jobs"),
    path(job, apis.FineTuneJobDetailApi.as_view(), name="finetune-job"),
    path(job + "cancel/", apis.FineTuneJobCancelApi.as_view(), name="finetune-job-cancel"),
]
