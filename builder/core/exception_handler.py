"""The single DRF exception handler: every API failure leaves as
``{"error": {"code": ..., "message": ..., "details": ...}}`` with a stable code."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from builder.core.errors import ApplicationError

logger = logging.getLogger(__name__)

_DRF_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "rate_limited",
    exceptions.ParseError: "malformed_request",
    exceptions.ValidationError: "invalid",
}
# DRF's SessionAuthentication refuses an unsafe request without a valid CSRF token this way.
_CSRF_FAILED_PREFIX = "CSRF Failed"
INTERNAL_ERROR_MESSAGE = "Something went wrong on our side. The error was logged."
TOO_LARGE_MESSAGE = "The request body is larger than this server accepts."


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def handle_exception(exc: Exception, context: dict[str, Any]) -> Response:
    response = _shaped(exc, context)
    request = context.get("request")
    if request is not None:  # JSON whatever the view renders otherwise (the schema's YAML, the docs' HTML)
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
    return response


def _shaped(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "message_dict") else exc.messages)
    elif isinstance(exc, RequestDataTooBig):
        return Response(
            error_body("request_too_large", TOO_LARGE_MESSAGE),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )

    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled error in %s", context.get("view").__class__.__name__, exc_info=exc)
        return Response(
            error_body("internal_error", INTERNAL_ERROR_MESSAGE),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), "error")
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith(_CSRF_FAILED_PREFIX):
        code = "csrf_failed"
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(code, "Some fields are invalid.", exc.detail)
    else:
        detail = getattr(exc, "detail", str(exc))
        response.data = error_body(code, str(detail))
        if isinstance(exc, exceptions.Throttled) and exc.wait:
            response["Retry-After"] = str(int(exc.wait) + 1)
    return response
