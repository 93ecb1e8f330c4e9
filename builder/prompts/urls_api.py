from django.urls import path

from builder.prompts import apis

ws = "workspaces/<int:workspace_id>/prompts/"
prompt = ws + "<int:prompt_id>/"
urlpatterns = [
    path(ws, apis.PromptListApi.as_view(), name="prompt-list"),
    path(ws + "import/", apis.ImportApi.as_view(), name="prompt-import"),
    path(ws + "resolve/", apis.ResolveApi.as_view(), name="prompt-resolve"),
    path(prompt, apis.PromptDetailApi.as_view(), name="prompt-detail"),
    path(prompt + "versions/", apis.VersionListApi.as_view(), name="prompt-version-list"),
    path(prompt + "versions/<int:number>/", apis.VersionDetailApi.as_view(), name="prompt-version-detail"),
    path(prompt + "labels/<str:label>/", apis.LabelApi.as_view(), name="prompt-label"),
    path(prompt + "labels/<str:label>/rollback/", apis.LabelRollbackApi.as_view(), name="prompt-label-rollback"),
    path(prompt + "label-moves/", apis.LabelMovesApi.as_view(), name="prompt-label-moves"),
    path(prompt + "diff/", apis.DiffApi.as_view(), name="prompt-diff"),
    path(prompt + "export/", apis.ExportApi.as_view(), name="prompt-export"),
]
