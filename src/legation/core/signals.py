"""Keep the audit log append-only and record authentication events."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver

from legation.core.models import Operation, SecurityEvent


class AuditLogIsAppendOnly(Exception):
    pass


def _guard(sender: Any, instance: Any, **kwargs: Any) -> None:
    if sender.__name__.startswith("Historical") and not instance._state.adding:
        raise AuditLogIsAppendOnly("The audit log cannot be edited or deleted.")
    if sender in (Operation, SecurityEvent) and not instance._state.adding:
        raise AuditLogIsAppendOnly("The audit log cannot be edited or deleted.")


def _guard_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    if sender.__name__.startswith("Historical") or sender in (Operation, SecurityEvent):
        raise AuditLogIsAppendOnly("The audit log cannot be edited or deleted.")


pre_save.connect(_guard, dispatch_uid="legation-audit-append-only-save")
pre_delete.connect(_guard_delete, dispatch_uid="legation-audit-append-only-delete")


def _addr(request: Any) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def security_event(
    kind: str,
    *,
    user: Any = None,
    username: str = "",
    source: str = "",
    request: Any = None,
    **detail: Any,
) -> SecurityEvent:
    """Record a security event (login, export, merge…)."""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=username or (user.get_username() if user else ""),
        source=source or ("web" if request is not None else "command"),
        remote_addr=_addr(request),
        detail=detail,
    )


@receiver(user_logged_in)
def _on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from legation.core import lockout

    security_event(SecurityEvent.Kind.LOGIN, user=user, request=request)
    lockout.clear(user.get_username(), request)


@receiver(user_logged_out)
def _on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    security_event(SecurityEvent.Kind.LOGOUT, user=user, request=request)


@receiver(user_login_failed)
def _on_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    from legation.core import lockout

    username = str(credentials.get("username", ""))[:150]
    locked = getattr(request, lockout.LOCKED, None)
    security_event(
        SecurityEvent.Kind.LOGIN_FAILED,
        username=username,
        request=request,
        **({"refused": "locked"} if locked else {}),
    )
    if not locked:  # tries while locked are refused unchecked, and do not lengthen the lock
        lockout.record_failure(username, request)
