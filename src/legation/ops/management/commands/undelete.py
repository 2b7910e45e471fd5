from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import CommandError

from legation.core.audit import RestoreError, restore_deleted
from legation.core.management.base import LegationCommand
from legation.core.models import SecurityEvent
from legation.core.signals import security_event


class Command(LegationCommand):
    help = (
        "Restore a deleted record from the audit trail, with everything its deletion took "
        "along (e.g. `legation undelete people.person 42`)."
    )
    accepts_as = True

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument("model", help="app.model, e.g. people.person or engagements.engagement")
        parser.add_argument("id", type=int)

    def run(self, actor: Any, **options: Any) -> None:
        try:
            model = apps.get_model(options["model"])
        except (LookupError, ValueError):
            raise CommandError(f"Unknown model {options['model']!r} (use app.model).") from None
        if not hasattr(model, "history"):
            raise CommandError(f"{options['model']} has no history.")
        user = None if getattr(actor, "is_authenticated", False) is False else actor
        if user is not None and not user.has_perm(
            f"{model._meta.app_label}.delete_{model._meta.model_name}"
        ):
            raise CommandError("Your role does not allow restoring this kind of record.")
        try:
            obj = restore_deleted(model, options["id"], actor=user, source="command")
        except RestoreError as exc:
            raise CommandError(str(exc)) from None
        security_event(
            SecurityEvent.Kind.RESTORE,
            user=user,
            source="command",
            model=model._meta.label,
            pk=options["id"],
        )
        self.stdout.write(f"Restored {model._meta.verbose_name} {obj.pk}: {obj}")
