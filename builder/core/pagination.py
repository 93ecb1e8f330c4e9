from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response


class Pagination(LimitOffsetPagination):
    """``?limit=&offset=`` on every list; the answer carries count, next, previous and results."""

    default_limit = 50
    max_limit = 500


def paginated_response(view, request, queryset, serializer_class=None, *, transform=None) -> Response:
    """One page of ``queryset`` in the standard list shape, rendered with ``serializer_class`` or,
    item by item, with ``transform``."""
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    if transform is not None:
        return paginator.get_paginated_response([transform(item) for item in page])
    return paginator.get_paginated_response(serializer_class(page, many=True).data)
