"""Creating, listing and revoking API tokens: the services the web page and `legation token` share.

Each change is audited (the token's history) and a security event; the secret exists only in the
value returned by `token_create`, never in the database, a log or an event."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from legation.api.models import ApiToken

__all__ = ["ApiToken", "authenticate", "digest", "token_create", "token_revoke"]
from legation.core.services import writing
from legation.core.signals import security_event

PREFIX = "lgn_"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(
    *,
    actor: Any,
    user: Any,
    name: str,
    scope: str = ApiToken.Scope.READ,
    expires: dt.datetime | None = None,
    request: Any = None,
    source: str = "command",
) -> tuple[ApiToken, str]:
    """A new token for `user` (the actor is the user, or an administrator from the command
    line). Returns the row and the token itself, which is shown once and never stored."""
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [gettext("Name the token (what script or system uses it).")]
    elif len(name) > ApiToken._meta.get_field("name").max_length:
        errors["name"] = [gettext("A token's name has at most 100 characters.")]
    if scope not in ApiToken.Scope.values:
        errors["scope"] = [gettext("The scope is read or write.")]
    if expires is not None and expires <= timezone.now():
        errors["expires"] = [gettext("The expiry must be in the future.")]
    if not user.is_active:
        errors["user"] = [gettext("This user is not active.")]
    if errors:
        raise ValidationError(errors)
    prefix = secrets.token_hex(6)
    token = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with writing(actor, description=f"create API token {name[:60]}", source=source):
        row = ApiToken.objects.create(
            user=user, name=name, prefix=prefix, digest=digest(token), scope=scope, expires=expires
        )
    security_event(
        "token_created",
        user=user,
        request=request,
        source=source,
        token=row.prefix,
        name=name,
        scope=scope,
        by=actor.get_username() if actor is not None and actor != user else "",
    )
    return row, token


def token_revoke(
    *, actor: Any, token: ApiToken, request: Any = None, source: str = "command"
) -> ApiToken:
    if token.revoked is None:
        with writing(actor, description=f"revoke API token {token.name[:60]}", source=source):
            token.revoked = timezone.now()
            token.save(update_fields=["revoked"])
        security_event(
            "token_revoked",
            user=token.user,
            request=request,
            source=source,
            token=token.prefix,
            name=token.name,
        )
    return token


def authenticate(raw: str) -> ApiToken | None:
    """The active token `raw` is, or None (unknown, wrong secret, revoked or expired)."""
    if not raw.startswith(PREFIX):
        return None
    prefix = raw[len(PREFIX) :].split("_", 1)[0]
    row = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if row is None or not hmac.compare_digest(row.digest, digest(raw)):
        return None
    if not row.active or not row.user.is_active:
        return None
    now = timezone.now()
    # Last use to the minute: one write a minute per token, not one per request.
    if row.last_used is None or now - row.last_used > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=row.pk).update(last_used=now)
        row.last_used = now
    return row
