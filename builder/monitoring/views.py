"""The monitoring pages' one door: every request to the Dash app passes the Django session login,
CSRF check (Dash's renderer sends Django's token) and workspace membership here, and only then
reaches Dash (:mod:`builder.monitoring.dash.server`).

- ``/monitoring/`` → the signed-in user's first workspace's cost page.
- ``/monitoring/w/<workspace>/<path>``: pages and Dash's own routes for that workspace. Not a
  member: 404, as everywhere. A member without the ``view`` capability (an annotator): 403.
- ``/monitoring/<path>``: the component bundles and assets (no workspace data): signed in only.

Anonymous visitors are sent to the login page; Dash's own routes (``_dash-…``) answer them 401 in
the platform's error shape instead, since a script, not a person, asked."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_http_methods

from builder.accounts.models import Membership
from builder.core.exception_handler import error_body
from builder.monitoring.dash import server

_DROPPED_HEADERS = frozenset({"content-length", "connection", "keep-alive", "transfer-encoding"})
_STATIC = ("_dash-component-suites/", "assets/", "_favicon.ico")


def _scripted(path: str) -> bool:
    return path.startswith(("_dash-", "_reload-hash")) or path.startswith(_STATIC)


def _refused(request: HttpRequest, path: str, status: int, code: str, message: str) -> HttpResponse:
    if status == 401 and not _scripted(path):
        return redirect_to_login(request.get_full_path())
    return JsonResponse(error_body(code, message), status=status)


@require_http_methods(["GET", "HEAD"])
def monitoring_home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    membership = (Membership.objects.filter(user=request.user).order_by("workspace_id")
                  .values_list("workspace_id", flat=True).first())
    if membership is None:
        return JsonResponse(error_body("not_found", "You are not a member of any workspace."), status=404)
    return redirect(f"{server.PREFIX}w/{membership}/cost")


@ensure_csrf_cookie
@require_http_methods(["GET", "HEAD", "POST"])
def monitoring_page(request: HttpRequest, workspace_id: int, path: str = "") -> HttpResponse:
    if not request.user.is_authenticated:
        return _refused(request, path, 401, "not_authenticated", "Sign in to see monitoring.")
    workspace_id = int(workspace_id)
    membership = Membership.objects.filter(user=request.user, workspace_id=workspace_id).first()
    if membership is None:
        return _refused(request, path, 404, "not_found", "Workspace not found.")
    if not membership.can("view"):
        return _refused(request, path, 403, "role_forbidden",
                        f"Your role ({membership.role}) in this workspace does not allow this.")
    return _to_dash(request, path, {server.WORKSPACE_KEY: workspace_id, server.USER_KEY: request.user.pk,
                                    server.ROLE_KEY: membership.role})


@require_http_methods(["GET", "HEAD"])
def monitoring_static(request: HttpRequest, path: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return _refused(request, path, 401, "not_authenticated", "Sign in to see monitoring.")
    if not path.startswith(_STATIC):
        return JsonResponse(error_body("not_found", "Open monitoring through a workspace."), status=404)
    response = _to_dash(request, path, {})
    if response.status_code >= 500:  # Dash fails on a component package it does not know: nothing to serve
        return JsonResponse(error_body("not_found", "No such monitoring file."), status=404)
    return response


_DASH_ERRORS = {400: ("invalid_request", "The page sent a request the monitoring pages cannot read."),
                404: ("not_found", "No such monitoring page or file."),
                405: ("method_not_allowed", "Method not allowed here.")}


def _to_dash(request: HttpRequest, path: str, extra: dict) -> HttpResponse:
    status, headers, body = server.call(
        method=request.method or "GET", path=path, query=request.META.get("QUERY_STRING", ""),
        headers=dict(request.headers), body=request.body, extra=extra)
    if status >= 400 and not any(n.lower() == "content-type" and "json" in v for n, v in headers):
        # Flask's own HTML error pages, answered in the platform's one error shape instead
        code, message = _DASH_ERRORS.get(status, ("internal_error", "The monitoring page failed; it is logged."))
        return JsonResponse(error_body(code, message), status=status if status in _DASH_ERRORS else 500)
    response = HttpResponse(body, status=status)
    for name, value in headers:
        if name.lower() not in _DROPPED_HEADERS:
            response[name] = value
    return response
