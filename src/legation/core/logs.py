"""Logs in JSON (settings.LOG_FORMAT) and one log line per request (settings.REQUEST_LOG), on the
"legation.request" logger.

With LEGATION_LOG_FORMAT=json each line is a JSON object whose fields a log collector can filter
on: method, path, status, duration_ms, user_id, remote_addr. The query string is left out
(searches and filters carry people's names), and so is the user name: the id is enough to find
the login, and the audit trail says what it did.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

logger = logging.getLogger("legation.request")


class JsonFormatter(_JsonFormatter):
    """python-json-logger's, with Django's request object (the "request" extra of django.request
    and django.security records) written as its method and path: its text would carry the query
    string, and with it the names people search for."""

    def add_fields(self, log_record, record, message_dict) -> None:
        super().add_fields(log_record, record, message_dict)
        request = log_record.pop("request", None)
        if request is not None:
            log_record.setdefault("method", getattr(request, "method", None))
            log_record.setdefault("path", getattr(request, "path", None))


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not getattr(settings, "REQUEST_LOG", False):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        status = response.status_code
        fields = {
            "method": request.method,
            "path": request.path,
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": user.pk if user is not None and user.is_authenticated else None,
            "remote_addr": request.META.get("REMOTE_ADDR"),
        }
        level = logging.ERROR if status >= 500 else logging.INFO
        logger.log(level, "%s %s %s", fields["method"], fields["path"], status, extra=fields)
        return response
