"""Query strings hold text the database can hold, or the request is refused: a ``NUL`` (``%00``) or
a lone surrogate in a search or filter parameter reached a query and failed it (500) on any list.
One middleware checks every request's parameters once, before any view, so no list has to."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

from builder.core.error_views import is_api
from builder.core.exception_handler import error_body
from builder.core.text import is_storable_text


class QueryTextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.META.get("QUERY_STRING"):
            for name, values in request.GET.lists():
                if not is_storable_text(name) or not all(is_storable_text(v) for v in values):
                    return _refused(request, name)
        return self.get_response(request)


def _refused(request: HttpRequest, name: str) -> HttpResponse:
    message = "A query parameter holds a character text cannot hold (NUL or a lone surrogate)."
    if not is_api(request):
        return HttpResponseBadRequest(message)
    field = f"query.{name}" if is_storable_text(name) else "query"
    return JsonResponse(error_body("invalid_text", message, {"field": field}), status=400)
