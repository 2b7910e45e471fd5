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


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called while the exception is being handled."""
    if isinstance(sys.exc_info()[1], OperationalError):
        # Rendered without the request's context: that would read the user (the database).
        body = render_to_string("web/busy.html", {"retry_after": RETRY_AFTER})
        return HttpResponse(body, status=503, headers={"Retry-After": str(RETRY_AFTER)})
    return defaults.server_error(request)
