from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from legation.core import lockout
from legation.core.management.base import LegationCommand


class Command(LegationCommand):
    help = "Logins: list the login locks (failed logins per user name and address), lift them."
    accepts_as = True

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="locks|unlock")
        locks = actions.add_parser("locks", help="the locked and counting (user name, address)")
        locks.add_argument("--all", action="store_true", help="also pairs that are not locked")
        unlock = actions.add_parser("unlock", help="lift the locks of a login")
        unlock.add_argument("username")
        unlock.add_argument("--address", default="", help="only the lock from this address")
        for sub in (locks, unlock):
            LegationCommand.add_arguments(self, sub)

    def run(self, actor: Any, **options: Any) -> None:
        if options["action"] == "unlock":
            count = lockout.unlock(actor, options["username"], options["address"])
            if not count:
                where = f" from {options['address']}" if options["address"] else ""
                raise CommandError(f"{options['username']!r} has no login lock{where}.")
            self.stdout.write(f"Unlocked {options['username']} ({count} address(es)).")
            return
        now = timezone.now()
        rows = lockout.locks_visible_to(actor).order_by("username", "address")
        if not options["all"]:
            rows = rows.filter(locked_until__gt=now)
        rows = list(rows)
        if not rows:
            self.stdout.write("No login is locked." if not options["all"] else "No failed logins.")
            return
        self.stdout.write(f"{'user name':<24} {'address':<40} {'failures':>8}  locked until")
        for row in rows:
            until = (
                timezone.localtime(row.locked_until).strftime("%Y-%m-%d %H:%M:%S")
                if row.locked_until and row.locked_until > now
                else "-"
            )
            self.stdout.write(
                f"{row.username:<24} {row.address or '(unknown)':<40} {row.failures:>8}  {until}"
            )
