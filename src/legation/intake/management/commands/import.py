"""`legation import KIND FILE`: bring records in from CSV, XLSX, vCard, ICS or mail."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError

from legation.core.management.base import LegationCommand, parse_date
from legation.intake import console
from legation.intake.importers import TABULAR_KINDS, ImportError_, commit, preview
from legation.intake.mapping import MappingError, load_mapping

KINDS = (*TABULAR_KINDS, "vcard", "ics", "mail")


class Command(LegationCommand):
    help = (
        "Import missions, people, organisations, postings, engagements, commitments or facts "
        "from CSV or XLSX, people from vCard, meetings from ICS, letters and emails from mail "
        "(see docs/intake.md). Checks every row first; writes all or nothing."
    )
    accepts_as = True
    audit_source = "import"

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument("kind", choices=KINDS, metavar="KIND", help=" | ".join(KINDS))
        parser.add_argument("file", help="the file (a folder for mail)")
        parser.add_argument("--mapping", help="a TOML or JSON column mapping (docs/intake.md)")
        parser.add_argument("--dry-run", action="store_true", help="report, write nothing")
        parser.add_argument(
            "--skip-rejected",
            action="store_true",
            help="write the valid rows even if some are rejected (default: all or nothing)",
        )
        parser.add_argument("--mission", help="the mission to import into (ref)")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument(
            "--encoding",
            help="CSV, vcard, ics: the file's encoding (utf-8, gb18030, cp932, cp1252, latin-1…); "
            "default: detected, and asked for when uncertain",
        )
        parser.add_argument("--posting", help="ics, mail: our staff posting taking part (ref)")
        parser.add_argument("--from", dest="date_from", help="ics: expand repeats from this date")
        parser.add_argument("--until", help="ics: expand repeats until this date")
        parser.add_argument(
            "--kind", dest="engagement_kind", help="ics: meeting (default), call, event…"
        )
        parser.add_argument(
            "--ours",
            action="append",
            default=[],
            metavar="ADDRESS",
            help="mail: an address or @domain of the mission (outgoing mail); repeatable",
        )
        parser.add_argument(
            "--letters", action="store_true", help="mail: record messages as letters, not email"
        )

    def run(self, actor: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        kind, path = options["kind"], options["file"]
        mission = console.mission_for(actor, options.get("mission"), needed=kind != "missions")
        mapping = None
        if options.get("mapping"):
            if kind not in TABULAR_KINDS:
                raise CommandError("--mapping applies to CSV and XLSX imports only.")
            try:
                mapping = load_mapping(options["mapping"])
            except MappingError as exc:
                raise CommandError(f"--mapping: {exc}") from None
        extra: dict[str, Any] = {}
        for name in ("date_from", "until"):
            if options.get(name):
                extra[name] = parse_date(options[name], f"--{name.replace('date_', '')}")
        if options.get("encoding") and kind in (*TABULAR_KINDS, "vcard", "ics"):
            extra["encoding"] = options["encoding"]
        elif options.get("encoding"):
            raise CommandError("--encoding applies to CSV, vCard and calendar files only.")
        for name in ("posting", "engagement_kind", "ours", "letters"):
            if options.get(name):
                extra[name] = options[name]
        with console.progress(self, enabled=not options["json"]) as tick:
            try:
                if kind in TABULAR_KINDS:
                    fn = preview if options["dry_run"] else commit
                    kwargs = (
                        {} if options["dry_run"] else {"skip_rejected": options["skip_rejected"]}
                    )
                    kwargs["encoding"] = options.get("encoding") or ""
                    report = fn(
                        kind,
                        path,
                        actor=actor,
                        mission=mission,
                        mapping=mapping,
                        progress=tick,
                        **kwargs,
                    )
                else:
                    from legation.intake.sources import import_source

                    report = import_source(
                        kind,
                        path,
                        actor=actor,
                        mission=mission,
                        dry_run=options["dry_run"],
                        skip_rejected=options["skip_rejected"],
                        progress=tick,
                        **extra,
                    )
            except ImportError_ as exc:
                raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            console.print_report(self, report, verbosity=options["verbosity"])
        if report.count("rejected") and not report.written and not report.dry_run:
            raise CommandError(
                f"{report.count('rejected')} row(s) rejected; nothing was written. Fix them, or "
                "use --skip-rejected to import the other rows."
            )
