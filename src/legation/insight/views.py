"""Insight pages: tenure dashboard, coverage heat map, quiet list, person network, handover.

Each page shows `reports.build(...)`, the same data `legation report` writes, and offers it as
JSON, CSV, HTML or PDF (`?format=`). Reads go through visible_to(user) inside the figures.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from legation.core import dates
from legation.core.models import SecurityEvent
from legation.core.signals import security_event
from legation.engagements.models import Posting
from legation.engagements.selectors import default_posting
from legation.insight import reports
from legation.insight.cache import remembered
from legation.insight.network import person_network
from legation.people.models import Person

CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}


class BadDate(Exception):
    """A date parameter that is not a date, or lies outside the accepted range: a 400."""


def _date(request: HttpRequest, name: str) -> dt.date | None:
    """The query parameter `name` as a date within `legation.core.dates`' range, or None."""
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise BadDate(
            _("%(name)s: %(value)s is not a date (use YYYY-MM-DD).")
            % {"name": name, "value": value}
        ) from None
    if not dates.within(day):
        raise BadDate(
            _("%(name)s: %(value)s is out of range: dates run from %(min)s to %(max)s.")
            % {
                "name": name,
                "value": day.isoformat(),
                "min": dates.DATE_MIN.isoformat(),
                "max": dates.DATE_MAX.isoformat(),
            }
        )
    return day


def _refusing_bad_dates(view: Any) -> Any:
    """A bad date parameter answers 400 with its reason, before anything is computed."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except BadDate as exc:
            return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")

    return wrapper


def _posting(request: HttpRequest, *, allow_all: bool = False) -> Posting | None:
    """The chosen posting (id or ref), else the default one; "all" means the whole mission."""
    value = request.GET.get("posting", "").strip()
    visible = Posting.objects.visible_to(request.user).labelled()
    if value == "all" and allow_all:
        return None
    if value:
        found = visible.filter(pk=int(value)) if value.isdigit() else visible.filter(ref=value)
        posting = found.first()
        if posting is None:
            raise Http404(_("No such posting."))
        return posting
    return default_posting(request.user)


def _choices(user: Any) -> list[Posting]:
    return list(Posting.objects.visible_to(user).labelled().order_by("mission__ref", "-arrival"))


def _download(request: HttpRequest, kind: str, data: dict[str, Any], country: str) -> HttpResponse:
    fmt = request.GET.get("format")
    if fmt == "json":
        body = reports.to_json(data)
    elif fmt == "csv":
        body = reports.to_csv(data)
    elif fmt == "html":
        body = reports.to_html(data, country=country, request=request).encode()
    else:
        try:
            body = reports.to_pdf(data, country=country)
        except reports.ReportError as exc:
            return HttpResponse(str(exc), status=500, content_type="text/plain; charset=utf-8")
    security_event(
        SecurityEvent.Kind.EXPORT, user=request.user, request=request, what=f"insight-{kind}"
    )
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    stamp = data.get("as_of") or data.get("end") or timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{kind}-{stamp}.{fmt}"'
    return response


def _page(request: HttpRequest, kind: str, *, allow_all: bool) -> HttpResponse:
    posting = _posting(request, allow_all=allow_all)
    as_of = _date(request, "as_of") or timezone.localdate()
    start = _date(request, "from")
    country = posting.mission.host_country if posting else "US"
    context: dict[str, Any] = {
        "section": "insight",
        "tab": kind,
        "posting": posting,
        "postings": _choices(request.user),
        "allow_all": allow_all,
        "as_of": as_of,
        "start": start,
    }
    if posting is None and kind in ("tenure", "handover"):
        return render(request, f"insight/{kind}.html", {**context, "data": None})
    # Plain values, so they can be kept: until the ledger changes, a second look is instant.
    data = remembered(
        f"report-{kind}",
        request.user,
        (posting.pk if posting else None, as_of, start),
        lambda: reports.build(kind, user=request.user, posting=posting, as_of=as_of, start=start),
    )
    if request.GET.get("format") in CONTENT_TYPES:
        return _download(request, kind, data, country)
    context.update(data=data, **reports.presentation(data, country))
    return render(request, f"insight/{kind}.html", context)


@login_required
@_refusing_bad_dates
def tenure_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "tenure", allow_all=False)


@login_required
@_refusing_bad_dates
def coverage_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "coverage", allow_all=True)


@login_required
@_refusing_bad_dates
def quiet_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "quiet", allow_all=True)


@login_required
@_refusing_bad_dates
def handover_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "handover", allow_all=False)


@login_required
@_refusing_bad_dates
def network_page(request: HttpRequest, pk: int) -> HttpResponse:
    person = Person.objects.visible_to(request.user).filter(pk=pk).first()
    if person is None:
        raise Http404
    as_of = _date(request, "as_of") or timezone.localdate()
    return render(
        request,
        "insight/network.html",
        {
            "section": "insight",
            "tab": "network",
            "net": person_network(person, request.user, as_of=as_of),
            "as_of": as_of,
        },
    )
