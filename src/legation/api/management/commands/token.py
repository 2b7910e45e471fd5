"""`legation token create|list|revoke`: a user's API tokens from the command line (the
operator's, for any user; a token is shown once, when created)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone

from legation.api import tokens
from legation.api.models import ApiToken
from legation.core.management.base import LegationCommand, parse_date


class Command(LegationCommand):
    help = "API tokens: create one for a user (shown once), list them, revoke one."

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="create|list|revoke")
        create = actions.add_parser("create", help="a new token for USER, printed once")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="what uses it")
        create.add_argument(
            "--scope", choices=ApiToken.Scope.values, default="read", help="read (default) or write"
        )
        create.add_argument("--expires", metavar="YYYY-MM-DD", help="stops working on this day")
        listing = actions.add_parser("list", help="the tokens (of USER, or everyone's)")
        listing.add_argument("username", nargs="?")
        revoke = actions.add_parser("revoke", help="revoke a token by its prefix (lgn_PREFIX…)")
        revoke.add_argument("prefix")

    def _user(self, name: str) -> Any:
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise CommandError(f"No user named {name!r}.")
        return user

    def run(self, actor: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            user = self._user(options["username"])
            expires = None
            if options["expires"]:
                day = parse_date(options["expires"], "--expires")
                expires = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
            row, token = tokens.token_create(
                actor=actor,
                user=user,
                name=options["name"],
                scope=options["scope"],
                expires=expires,
            )
            self.stderr.write(
                f"Token {row.name!r} for {user.get_username()} ({row.get_scope_display()}); "
                "shown once, keep it secret:"
            )
            self.stdout.write(token)
            return
        if action == "revoke":
            prefix = options["prefix"].removeprefix(tokens.PREFIX).split("_", 1)[0].rstrip("…")
            row = ApiToken.objects.filter(prefix=prefix).first()
            if row is None:
                raise CommandError(f"No token with the prefix {prefix!r}.")
            if row.revoked:
                raise CommandError(f"The token {row.name!r} was already revoked.")
            tokens.token_revoke(actor=actor, token=row)
            self.stdout.write(f"Revoked {row.name!r} (lgn_{row.prefix}…) of {row.user}.")
            return
        rows = ApiToken.objects.select_related("user").order_by("user__username", "-created")
        if options.get("username"):
            rows = rows.filter(user=self._user(options["username"]))
        rows = list(rows)
        if not rows:
            self.stdout.write("No tokens.")
            return
        self.stdout.write(
            f"{'user':<16} {'prefix':<18} {'scope':<6} {'status':<8} {'expires':<11} "
            f"{'last used':<17} name"
        )
        for row in rows:
            status = "revoked" if row.revoked else ("active" if row.active else "expired")
            expires = timezone.localtime(row.expires).date().isoformat() if row.expires else "-"
            used = (
                timezone.localtime(row.last_used).strftime("%Y-%m-%d %H:%M")
                if row.last_used
                else "-"
            )
            self.stdout.write(
                f"{row.user.get_username():<16} lgn_{row.prefix:<14} {row.scope:<6} {status:<8} "
                f"{expires:<11} {used:<17} {row.name}"
            )
