from django.urls import path

from builder.flows import apis, catalog

ws = "workspaces/<int:workspace_id>/"
app = ws + "apps/<int:app_id>/"
urlpatterns = [
    path("node-types/", catalog.NodeTypesApi.as_view(), name="node-types"),
    path(ws + "models/", catalog.ModelsApi.as_view(), name="model-list"),
    path(ws + "tools/", catalog.ToolsApi.as_view(), name="tool-list"),
    path(ws + "apps/", apis.AppListApi.as_view(), name="app-list"),
    path(ws + "apps/import/", apis.ImportApi.as_view(), name="app-import"),
    path(app, apis.AppDetailApi.as_view(), name="app-detail"),
    path(app + "duplicate/", apis.AppDuplicateApi.as_view(), name="app-duplicate"),
    path(app + "draft/", apis.DraftApi.as_view(), name="app-draft"),
    path(app + "validate/", apis.ValidateApi.as_view(), name="app-validate"),
    path(app + "versions/", apis.VersionListApi.as_view(), name="version-list"),
    path(app + "versions/<int:number>/", apis.VersionDetailApi.as_view(), name="version-detail"),
    path(app + "versions/<int:number>/restore/", apis.VersionRestoreApi.as_view(), name="version-restore"),
    path(app + "diff/", apis.DiffApi.as_view(), name="app-diff"),
    path(app + "export/", apis.ExportApi.as_view(), name="app-export"),
]
