"""Every route of the platform. Routes open to anonymous users are listed in builder.core.public."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from builder.health.views import healthz

api_patterns = [
    path("", include("builder.accounts.urls_api")),
    path("", include("builder.jobs.urls_api")),
    path("", include("builder.flows.urls_api")),
    path("", include("builder.runs.urls_api")),
    path("", include("builder.publishing.urls_api")),
    path("", include("builder.knowledge.urls_api")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", login_required(SpectacularSwaggerView.as_view(url_name="api-schema")), name="api-docs"),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("builder.accounts.urls_pages")),
    path("api/", include(api_patterns)),
    path("", include("builder.publishing.urls_pages")),
    path("", include("builder.web.urls")),
]
