"""Who is calling the API: a personal token (`Authorization: Bearer lgn_…`) or the browser's
session (with its CSRF check); what the token's scope allows; how often it may call."""

from __future__ import annotations

import time
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, permissions, throttling

from legation.api import tokens
from legation.core import audit


class TokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("The Authorization header holds one token."))
        try:
            raw = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        token = tokens.authenticate(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("The token is not valid, has expired or was revoked.")
            )
        ctx = audit.current()
        if ctx is not None:  # every change made with it names the token
            ctx.description = f"{ctx.description} (token {token.name} lgn_{token.prefix})"[:300]
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return 'Bearer realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The web application's login, for the browsable docs and pages' own scripts; writes need
    the CSRF token as any form does."""


class TokenScope(permissions.BasePermission):
    """Logged in; a read token reads only. The user's role and clearance decide the rest, in
    the services and querysets, exactly as for the pages."""

    message = _("This token may only read (its scope is read).")

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            raise exceptions.NotAuthenticated()
        token = request.auth
        if isinstance(token, tokens.ApiToken) and request.method not in permissions.SAFE_METHODS:
            return token.writes
        return True


class PerTokenRate(throttling.BaseThrottle):
    """LEGATION_API_RATE requests (`N/second|minute|hour|day`) per token (a session counts as its
    user), across every server of the installation: a counter per window in the shared cache
    (two small cache operations a request; DRF's own throttle rewrote a list of every request's
    time, up to 1,200 of them, on each request). A refusal is 429 with Retry-After, the seconds
    left in the window; a burst can reach twice the rate across a window's edge."""

    PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

    def _rate(self) -> tuple[int, int]:
        from django.conf import settings

        count, _, period = settings.API_RATE.partition("/")
        return int(count), self.PERIODS[period.strip()[:1].lower()]

    def allow_request(self, request: Any, view: Any) -> bool:
        from django.core.cache import cache

        limit, seconds = self._rate()
        token = request.auth
        if isinstance(token, tokens.ApiToken):
            ident = f"token-{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        now = time.time()
        key = f"legation:api-rate:{ident}:{int(now // seconds)}"
        if cache.add(key, 1, timeout=seconds + 1):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between the two calls
                cache.set(key, 1, timeout=seconds + 1)
                count = 1
        self.seconds_left = seconds - (now % seconds)
        return count <= limit

    def wait(self) -> float:
        return self.seconds_left
