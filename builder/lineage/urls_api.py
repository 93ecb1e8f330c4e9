from django.urls import path

from builder.lineage import apis

urlpatterns = [
    path("workspaces/<int:workspace_id>/apps/<int:app_id>/versions/<int:number>/lineage/",
         apis.VersionLineageApi.as_view(), name="version-lineage"),
]
