from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from legation.core.management.base import LegationCommand, parse_date
from legation.engagements.selectors import default_posting, find_posting
from legation.insight.figures import correspondence_figures, ledger_counts, posting_figures


class Command(LegationCommand):
    help = (
        "Counts of everything, and for a posting its days in post, regions visited, sectors "
        "engaged, engagements by kind and its correspondence (letters sent and received, by "
        "month)."
    )
    accepts_as = True

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--posting",
            help="posting id, ref or the staff member's email "
            "(default: the current head of mission)",
        )
        self.add_mission_argument(parser)
        parser.add_argument("--as-of", help="reference date YYYY-MM-DD (default: today)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def run(self, actor: Any, **options: Any) -> None:
        as_of = (
            parse_date(options["as_of"], "--as-of") if options["as_of"] else (timezone.localdate())
        )
        if options["posting"]:
            posting = find_posting(
                options["posting"], actor, mission=self.mission_of(actor, options)
            )
        else:
            posting = default_posting(actor, mission=self.mission_of(actor, options))
            if posting is None and options["posting"] is None and options["json"]:
                raise CommandError("No head of mission found: name one with --posting.")
        counts = ledger_counts(actor)
        figures = posting_figures(posting, user=actor, as_of=as_of) if posting else None
        mail = correspondence_figures(posting, user=actor, as_of=as_of) if posting else None
        if options["json"]:
            out: dict[str, Any] = {"counts": counts}
            out.update(figures or {})
            if mail is not None:
                out["correspondence"] = mail
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        self.stdout.write("Ledger")
        for key, value in counts.items():
            self.stdout.write(f"  {key.replace('_', ' '):<18}{value:>10,}")
        if figures is None:
            self.stdout.write("No posting selected (use --posting).")
            return
        self.stdout.write(
            f"\nPosting {figures['posting'] or ''}: {figures['person']}, "
            f"{figures['role'].replace('_', ' ')} at {figures['mission']}"
        )
        self.stdout.write(f"  as of              {figures['as_of']}")
        self.stdout.write(f"  days in post       {figures['days_in_post']:>10,}")
        self.stdout.write(f"  engagements        {figures['engagements']:>10,}")
        for kind, n in sorted(figures["engagements_by_kind"].items()):
            self.stdout.write(f"    {kind.replace('_', ' '):<16} {n:>10,}")
        self.stdout.write(f"  people met         {figures['people_met']:>10,}")
        self.stdout.write(f"  organisations met  {figures['organisations_met']:>10,}")
        self.stdout.write(
            f"  regions visited    {len(figures['regions_visited']):>10,} "
            f"({figures['states_visited']} states)"
        )
        self.stdout.write("    " + ", ".join(figures["regions_visited"]))
        self.stdout.write("  sectors engaged    " + ", ".join(figures["sectors_engaged"]))
        assert mail is not None
        self.stdout.write("\nCorrespondence (not counted as engagements)")
        self.stdout.write(f"  letters sent       {mail['letters_sent']:>10,}")
        self.stdout.write(f"  letters received   {mail['letters_received']:>10,}")
        self.stdout.write(f"  emails             {mail['emails']:>10,}")
        for month in mail["by_month"]:
            if month["letters_sent"] or month["letters_received"] or month["emails"]:
                self.stdout.write(
                    f"    {month['month']}          {month['letters_sent']:>6,} sent "
                    f"{month['letters_received']:>6,} received {month['emails']:>6,} emails"
                )
