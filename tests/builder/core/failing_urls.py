"""A URLconf for tests only: the platform's routes and error handlers, plus plain Django views (no DRF)
that fail in each way Django answers for itself — under /api/ and, the same views, as pages."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from builder.urls import *  # noqa: F403 - the platform's error handlers (handler400 ... handler500)
from builder.urls import urlpatterns as platform_patterns

SECRET = "sk-live-do-not-show-0123456789"


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(f"the database password is {SECRET}")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a header that cannot be right")


def form(request: HttpRequest) -> HttpResponse:
    """Reads the posted form: past DATA_UPLOAD_MAX_MEMORY_SIZE Django refuses the body itself. Also
    CSRF-protected, as every plain Django view is."""
    return HttpResponse(str(len(request.POST)))


def _failing(prefix: str) -> list:
    return [
        path(f"{prefix}crash/", crash),
        path(f"{prefix}forbidden/", forbidden),
        path(f"{prefix}suspicious/", suspicious),
        path(f"{prefix}form/", form),
    ]


urlpatterns = [*_failing("api/test-only/"), *_failing("test-only/"), *platform_patterns]
