"""Every web request runs inside an audit context: changes are attributed to the logged-in user."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from legation.core.audit import audit


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        source = "api" if request.path.startswith("/api/") else "web"
        with audit(
            actor_getter=lambda: getattr(request, "user", None),
            source=source,
            remote_addr=request.META.get("REMOTE_ADDR"),
            description=f"{request.method} {request.path}"[:300],
        ):
            return self.get_response(request)
