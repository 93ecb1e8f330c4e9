"""Django's own error answers — a URL that matches no route, an exception outside a DRF view (in a
middleware, say), a CSRF failure — in the platform's one error shape on the API (``/api/``), and
Django's HTML pages everywhere else (pages, the admin).

Registered as ``handler400``/``handler403``/``handler404``/``handler500`` in :mod:`builder.urls` and
as ``CSRF_FAILURE_VIEW`` in the settings. Errors inside DRF views never come here: the DRF exception
handler (:mod:`builder.core.exception_handler`) shapes them. With ``DEBUG`` on, Django shows its
debug pages for resolver misses and uncaught exceptions instead of calling these views."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import csrf, defaults

from builder.core.exception_handler import INTERNAL_ERROR_MESSAGE, TOO_LARGE_MESSAGE, error_body

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return (request.path + "/").startswith(API_PREFIX)


def _json(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A request Django refused before any view: a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` read
    outside a DRF view (413), too many form fields, a disallowed host (400)."""
    if not is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return _json(413, "request_too_large", TOO_LARGE_MESSAGE)
    return _json(400, "bad_request", "The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.permission_denied(request, exception)
    return _json(403, "permission_denied", "You do not have permission to do this.")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.page_not_found(request, exception)
    return _json(404, "not_found", f"No API route {request.path}.")


def server_error(request: HttpRequest) -> HttpResponse:
    """Django has already logged the exception (``django.request``); the body names nothing of it."""
    if not is_api(request):
        return defaults.server_error(request)
    return _json(500, "internal_error", INTERNAL_ERROR_MESSAGE)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if not is_api(request):
        return csrf.csrf_failure(request, reason)
    return _json(403, "csrf_failed", f"CSRF verification failed: {reason}")
