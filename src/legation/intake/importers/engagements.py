"""Importing engagements: the large path, validated in memory and written in bulk.

Everything a row needs is loaded once (people by ref, email and id; postings by ref and by
person; organisations; vocabularies), and values that repeat (dates and times, kinds, regions,
durations, organisation lists) are parsed once per distinct text, so planning a million rows
costs a few queries. Refs already on record are looked up 2,000 at a time. The rows to create
are written by `intake.services.engagements_import` as plain tuples, a few INSERT statements
per table and batch, with their historical rows (`core.db.bulk`). Calendars (ICS) and mailboxes
come through here too, as rows of the same columns.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from legation.core import access
from legation.core.dates import days_filter
from legation.core.refs import REF_TAKEN
from legation.engagements.models import Engagement, Kind, Posting, SiteType
from legation.engagements.services import engagement_link, engagement_update
from legation.intake.importers.base import Importer, Issue, Outcome, Progress, RowRejected
from legation.intake.importers.people import OrganisationIndex
from legation.intake.matching import fold
from legation.intake.services import NewEngagement, engagements_import
from legation.intake.values import (
    CellError,
    Vocabulary,
    choice_lookup,
    parse_choice,
    parse_datetime,
    parse_minutes,
    parse_sensitivity,
    parse_time,
    split_list,
)
from legation.people.models import EmailAddress, Person

KINDS = {
    **choice_lookup(Kind),
    "letter": Kind.LETTER_SENT,
    "visit": Kind.SITE_VISIT,
    "phone call": Kind.CALL,
}
SITE_TYPES = choice_lookup(SiteType)
ATTACHMENT = "\x00attachment"
"""The key under which ICS and mail rows carry the file to attach (a NewAttachment)."""


@dataclass
class EngagementPlan:
    fields: dict[str, Any]
    people: list[int] = field(default_factory=list)
    staff: list[int] = field(default_factory=list)
    organisations: list[int | str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    attachment: Any = None
    key: tuple[Any, ...] = ()
    pk: int | None = None


class EngagementImporter(Importer):
    kind = "engagements"
    columns = (
        "ref",
        "date",
        "time",
        "duration",
        "kind",
        "region",
        "city",
        "site_type",
        "subject",
        "summary",
        "people",
        "staff",
        "organisations",
        "notes",
        "sensitivity",
        "tags",
    )
    required = ("date", "kind", "subject")
    bulk = True
    chunk = 20000

    def prepare(self) -> None:
        mission = self.mission
        self.vocab = Vocabulary(mission.host_country)
        self.tz = timezone.get_current_timezone()
        people = Person.objects.visible_to(self.actor).filter(mission=mission)
        self.person_by: dict[str, int] = {}
        for pk, ref in people.values_list("pk", "ref").iterator(chunk_size=10000):
            self.person_by[f"id:{pk}"] = pk
            if ref:
                self.person_by[ref] = pk
        emails = EmailAddress.objects.visible_to(self.actor).filter(person__mission=mission)
        for email, pk in emails.values_list("email", "person_id").iterator(chunk_size=10000):
            self.person_by.setdefault(email.casefold(), pk)
        self.postings: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
        self.posting_by: dict[str, int] = {}
        for pk, ref, person_id, arrival, departure in (
            Posting.objects.visible_to(self.actor)
            .filter(mission=mission)
            .values_list("pk", "ref", "person_id", "arrival", "departure")
        ):
            self.postings[person_id].append((pk, arrival, departure))
            self.posting_by[f"id:{pk}"] = pk
            if ref:
                self.posting_by[ref] = pk
        self.orgs = OrganisationIndex(self.actor, mission)
        self.seen: dict[Any, int] = {}
        self.clearance = access.clearance(self.actor)
        self.memo: dict[str, dict[str, Any]] = defaultdict(dict)
        self.starts: dict[tuple[str, str], tuple[dt.datetime, dt.date]] = {}

    def _person(self, token: str) -> int:
        pk = self.person_by.get(token) or self.person_by.get(token.casefold())
        if pk is None:
            raise CellError(
                _("No person '%(value)s' (give a ref or an email of this mission).")
                % {"value": token}
            )
        return pk

    def _staff(self, token: str, on: dt.date) -> int:
        if token in self.posting_by:
            return self.posting_by[token]
        person = self.person_by.get(token) or self.person_by.get(token.casefold())
        for pk, arrival, departure in self.postings.get(person, ()):
            if arrival <= on and (departure is None or on <= departure):
                return pk
        if person is None:
            raise CellError(_("No staff member or posting '%(value)s'.") % {"value": token})
        raise CellError(
            _("'%(value)s' holds no posting on %(date)s.")
            % {"value": token, "date": f"{on:%Y-%m-%d}"}
        )

    def _memo(self, row: dict[str, str], origin: dict[str, str], name: str, fn: Any) -> Any:
        """`cell` for values parsed the same way every time: each distinct text parsed once.

        A value that fails raises every time (failures are not kept), so every row still gets
        its own issue with its own line.
        """
        text = row.get(name, "")
        cache = self.memo[name]
        if text in cache:
            return cache[text]
        problems = len(self._issues)
        value = self.cell(row, origin, name, fn)
        if len(self._issues) == problems:
            cache[text] = value
        return value

    def _start(self, row: dict[str, str], origin: dict[str, str]) -> tuple[dt.datetime, dt.date]:
        """The start, and its local date: a file of 100,000 rows has far fewer distinct times."""
        key = (row.get("date", ""), row.get("time", ""))
        hit = self.starts.get(key)
        if hit is None:
            if key[1].strip() and self.cell(row, origin, "time", parse_time) is None:
                # A bad time is the time column's problem; the date is still checked alone.
                self.cell(row, origin, "date", parse_datetime)
                return None, None
            start = self.cell(row, origin, "date", lambda t: parse_datetime(t, key[1]))
            if start is None:  # missing or unreadable: a problem of the row, not kept
                return None, None
            hit = self.starts[key] = (start, timezone.localtime(start, self.tz).date())
        return hit

    def plan(self, line: int, row: dict[str, str], origin: dict[str, str]) -> Outcome:
        self.need(row, origin, "date", "kind", "subject")
        self.too_long(row, origin, {"ref": 64, "city": 100, "subject": 300})
        m = self._memo
        start, day = self._start(row, origin)
        fields: dict[str, Any] = {
            "start": start,
            "kind": m(row, origin, "kind", lambda t: parse_choice(t, KINDS, "kind")),
            "subject": row["subject"],
            "city": row.get("city", ""),
            "summary": row.get("summary", ""),
            "notes": row.get("notes", ""),
            "region": m(row, origin, "region", self.vocab.region),
            "site_type": m(
                row, origin, "site_type", lambda t: parse_choice(t, SITE_TYPES, "site type")
            )
            or "",
            "sensitivity": m(row, origin, "sensitivity", parse_sensitivity),
            "duration": m(row, origin, "duration", parse_minutes),
        }
        if fields["sensitivity"] is None:
            fields["sensitivity"] = 1
        if fields["sensitivity"] > self.clearance:
            self.problem(origin, "sensitivity", _("Above your own clearance."))
        if fields["duration"] is None:
            fields["duration"] = dt.timedelta(hours=1)
        if row.get("ref"):
            fields["ref"] = row["ref"]
        c = self.cell
        people = c(row, origin, "people", lambda t: [self._person(x) for x in split_list(t)])
        staff = (
            c(row, origin, "staff", lambda t: [self._staff(x, day) for x in split_list(t)])
            if day is not None
            else None
        )
        organisations = m(
            row, origin, "organisations", lambda t: [self.orgs.resolve(x) for x in split_list(t)]
        )
        self.checkpoint()
        plan = EngagementPlan(
            fields,
            people=people or [],
            staff=staff or [],
            organisations=list(organisations or ()),
            tags=split_list(row.get("tags", "")),
            attachment=row.get(ATTACHMENT),
            key=("ref", row["ref"])
            if row.get("ref")
            else ("key", day, fields["kind"], fold(row["subject"])),
        )
        if plan.key in self.seen:
            same = (
                _("The same ref as line %(line)s.")
                if plan.key[0] == "ref"
                else _("The same date, kind and subject as line %(line)s.")
            )
            raise RowRejected(
                Issue(line, origin.get("ref", "ref"), same % {"line": self.seen[plan.key]})
            )
        self.seen[plan.key] = line
        return Outcome(line, "created", f"{day:%Y-%m-%d} {row['subject'][:60]}", payload=plan)

    def finish_plan(self) -> None:
        report = self.report
        assert report is not None
        report.new_organisations = list(self.orgs.new.values())
        planned = [o for o in report.outcomes if o.action == "created"]
        by_ref = {o.payload.key[1]: o for o in planned if o.payload.key[0] == "ref"}
        mine = Engagement.objects.visible_to(self.actor).filter(mission=self.mission)
        refs = sorted(by_ref)
        for i in range(0, len(refs), 2000):
            # The mission's refs (the (mission, ref) unique index), then the ones the user sees.
            held = dict(
                Engagement.objects.filter(mission=self.mission, ref__in=refs[i : i + 2000])
                .order_by()  # no ORDER BY: SQLite then reads the covering (mission, ref) index
                .values_list("ref", "pk")
            )
            if not held:
                continue
            for engagement in (
                mine.filter(pk__in=held.values())
                .select_related("region")
                .prefetch_related("people", "staff", "organisations", "tags")
            ):
                self._compare(by_ref.pop(engagement.ref), engagement)
                del held[engagement.ref]
            # Held in this mission by an engagement above the user's clearance: refused in the
            # words of any clash, which say nothing of the record.
            for ref in held:
                outcome = by_ref.pop(ref)
                outcome.action = "rejected"
                outcome.issues = [
                    Issue(outcome.line, outcome.origin.get("ref", "ref"), str(REF_TAKEN))
                ]
        keyed = {o.payload.key: o for o in planned if o.payload.key[0] == "key"}
        if keyed:
            days = [k[1] for k in keyed]
            within = days_filter("start", min(days), max(days), self.tz)
            for pk, start, kind, subject in mine.filter(**within).values_list(
                "pk", "start", "kind", "subject"
            ):
                key = ("key", timezone.localtime(start, self.tz).date(), kind, fold(subject))
                if key in keyed:
                    outcome = keyed.pop(key)
                    outcome.action, outcome.detail = "matched", "by date, kind and subject"
                    outcome.payload.pk = pk

    def _compare(self, outcome: Outcome, engagement: Engagement) -> None:
        plan: EngagementPlan = outcome.payload
        plan.pk = engagement.pk
        changed = {k: v for k, v in plan.fields.items() if getattr(engagement, k) != v}
        plan.fields = changed
        people = {p.pk for p in engagement.people.all()}  # prefetched by finish_plan
        plan.people = [p for p in plan.people if p not in people]
        staff = {s.pk for s in engagement.staff.all()}
        plan.staff = [p for p in plan.staff if p not in staff]
        have = {o.pk for o in engagement.organisations.all()}
        plan.organisations = [o for o in plan.organisations if o not in have]
        tags = {t.name for t in engagement.tags.all()}
        plan.tags = [t for t in plan.tags if t not in tags]
        plan.attachment = None
        what = [
            *changed,
            *(n for n in ("people", "staff", "organisations", "tags") if getattr(plan, n)),
        ]
        outcome.action = "updated" if what else "matched"
        outcome.detail = "by ref" + (f": {', '.join(what)}" if what else "")

    def write_all(self, outcomes: list[Outcome], progress: Progress) -> None:
        new = [o for o in outcomes if o.action == "created"]
        orgs = {key: self.orgs.get(key).pk for key in self.orgs.new}
        total = len(outcomes)
        for i in range(0, len(new), self.chunk):
            rows = [
                NewEngagement(
                    fields=o.payload.fields,
                    people=o.payload.people,
                    staff=o.payload.staff,
                    organisations=[orgs.get(x, x) for x in o.payload.organisations],
                    tags=o.payload.tags,
                    attachment=o.payload.attachment,
                )
                for o in new[i : i + self.chunk]
            ]
            engagements_import(actor=self.actor, mission=self.mission, rows=rows)
            progress(min(i + self.chunk, len(new)), total, "writing")
        for n, outcome in enumerate((o for o in outcomes if o.action == "updated"), start=len(new)):
            plan: EngagementPlan = outcome.payload
            engagement = Engagement.objects.get(pk=plan.pk)
            people = staff = None
            if plan.people:
                people = [*engagement.people.all(), *Person.objects.filter(pk__in=plan.people)]
            if plan.staff:
                staff = [*engagement.staff.all(), *Posting.objects.filter(pk__in=plan.staff)]
            engagement_update(
                actor=self.actor, engagement=engagement, people=people, staff=staff, **plan.fields
            )
            if plan.organisations or plan.tags:
                from legation.people.models import Organisation

                org_objs = list(
                    Organisation.objects.filter(pk__in=[orgs.get(x, x) for x in plan.organisations])
                )
                engagement_link(
                    actor=self.actor, engagement=engagement, organisations=org_objs, tags=plan.tags
                )
            progress(n + 1, total, "writing")
