"""The shared base of legation's commands: clear one-line errors, the acting user, audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from legation.core import access
from legation.core.audit import audit
from legation.core.refs import NotFound
from legation.core.selectors import find_mission


def validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(str(m) for e in errors for m in e.messages)}"
            for field, errors in exc.error_dict.items()
        )
    return " ".join(exc.messages)


def parse_date(value: str, option: str) -> dt.date:
    """A command's date option, YYYY-MM-DD within the accepted range (`legation.core.dates`)."""
    from legation.core import dates

    try:
        return dates.parse(value, option)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


class LegationCommand(BaseCommand):
    """Subclasses implement `run`; errors users can fix become one clear line and exit code 1."""

    audit_source = "command"
    accepts_as = False

    def add_arguments(self, parser: Any) -> None:
        if self.accepts_as:
            parser.add_argument(
                "--as",
                dest="as_user",
                metavar="USER",
                help="act as this user, with their missions, role and clearance "
                "(default: the installation's operator, who sees everything)",
            )

    @staticmethod
    def add_mission_argument(parser: Any) -> None:
        parser.add_argument(
            "--mission",
            metavar="REF",
            help="the mission whose refs are meant (refs are unique per mission: needed when "
            "a ref names records in several of your missions)",
        )

    def mission_of(self, actor: Any, options: dict[str, Any]) -> Any:
        """The mission `--mission` names among the actor's, or None when it is not given."""
        ref = options.get("mission")
        if not ref:
            return None
        try:
            return find_mission(ref, actor)
        except NotFound as exc:
            raise CommandError(f"--mission: {exc}") from None

    def acting_user(self, options: dict[str, Any]) -> Any:
        name = options.get("as_user")
        if not name:
            return access.SYSTEM
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise CommandError(f"--as: no active user named {name!r}.")
        return user

    def handle(self, *args: Any, **options: Any) -> Any:
        try:
            actor = self.acting_user(options)
            with audit(
                actor=None if actor is access.SYSTEM else actor,
                source=self.audit_source,
                description=f"legation {self.__module__.rsplit('.', 1)[-1]}",
            ):
                return self.run(actor, **options)
        except ValidationError as exc:
            raise CommandError(validation_message(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        except ObjectDoesNotExist as exc:
            raise CommandError(str(exc) or "Not found.") from None

    def run(self, actor: Any, **options: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError
