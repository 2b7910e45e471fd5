"""`legation restore FILE`: load a backup archive into a new, empty database."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError

from legation.core.management.base import LegationCommand
from legation.intake.backup import BackupError, restore_backup


class Command(LegationCommand):
    help = (
        "Restore a backup archive into an empty database (new LEGATION_HOME or DATABASE_URL; "
        "a database that only `legation init` has filled counts as empty)."
    )

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument("file", help="the archive written by `legation backup`")

    def run(self, actor: Any, **options: Any) -> None:
        call_command("migrate", verbosity=0, interactive=False)
        try:
            counts = restore_backup(options["file"])
        except (BackupError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{sum(counts.values()):,} rows restored into {len(counts)} tables.")
