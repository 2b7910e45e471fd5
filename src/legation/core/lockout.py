"""Login lockout per (user name, address), with a delay that doubles.

After settings.LOGIN_FAILURE_LIMIT failed logins of one user name from one address, that pair is
locked for settings.LOGIN_LOCK_DELAY; every further failure (once the lock has passed) doubles
the delay, up to settings.LOGIN_LOCK_MAX. A login from any other address is unaffected, so an
attacker cannot lock the real user out; a successful login from the address clears its count;
failures older than settings.LOGIN_FAILURES_FORGOTTEN are forgotten.

Enforced by `LockoutBackend` (first of AUTHENTICATION_BACKENDS: a locked pair is refused before
the password is even checked) and `LockoutMiddleware` (answers 429 with when to try again).
Lockouts and unlocks are security events; administrators list and lift the locks of the logins
they manage (`legation user locks|unlock`, the admin's "login locks").
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from legation.core import access
from legation.core.models import LoginLock, SecurityEvent

LOCKED = "legation_locked_until"  # the request attribute the backend leaves for the middleware


def key(username: Any) -> str:
    """One count for every spelling of a name ("Officer", " officer")."""
    return str(username or "").strip().casefold()[:150]


def client_address(request: HttpRequest | None) -> str:
    value = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return ""


def delay_after(failures: int) -> dt.timedelta | None:
    """How long a pair is locked after its `failures`-th failure (None: not yet)."""
    over = failures - settings.LOGIN_FAILURE_LIMIT
    if over < 0:
        return None
    cap = settings.LOGIN_LOCK_MAX
    base = settings.LOGIN_LOCK_DELAY
    if over >= math.log2(cap / base):
        return cap
    return min(base * 2**over, cap)


def locked_until(username: Any, address: str) -> dt.datetime | None:
    until = (
        LoginLock.objects.filter(
            username=key(username), address=address, locked_until__gt=timezone.now()
        )
        .values_list("locked_until", flat=True)
        .first()
    )
    return until


def record_failure(username: Any, request: HttpRequest | None) -> LoginLock:
    """Count a failed login; lock the pair (and record a lockout) when the limit is passed."""
    from legation.core.signals import security_event

    name, address, now = key(username), client_address(request), timezone.now()
    with transaction.atomic():
        lock, _ = LoginLock.objects.select_for_update().get_or_create(
            username=name, address=address, defaults={"last_failure": now}
        )
        if now - lock.last_failure > settings.LOGIN_FAILURES_FORGOTTEN:
            lock.failures = 0
        lock.failures += 1
        lock.last_failure = now
        delay = delay_after(lock.failures)
        if delay is not None:
            lock.locked_until = now + delay
        lock.save()
    if delay is not None:
        security_event(
            SecurityEvent.Kind.LOCKOUT,
            username=name,
            request=request,
            address=address,
            failures=lock.failures,
            minutes=round(delay.total_seconds() / 60, 1),
            until=lock.locked_until.isoformat(),
        )
    return lock


def clear(username: Any, request: HttpRequest | None) -> None:
    """A successful login from an address forgets that address's failures for the user."""
    LoginLock.objects.filter(username=key(username), address=client_address(request)).delete()


# -- who may see and lift locks -------------------------------------------------------------------


def managed_usernames(actor: Any) -> set[str] | None:
    """The user names (casefolded) whose locks `actor` may see and lift; None means all of them
    (the operator and superusers, who also see locks of names that match no login). An
    administrator manages the logins of their own missions, superusers excepted."""
    if actor is access.SYSTEM or (getattr(actor, "is_superuser", False) and actor.is_active):
        return None
    if not access.has_perm(actor, "auth.change_user"):
        return set()
    names = (
        get_user_model()
        .objects.filter(legation_missions__in=access.mission_ids(actor), is_superuser=False)
        .values_list("username", flat=True)
        .distinct()
    )
    return {key(n) for n in names}


def locks_visible_to(actor: Any) -> Any:
    qs = LoginLock.objects.all()
    names = managed_usernames(actor)
    return qs if names is None else qs.filter(username__in=names)


def unlock(actor: Any, username: str, address: str = "", request: Any = None) -> int:
    """Lift the locks of a login (from every address, or one); a security event names who."""
    from legation.core.signals import security_event

    name = key(username)
    names = managed_usernames(actor)
    if names is not None and name not in names:
        raise PermissionDenied(f"You do not manage a login named {username!r}.")
    qs = LoginLock.objects.filter(username=name)
    if address:
        qs = qs.filter(address=address)
    addresses = sorted(qs.values_list("address", flat=True))
    count, _ = qs.delete()
    if count:
        security_event(
            SecurityEvent.Kind.UNLOCK,
            user=None if actor is access.SYSTEM else actor,
            username=name,
            source="web" if request is not None else "command",
            request=request,
            addresses=addresses,
            by=actor.get_username(),
        )
    return count


# -- enforcement ----------------------------------------------------------------------------------


class LockoutBackend:
    """Refuses a locked (user name, address) pair before any password is checked."""

    def authenticate(
        self, request: HttpRequest | None, username: Any = None, password: Any = None, **kw: Any
    ) -> None:
        if request is None or username is None:
            return None
        until = locked_until(username, client_address(request))
        if until is not None:
            setattr(request, LOCKED, until)
            raise PermissionDenied("locked")  # Django stops here and reports a failed login
        return None

    # No get_user: sessions belong to the backend that authenticated (ModelBackend).


class LockoutMiddleware:
    """Answer a refused, locked login with 429 and when to try again (not the login form)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        until = getattr(request, LOCKED, None)
        if until is None:
            return response
        minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
        locked = render(
            request,
            "registration/locked.html",
            {"until": until, "minutes": minutes},
            status=429,
        )
        locked["Retry-After"] = str(minutes * 60)
        return locked
