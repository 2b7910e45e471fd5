"""Every API error in one shape: problem details (RFC 9457), `application/problem+json`.

    {"type": "urn:legation:problem:validation", "title": "…", "status": 400,
     "detail": "…", "instance": "/api/v1/engagements/",
     "errors": [{"field": "start", "message": "…"}]}

`type` names the kind of problem (docs/api.md lists them); `errors` names each refused field
(`null` for the record as a whole); a write on an old version (412) carries `current_version`.
Messages follow the request's language (Accept-Language) as the pages do."""

from __future__ import annotations

import math
import re
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import exceptions, status
from rest_framework.response import Response

from legation.core.access import MissionRequired
from legation.core.services import ConflictError

CONTENT_TYPE = "application/problem+json"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = _lazy(
        "Send If-Match with the record's ETag (its version): a change is refused without it, "
        "so that no one overwrites a change they have not seen."
    )
    default_code = "precondition_required"


class RestoreRefused(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "restore_refused"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "version_conflict"

    def __init__(self, detail: str, current_version: int) -> None:
        super().__init__(detail)
        self.current_version = current_version


def _path(key: str) -> str:
    """A service's row key (`emails-0-email`, the form's) as the API's dotted path."""
    match = re.fullmatch(r"([a-z_]+)-(\d+)(?:-(\w+))?", key)
    return ".".join(p for p in match.groups() if p) if match else key


def _field_errors(data: Any, prefix: str = "") -> list[dict[str, Any]]:
    """DRF's nested error structure, flat: one entry per message, the field as a dotted path."""
    out: list[dict[str, Any]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            name = None if key in ("non_field_errors", "__all__") else _path(str(key))
            path = ".".join(p for p in (prefix, name) if p) or None
            out.extend(_field_errors(value, path or ""))
    elif isinstance(data, list):
        if all(not isinstance(v, dict | list) for v in data):
            out.extend({"field": prefix or None, "message": str(v)} for v in data)
        else:
            for i, value in enumerate(data):
                out.extend(_field_errors(value, f"{prefix}.{i}" if prefix else str(i)))
    else:
        out.append({"field": prefix or None, "message": str(data)})
    return out


def stale_version(mine: int, theirs: int) -> str:
    return _(
        "The record is at version %(theirs)s, not %(mine)s: nothing was changed. Read it again, "
        "then redo your change."
    ) % {"theirs": theirs, "mine": mine}


def problem(
    request: Any, status_code: int, code: str, title: str, detail: str = "", **extra: Any
) -> Response:
    body = {
        "type": f"urn:legation:problem:{code}",
        "title": title,
        "status": status_code,
        "detail": detail or title,
        "instance": getattr(request, "path", ""),
        **extra,
    }
    return Response(body, status=status_code, content_type=CONTENT_TYPE)


def handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    request = context.get("request")
    if isinstance(exc, ConflictError):
        return problem(
            request,
            412,
            "version_conflict",
            _("The record changed since you read it."),
            stale_version(exc.expected, exc.current.version),
            current_version=exc.current.version,
        )
    if isinstance(exc, PreconditionFailed):
        return problem(
            request,
            412,
            "version_conflict",
            _("The record changed since you read it."),
            str(exc.detail),
            current_version=exc.current_version,
        )
    if isinstance(exc, DjangoValidationError | exceptions.ValidationError):
        if isinstance(exc, exceptions.ValidationError):
            errors = _field_errors(exc.detail)
        else:  # a service's refusal
            errors = _field_errors(
                exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            )
        return problem(
            request,
            400,
            "validation",
            _("Some values were refused."),
            " ".join(e["message"] for e in errors)[:500],
            errors=errors,
        )
    if isinstance(exc, MissionRequired):
        return problem(
            request,
            400,
            "mission_required",
            _("Name the mission."),
            exc.message,
            errors=[{"field": "mission", "message": exc.message}],
            missions=[m.ref for m in exc.missions],
        )
    if isinstance(exc, Http404):
        return problem(request, 404, "not_found", _("Not found."), _("No such record here."))
    if isinstance(exc, PermissionDenied):
        return problem(
            request, 403, "forbidden", _("Not allowed."), " ".join(exc.args) or _("Not allowed.")
        )
    if isinstance(exc, exceptions.APIException):
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        response = problem(
            request,
            exc.status_code,
            str(code),
            str(exc.default_detail) if not isinstance(exc.detail, str) else str(exc.detail),
            str(exc.detail) if isinstance(exc.detail, str) else "",
        )
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            response["Retry-After"] = str(max(1, math.ceil(exc.wait)))
        auth = getattr(exc, "auth_header", None)
        if auth:
            response["WWW-Authenticate"] = auth
        return response
    return None
