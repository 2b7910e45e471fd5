"""Error pages: a database that is busy or unreachable answers 503 "try again", not 500.

SQLite raises "database is locked" when a writer waited longer than its timeout for the lock
(`LEGATION_DB_TIMEOUT`); PostgreSQL raises OperationalError when the server is restarting or a
lock wait timed out. Either way nothing was written, and the request can simply be sent again:
the page says so, with a Retry-After header, and the event is logged like any server error.
"""

from __future__ import annotations

import sys

from django.db.utils import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

RETRY_AFTER = 5  # seconds


def _api_problem(request: HttpRequest, status: int, title: str) -> HttpResponse:
    """The API's errors are problem details (RFC 9457, docs/api.md), its crashes too."""
    from django.http import JsonResponse

    return JsonResponse(
        {
            "type": f"urn:legation:problem:{'busy' if status == 503 else 'server_error'}",
            "title": title,
            "status": status,
            "detail": title,
            "instance": request.path,
        },
        status=status,
        content_type="application/problem+json",
        headers={"Retry-After": str(RETRY_AFTER)} if status == 503 else None,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called while the exception is being handled."""
    busy = isinstance(sys.exc_info()[1], OperationalError)
    if request.path.startswith("/api/"):
        if busy:
            return _api_problem(request, 503, "The database is busy: send the request again.")
        return _api_problem(
            request, 500, "Server error: it was logged. Send the request again later."
        )
    if busy:
        # Rendered without the request's context: that would read the user (the database).
        body = render_to_string("web/busy.html", {"retry_after": RETRY_AFTER})
        return HttpResponse(body, status=503, headers={"Retry-After": str(RETRY_AFTER)})
    return defaults.server_error(request)
