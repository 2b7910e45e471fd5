"""Lists come a page at a time, by cursor: `next` and `previous` are links to follow. A cursor
stays right while rows are added (an offset would skip or repeat them) and costs the same on
the thousandth page as on the first."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = ("-pk",)

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> tuple[str, ...]:
        ordering = super().get_ordering(request, queryset, view)
        # Ties broken by id, so that a cursor lands on one row.
        if not any(o.lstrip("-") in ("pk", "id") for o in ordering):
            ordering = (*ordering, "-pk" if ordering[0].startswith("-") else "pk")
        return tuple(ordering)
