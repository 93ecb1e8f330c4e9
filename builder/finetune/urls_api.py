from django.urls import path

from builder.finetune import adapter_apis, apis

ws = "workspaces/<int:workspace_id>/finetune/"
job = ws + "jobs/<int:job_id>/"
urlpatterns = [
    path(ws + "methods/", apis.MethodsApi.as_view(), name="finetune-methods"),
    path(ws + "jobs/", apis.FineTuneJobListApi.as_view(), name="finetune-jobs"),
    path(job, apis.FineTuneJobDetailApi.as_view(), name="finetune-job"),
    path(job + "cancel/", apis.FineTuneJobCancelApi.as_view(), name="finetune-job-cancel"),
    path(ws + "adapters/", adapter_apis.AdapterUploadApi.as_view(), name="finetune-adapter-upload"),
    path(job + "adapter/", adapter_apis.AdapterDownloadApi.as_view(), name="finetune-job-adapter"),
    path(job + "merge/", adapter_apis.MergeApi.as_view(), name="finetune-job-merge"),
    path(job + "merged/", adapter_apis.MergedDownloadApi.as_view(), name="finetune-job-merged"),
    path(job + "evaluate/", apis.FineTuneEvaluateApi.as_view(), name="finetune-job-evaluate"),
]
