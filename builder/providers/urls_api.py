from django.urls import path

from builder.providers import apis

ws = "workspaces/<int:workspace_id>/providers/"
urlpatterns = [
    path("provider-kinds/", apis.ProviderKindsApi.as_view(), name="provider-kinds"),
    path(ws, apis.ProviderListApi.as_view(), name="provider-list"),
    path(ws + "test/", apis.ProviderDraftTestApi.as_view(), name="provider-draft-test"),
    path(ws + "<int:provider_id>/", apis.ProviderDetailApi.as_view(), name="provider-detail"),
    path(ws + "<int:provider_id>/test/", apis.ProviderTestApi.as_view(), name="provider-test"),
]
