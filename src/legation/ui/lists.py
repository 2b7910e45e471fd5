"""Shared machinery of list pages: filters, sorting, pagination without COUNT, CSV export."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

from legation.core.models import SecurityEvent
from legation.core.signals import security_event
from legation.core.spreadsheets import safe_cell


@dataclass
class Page:
    rows: list[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def paginate(queryset: Any, request: HttpRequest, per_page: int = 50) -> Page:
    """A page of rows; fetches one extra row instead of counting the whole table."""
    try:
        number = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        number = 1
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return Page(rows=rows[:per_page], number=number, has_next=len(rows) > per_page)


def sort(
    queryset: Any, request: HttpRequest, options: dict[str, str], default: str
) -> tuple[Any, str]:
    """Order by a whitelisted key; `-key` reverses. Returns the queryset and the key used."""
    key = request.GET.get("sort", default)
    field = options.get(key.lstrip("-"))
    if field is None:
        key, field = default, options[default.lstrip("-")]
    descending = key.startswith("-")
    order = [f"-{f}" if descending else f for f in field.split(",")]
    return queryset.order_by(*order, "-pk" if descending else "pk"), key


def querystring(request: HttpRequest, **changes: Any) -> str:
    params = request.GET.copy()
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    return params.urlencode()


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    request: HttpRequest,
    *,
    name: str,
    header: Sequence[str],
    rows: Iterable[Any],
    row: Callable[[Any], Sequence[Any]],
) -> StreamingHttpResponse:
    """Stream a CSV of what the page shows (all pages), neutralising formulas, and log it."""
    security_event(
        SecurityEvent.Kind.EXPORT,
        user=request.user,
        request=request,
        what=name,
        query=request.GET.urlencode(),
    )
    writer = csv.writer(_Echo())

    def lines() -> Iterable[str]:
        yield "\ufeff" + writer.writerow(header)
        for item in rows:
            yield writer.writerow([safe_cell(v) for v in row(item)])

    stamp = timezone.localdate().isoformat()
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response
