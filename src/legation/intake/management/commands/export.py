"""`legation export KIND --format F [-o FILE]`: what the user may see, in CSV, XLSX, JSON or vCard."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from legation.core.management.base import LegationCommand
from legation.intake.exporters import FORMATS, KINDS, export


class Command(LegationCommand):
    help = (
        "Export people, organisations, engagements or commitments as the acting user sees them "
        "(--as USER), in the import's own columns; recorded as a security event."
    )
    accepts_as = True

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("-o", "--output", help="the file to write (default: standard output)")

    def run(self, actor: Any, **options: Any) -> None:
        kind, fmt, target = options["kind"], options["format"], options.get("output")
        if fmt == "vcf" and kind != "people":
            raise CommandError("--format vcf: vCard is for people only.")
        if target:
            path = Path(target)
            if not path.parent.is_dir():
                raise CommandError(f"-o: the folder {path.parent} does not exist.")
            partial = path.with_name(f".{path.name}.partial")
            try:
                with partial.open("wb") as fh:
                    count = export(kind, fmt, fh, user=actor, target=target)
                partial.replace(path)
            finally:
                partial.unlink(missing_ok=True)
            self.stderr.write(f"{count} {kind} written to {path}")
        else:
            if fmt == "xlsx" and sys.stdout.isatty():
                raise CommandError("XLSX is binary: give a file with -o.")
            out = getattr(self.stdout, "_out", sys.stdout)
            buffer = getattr(out, "buffer", None)
            if buffer is None:
                import io

                raw = io.BytesIO()
                export(kind, fmt, raw, user=actor, target="-")
                out.write(raw.getvalue().decode("utf-8", errors="replace"))
            else:
                export(kind, fmt, buffer, user=actor, target="-")
                buffer.flush()
