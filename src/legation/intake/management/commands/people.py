"""`legation people duplicates` and `legation people merge A B`."""

from __future__ import annotations

from typing import Any

from legation.core.management.base import LegationCommand
from legation.engagements.selectors import find_person
from legation.intake.dedupe import find_duplicates
from legation.people.services import person_merge


class Command(LegationCommand):
    help = "Likely duplicate people with a score, and merging two people into one (audited)."
    accepts_as = True

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        dup = sub.add_parser("duplicates", help="list likely duplicate people, best first")
        dup.add_argument("--min-score", type=float, default=0.6, help="0 to 1 (default 0.6)")
        dup.add_argument("--limit", type=int, default=100)
        merge = sub.add_parser("merge", help="merge person B into person A (A is kept)")
        merge.add_argument("keep", help="person A (id, ref or email): kept")
        merge.add_argument("other", help="person B (id, ref or email): merged into A, then removed")
        self.add_mission_argument(merge)
        for p in (dup, merge):
            p.add_argument("--as", dest="as_user", metavar="USER", help="act as this user")

    def run(self, actor: Any, **options: Any) -> None:
        if options["action"] == "duplicates":
            pairs = find_duplicates(actor, min_score=options["min_score"])
            for pair in pairs[: options["limit"]]:
                self.stdout.write(
                    f"{pair.score:.2f}  #{pair.a.pk} {pair.a}  ~  #{pair.b.pk} {pair.b}  ({'; '.join(pair.reasons)})"
                )
            if not pairs:
                self.stdout.write("No likely duplicates.")
            return
        mission = self.mission_of(actor, options)
        keep = find_person(options["keep"], actor, mission=mission)
        other = find_person(options["other"], actor, mission=mission or keep.mission)
        merged = person_merge(actor=actor, keep=keep, other=other)
        self.stdout.write(f"Merged #{other.pk} into #{merged.pk} {merged}.")
