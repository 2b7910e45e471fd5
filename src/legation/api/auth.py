"""Who is calling the API: a personal token (`Authorization: Bearer lgn_…`) or the browser's
session (with its CSRF check); what the token's scope allows; how often it may call."""

from __future__ import annotations

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


class PerTokenRate(throttling.SimpleRateThrottle):
    """LEGATION_API_RATE requests per token (a session counts as its user), across every
    server of the installation (the count is kept in the shared cache). A refusal is 429 with
    Retry-After."""

    scope = "api"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        token = request.auth
        if isinstance(token, tokens.ApiToken):
            ident = f"token-{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
