"""Every route of the platform. Routes open to anonymous users are listed in builder.core.public."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from builder.core import error_views
from builder.health.views import healthz

api_patterns = [
    path("", include("builder.accounts.urls_api")),
    path("", include("builder.jobs.urls_api")),
    path("", include("builder.flows.urls_api")),
    path("", include("builder.providers.urls_api")),
    path("", include("builder.prompts.urls_api")),
    path("", include("builder.runs.urls_api")),
    path("", include("builder.datasets.urls_api")),
    path("", include("builder.experiments.urls_api")),
    path("", include("builder.finetune.urls_api")),
    path("", include("builder.annotation.urls_api")),
    path("", include("builder.alerts.urls_api")),
    path("", include("builder.playground.urls_api")),
    path("", include("builder.publishing.urls_api")),
    path("", include("builder.replies.urls_api")),
    path("", include("builder.telemetry.urls_api")),
    path("", include("builder.knowledge.urls_api")),
    path("", include("builder.lineage.urls_api")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", login_required(SpectacularSwaggerView.as_view(url_name="api-schema")), name="api-docs"),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("builder.accounts.urls_pages")),
    path("api/", include(api_patterns)),
    path("", include("builder.publishing.urls_pages")),
    path("", include("builder.monitoring.urls_pages")),
    path("", include("builder.web.urls")),
]

# Django's own errors (no route, an exception outside a DRF view): the error shape under /api/, pages elsewhere.
handler400 = error_views.bad_request
handler403 = error_views.permission_denied
handler404 = error_views.page_not_found
handler500 = error_views.server_error
