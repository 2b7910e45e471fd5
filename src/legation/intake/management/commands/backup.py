"""`legation backup FILE`: every record, its history and its files, in one versioned archive."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from legation.core.management.base import LegationCommand
from legation.core.signals import security_event
from legation.intake.backup import write_backup


class Command(LegationCommand):
    help = (
        "Write a complete, versioned backup archive of the database and its files (docs/intake.md)."
    )

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument("file", help="the archive to write (.zip)")

    def run(self, actor: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        partial = path.with_name(f".{path.name}.partial")
        try:
            # Readable by its owner only, whatever the umask: the archive holds every record,
            # password hashes included. A partial file left by an earlier run is made so too.
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as fh:
                manifest = write_backup(fh)
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        rows = sum(t["rows"] for t in manifest["tables"].values())
        security_event(
            "export",
            username="system",
            source="command",
            what="backup",
            records=rows,
            file=path.name,
        )
        self.stdout.write(
            f"{rows:,} rows of {len(manifest['tables'])} tables and {len(manifest['media'])} files written to {path}"
        )
        if manifest["missing_media"]:
            self.stderr.write(
                f"note: {len(manifest['missing_media'])} file(s) named in the database are missing: {', '.join(manifest['missing_media'][:5])}"
            )
