"""`legation report tenure|coverage|quiet|handover`: the insight pages as files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from legation.core.management.base import LegationCommand, parse_date
from legation.core.models import SecurityEvent
from legation.core.signals import security_event
from legation.engagements.selectors import default_posting, find_posting
from legation.insight import reports


class Command(LegationCommand):
    help = (
        "Write an insight report (tenure, coverage, quiet relationships, handover brief) as "
        "HTML, PDF, JSON or CSV: the same figures as the pages."
    )
    accepts_as = True

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument("kind", choices=reports.KINDS)
        parser.add_argument(
            "--posting",
            help="posting id, ref or the staff member's email (default: the current head of "
            "mission); 'all' for the whole mission (coverage and quiet)",
        )
        parser.add_argument("--as-of", help="reference date YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--from",
            dest="start",
            help="start of the period YYYY-MM-DD (coverage: default one year before --as-of)",
        )
        parser.add_argument("--format", choices=reports.FORMATS, required=True)
        parser.add_argument("-o", "--output", required=True, help="file to write ('-': stdout)")
        self.add_mission_argument(parser)

    def run(self, actor: Any, **options: Any) -> None:
        kind = options["kind"]
        as_of = parse_date(options["as_of"], "--as-of") if options["as_of"] else None
        start = parse_date(options["start"], "--from") if options["start"] else None
        as_of = as_of or timezone.localdate()
        if start and start > as_of:
            raise CommandError("--from: the period starts after --as-of.")
        value = options["posting"]
        if value == "all":
            if kind in ("tenure", "handover"):
                raise CommandError(f"--posting all: a {kind} report is about one posting.")
            posting = None
        elif value:
            posting = find_posting(value, actor, mission=self.mission_of(actor, options))
        else:
            posting = default_posting(actor, mission=self.mission_of(actor, options))
            if posting is None:
                raise CommandError("No current head of mission found: name one with --posting.")
        country = posting.mission.host_country if posting else "US"
        try:
            data = reports.build(kind, user=actor, posting=posting, as_of=as_of, start=start)
            fmt = options["format"]
            if fmt == "json":
                body = reports.to_json(data)
            elif fmt == "csv":
                body = reports.to_csv(data)
            elif fmt == "html":
                body = reports.to_html(data, country=country).encode()
            else:
                body = reports.to_pdf(data, country=country)
        except reports.ReportError as exc:
            raise CommandError(str(exc)) from None
        security_event(
            SecurityEvent.Kind.EXPORT,
            user=None if not getattr(actor, "is_authenticated", False) else actor,
            username=actor.get_username(),
            source="command",
            what=f"insight-{kind}",
            format=fmt,
        )
        if options["output"] == "-":
            self.stdout.write(body.decode() if fmt != "pdf" else "")
            return
        out = Path(options["output"])
        out.write_bytes(body)
        self.stdout.write(f"Wrote {out} ({len(body):,} bytes).")
