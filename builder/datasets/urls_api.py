from django.urls import path

from builder.datasets import apis

ws = "workspaces/<int:workspace_id>/datasets/"
dataset = ws + "<int:dataset_id>/"
version = dataset + "versions/<int:number>/"
urlpatterns = [
    path(ws, apis.DatasetListApi.as_view(), name="dataset-list"),
    path(ws + "grid-preview/", apis.GridPreviewApi.as_view(), name="dataset-grid-preview"),
    path(dataset, apis.DatasetDetailApi.as_view(), name="dataset-detail"),
    path(dataset + "versions/", apis.VersionListApi.as_view(), name="dataset-version-list"),
    path(dataset + "files/", apis.FileApi.as_view(), name="dataset-file"),
    path(dataset + "fill/", apis.FillApi.as_view(), name="dataset-fill"),
    path(version, apis.VersionDetailApi.as_view(), name="dataset-version-detail"),
    path(version + "rows/", apis.RowListApi.as_view(), name="dataset-row-list"),
    path(version + "export/", apis.ExportApi.as_view(), name="dataset-export"),
]
