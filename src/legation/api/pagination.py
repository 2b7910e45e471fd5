"""Lists come a page at a time, by cursor: follow `next` as given.

The cursor holds the sort key of the page's last row (every field of the order, then the id),
and the next page is the rows after it in that order (keyset pagination): rows added or removed
meanwhile never make a row come twice or be skipped, and the thousandth page costs what the
first does. (DRF's own cursor keeps only the first field and counts ties by offset: a row added
among the ties repeated one.) The orders offered are each endpoint's `sorts`, on fields that
are never NULL, so that "after" means the same on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
from collections import OrderedDict
from functools import reduce
from operator import and_, or_
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

MAX_PAGE_SIZE = 500


class Keyset(BasePagination):
    page_size = 50
    cursor_query_param = "cursor"
    invalid_cursor = _("The cursor is not one this list gave.")
    invalid_sort = _("Sort by one of: %(sorts)s (a leading - reverses).")

    # -- the order ---------------------------------------------------------------------------

    def order(self, request: Any, view: Any) -> tuple[str, list[tuple[str, bool]]]:
        """The sort asked for (`?sort=`, else the view's default) as (field, descending) pairs,
        the id last."""
        sorts: dict[str, tuple[str, ...]] = view.sorts
        key = request.query_params.get("sort") or view.default_sort
        name = key.lstrip("-")
        if name not in sorts:
            choices = ", ".join(sorted(sorts))
            raise exceptions.ValidationError({"sort": [self.invalid_sort % {"sorts": choices}]})
        descending = key.startswith("-")
        return key, [*((f, descending) for f in sorts[name]), ("pk", descending)]

    # -- the page ----------------------------------------------------------------------------

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any]:
        self.request = request
        self.size = self._page_size(request)
        self.key, self.fields = self.order(request, view)
        queryset = queryset.order_by(*(f"-{f}" if d else f for f, d in self.fields))
        raw = request.query_params.get(self.cursor_query_param)
        if raw:
            queryset = queryset.filter(self._after(queryset.model, raw))
        try:
            rows = list(queryset[: self.size + 1])
        except (ValueError, TypeError, DjangoValidationError):
            raise exceptions.NotFound(self.invalid_cursor) from None
        self.has_next = len(rows) > self.size
        self.rows = rows[: self.size]
        return self.rows

    def _page_size(self, request: Any) -> int:
        value = request.query_params.get("page_size")
        if value is None:
            return self.page_size
        try:
            size = int(value)
        except ValueError:
            size = 0
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise exceptions.ValidationError(
                {"page_size": [f"A whole number from 1 to {MAX_PAGE_SIZE}."]}
            )
        return size

    def _after(self, model: Any, raw: str) -> Q:
        """Rows after the cursor's row in the current order: for each field, those equal on
        the fields before it and after it on this one."""
        try:
            data = json.loads(base64.urlsafe_b64decode(raw.encode()).decode())
            if data["s"] != self.key or len(data["v"]) != len(self.fields):
                raise ValueError
            values = []
            for (name, _desc), value in zip(self.fields, data["v"], strict=True):
                field = model._meta.pk if name == "pk" else model._meta.get_field(name)
                values.append(field.to_python(value))
        except (ValueError, TypeError, KeyError, DjangoValidationError, UnicodeDecodeError):
            raise exceptions.NotFound(self.invalid_cursor) from None
        alternatives = []
        for i, (name, desc) in enumerate(self.fields):
            same = [Q(**{f: values[j]}) for j, (f, _) in enumerate(self.fields[:i])]
            step = Q(**{f"{name}__{'lt' if desc else 'gt'}": values[i]})
            alternatives.append(reduce(and_, [*same, step]))
        return reduce(or_, alternatives)

    def _cursor(self, row: Any) -> str:
        values = []
        for name, _desc in self.fields:
            value = getattr(row, "pk" if name == "pk" else name)
            values.append(value.isoformat() if hasattr(value, "isoformat") else value)
        data = json.dumps({"s": self.key, "v": values}, separators=(",", ":"), default=str)
        return base64.urlsafe_b64encode(data.encode()).decode()

    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self._cursor(self.rows[-1]))

    def get_first_link(self) -> str:
        return remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            OrderedDict([("next", self.get_next_link()), ("first", self.get_first_link()),
                         ("results", data)])
        )  # fmt: skip

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "first": {"type": "string", "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:
        sorts = sorted(view.sorts)
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: the `next` link's, as given.",
                "schema": {"type": "string"},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": f"Rows per page (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
            {
                "name": "sort",
                "required": False,
                "in": "query",
                "description": f"The order (default `{view.default_sort}`); a leading - reverses.",
                "schema": {"type": "string", "enum": [*sorts, *(f"-{s}" for s in sorts)]},
            },
        ]
