"""Importing missions, organisations, postings, commitments and facts, row by row via services.

These files are small (tens to thousands of rows), so each row goes through the domain service
that a page would call, inside the import's one transaction and operation.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.text import slugify
from django.utils.translation import gettext as _

from legation.core import access
from legation.core.models import Mission
from legation.core.refs import REF_TAKEN, NotFound
from legation.core.selectors import find_mission
from legation.engagements import services as ledger
from legation.engagements.models import Commitment, Engagement, Fact, Posting
from legation.engagements.selectors import find_person, find_posting
from legation.intake.importers.base import Importer, Issue, Outcome, RowRejected
from legation.intake.matching import fold
from legation.intake.values import (
    YES,
    CellError,
    Vocabulary,
    choice_lookup,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_sensitivity,
    split_list,
)
from legation.people import services as people
from legation.people.models import Organisation


def _changed(instance: Model, fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if getattr(instance, k) != v}


def _outcome(
    line: int, label: str, instance: Model | None, fields: dict[str, Any], how: str
) -> Outcome:
    if instance is None:
        return Outcome(line, "created", label, payload=(None, fields))
    changed = _changed(instance, fields)
    action = "updated" if changed else "matched"
    detail = f"by {how}" + (f": {', '.join(changed)}" if changed else "")
    return Outcome(line, action, label, detail, payload=(instance, changed))


class _RowByRow(Importer):
    def seen_once(self, key: Any, column: str, origin: dict[str, str]) -> None:
        seen = self.__dict__.setdefault("_seen", {})
        if key in seen:
            raise RowRejected(
                Issue(
                    self._line,
                    origin.get(column, column),
                    _("The same %(column)s as line %(line)s.")
                    % {"column": origin.get(column, column), "line": seen[key]},
                )
            )
        seen[key] = self._line

    def lookup(self, fn: Any, token: str, mission: Any = None) -> Any:
        """A person or posting named in a cell, among the actor's records of `mission` (default:
        the import's): refs are unique per mission."""
        try:
            return fn(token, self.actor, mission=mission or self.mission)
        except NotFound as exc:
            raise CellError(str(exc)) from None


class MissionImporter(_RowByRow):
    kind = "missions"
    columns = (
        "ref", "name_en", "name_zh", "kind", "sending_country", "host_country", "seat_en",
        "seat_zh", "address",
    )  # fmt: skip
    KINDS = choice_lookup(Mission.Kind)
    required = ("ref", "name_en")
    needs_mission = False

    def plan(self, line: int, row: dict[str, str], origin: dict[str, str]) -> Outcome:
        self.need(row, origin, "ref", "name_en")
        self.too_long(
            row,
            origin,
            {"ref": 64, "name_en": 200, "name_zh": 200, "host_country": 2, "sending_country": 2}
            | {"seat_en": 100, "seat_zh": 100},
        )
        kind = self.cell(row, origin, "kind", lambda t: parse_choice(t, self.KINDS, "kind"))
        self.checkpoint()
        self.seen_once(row["ref"], "ref", origin)
        fields = {
            k: row[k] for k in ("ref", "name_en", "name_zh", "seat_en", "seat_zh", "address")
            if row.get(k)
        }  # fmt: skip
        for name in ("host_country", "sending_country"):
            if row.get(name):
                fields[name] = row[name].upper()
        if kind:
            fields["kind"] = kind
        existing = Mission.objects.visible_to(self.actor).filter(ref=row["ref"]).first()
        if existing is None and Mission.objects.filter(ref=row["ref"]).exists():
            # Mission refs are unique across the installation: the words of any clash.
            raise RowRejected(Issue(line, origin.get("ref", "ref"), str(REF_TAKEN)))
        return _outcome(line, row["name_en"], existing, fields, "ref")

    def write(self, outcome: Outcome) -> None:
        instance, fields = outcome.payload
        if instance is None:
            ledger.mission_create(actor=self.actor, **fields)
        else:
            ledger.mission_update(actor=self.actor, mission=instance, **fields)


class OrganisationImporter(_RowByRow):
    kind = "organisations"
    columns = (*people.ORGANISATION_FIELDS, "tags")
    required = ("name_en",)

    def prepare(self) -> None:
        self.vocab = Vocabulary(self.mission.host_country)
        self.orgs = Organisation.objects.visible_to(self.actor).filter(mission=self.mission)
        self.names = {fold(n) for n in self.orgs.values_list("name_en", flat=True)}

    def _find(self, token: str) -> Organisation | None:
        return self.orgs.filter(ref=token).first() or next(
            (o for o in self.orgs.filter(name_en__iexact=token.strip())), None
        )

    def plan(self, line: int, row: dict[str, str], origin: dict[str, str]) -> Outcome:
        self.need(row, origin, "name_en")
        self.too_long(row, origin, {"ref": 64, "name_en": 200, "name_zh": 200, "website": 200})
        fields: dict[str, Any] = {
            k: row[k] for k in ("ref", "name_en", "name_zh", "website", "notes") if row.get(k)
        }
        for name in ("sector", "region"):
            value = self.cell(row, origin, name, getattr(self.vocab, name))
            if value is not None:
                fields[name] = value
        self.checkpoint()
        self.seen_once(
            row.get("ref") or fold(row["name_en"]), "ref" if row.get("ref") else "name_en", origin
        )
        parent = row.get("parent", "")
        if parent and fold(parent) not in self.names and self._find(parent) is None:
            raise RowRejected(
                Issue(
                    line,
                    origin.get("parent", "parent"),
                    _("No organisation '%(value)s' (it must come earlier in the file or exist).")
                    % {"value": parent},
                )
            )
        self.names.add(fold(row["name_en"]))
        existing = (
            self.orgs.filter(ref=row["ref"]).first() if row.get("ref") else None
        ) or self._find(row["name_en"])
        outcome = _outcome(line, row["name_en"], existing, fields, "ref or name")
        outcome.payload = (*outcome.payload, parent, split_list(row.get("tags", "")))
        return outcome

    def write(self, outcome: Outcome) -> None:
        instance, fields, parent, tags = outcome.payload
        if parent:
            fields["parent"] = self._find(parent)
        if instance is None:
            people.organisation_create(actor=self.actor, mission=self.mission, tags=tags, **fields)
        elif fields:
            people.organisation_update(actor=self.actor, organisation=instance, **fields)


class PostingImporter(_RowByRow):
    kind = "postings"
    columns = ("ref", "person", "mission", "role", "title", "title_zh", "arrival", "departure")
    required = ("person", "role", "arrival")
    ROLES = choice_lookup(Posting.Role)

    def plan(self, line: int, row: dict[str, str], origin: dict[str, str]) -> Outcome:
        self.need(row, origin, "person", "role", "arrival")
        self.too_long(row, origin, {"ref": 64, "title": 100, "title_zh": 100})
        mission = (
            self.cell(
                row,
                origin,
                "mission",
                lambda t: self.lookup(lambda v, u, mission: find_mission(v, u), t),
            )
            or self.mission
        )
        person = self.cell(
            row, origin, "person", lambda t: self.lookup(find_person, t, mission=mission)
        )
        fields: dict[str, Any] = {
            "role": self.cell(row, origin, "role", lambda t: parse_choice(t, self.ROLES, "role")),
            "arrival": self.cell(row, origin, "arrival", parse_date),
            "departure": self.cell(row, origin, "departure", parse_date),
        }
        fields.update({k: row[k] for k in ("ref", "title", "title_zh") if row.get(k)})
        self.checkpoint()
        if fields["departure"] and fields["departure"] < fields["arrival"]:
            raise RowRejected(
                Issue(
                    line,
                    origin.get("departure", "departure"),
                    _("The departure is before the arrival."),
                )
            )
        postings = Posting.objects.visible_to(self.actor).filter(mission=mission)
        existing = (
            postings.filter(ref=row["ref"]).first() if row.get("ref") else None
        ) or postings.filter(person=person, mission=mission, arrival=fields["arrival"]).first()
        self.seen_once(row.get("ref") or (person.pk, mission.pk, fields["arrival"]), "ref", origin)
        outcome = _outcome(line, f"{person} at {mission.ref}", existing, fields, "ref or arrival")
        outcome.payload = (*outcome.payload, person, mission)
        return outcome

    def write(self, outcome: Outcome) -> None:
        instance, fields, person, mission = outcome.payload
        if instance is None:
            ledger.posting_create(actor=self.actor, mission=mission, person=person, **fields)
        else:
            ledger.posting_update(actor=self.actor, posting=instance, **fields)


class CommitmentImporter(_RowByRow):
    kind = "commitments"
    columns = ("engagement", *ledger.COMMITMENT_FIELDS)
    required = ("engagement", "description")
    STATUS = choice_lookup(Commitment.Status)
    DIRECTION = choice_lookup(Commitment.Direction)

    def plan(self, line: int, row: dict[str, str], origin: dict[str, str]) -> Outcome:
        self.need(row, origin, "engagement", "description")
        c = self.cell
        engagement = c(
            row, origin, "engagement", lambda t: _engagement(t, self.actor, self.mission)
        )
        fields: dict[str, Any] = {"description": row.get("description", "")}
        for name, fn in (
            ("direction", lambda t: parse_choice(t, self.DIRECTION, "direction")),
            ("status", lambda t: parse_choice(t, self.STATUS, "status")),
            ("due", parse_date),
            ("closed_on", parse_date),
            ("sensitivity", parse_sensitivity),
            ("requested_by", lambda t: self.lookup(find_person, t)),
            ("owner", lambda t: self.lookup(find_posting, t)),
        ):
            value = c(row, origin, name, fn)
            if value is not None:
                fields[name] = value
        if row.get("resolution"):
            fields["resolution"] = row["resolution"]
        self.checkpoint()
        self.seen_once((engagement.pk, fold(row["description"])), "description", origin)
        existing = next(
            (
                x
                for x in Commitment.objects.visible_to(self.actor).filter(engagement=engagement)
                if fold(x.description) == fold(row["description"])
            ),
            None,
        )
        outcome = _outcome(
            line, row["description"][:60], existing, fields, "engagement and description"
        )
        outcome.payload = (*outcome.payload, engagement)
        return outcome

    def write(self, outcome: Outcome) -> None:
        instance, fields, engagement = outcome.payload
        if instance is None:
            ledger.commitment_create(actor=self.actor, engagement=engagement, **fields)
        else:
            ledger.commitment_update(actor=self.actor, commitment=instance, **fields)


def _engagement(token: str, actor: Any, mission: Any) -> Engagement:
    """An engagement of the import's mission, by ref (unique per mission) or id."""
    engagements = Engagement.objects.visible_to(actor).filter(mission=mission)
    found = engagements.filter(ref=token.strip()).first()
    if found is None and token.strip().isdigit():
        found = engagements.filter(pk=int(token)).first()
    if found is None:
        raise CellError(_("No engagement '%(value)s' (give its ref or id).") % {"value": token})
    return found


FACT_VALUES = (("date", parse_date), ("value", parse_decimal))


class FactImporter(_RowByRow):
    kind = "facts"
    columns = (
        "key",
        "label_en",
        "label_zh",
        "date",
        "value",
        "unit",
        "aliases",
        "source",
        "shared",
    )
    required = ("key", "label_en")

    def plan(self, line: int, row: dict[str, str], origin: dict[str, str]) -> Outcome:
        self.need(row, origin, "key", "label_en")
        self.too_long(
            row, origin, {"key": 80, "label_en": 200, "label_zh": 200, "unit": 40, "source": 300}
        )
        key = slugify(row.get("key", ""))
        if row.get("key") and not key:
            self.problem(origin, "key", _("A key is letters, digits, - and _."))
        mission = None if row.get("shared", "").casefold() in YES else self.mission
        if mission is None and not access.sees_all_missions(self.actor):
            self.problem(
                origin,
                "shared",
                _("Shared facts are read by every mission: only the operator can import them."),
            )
        values = {name: self.cell(row, origin, name, fn) for name, fn in FACT_VALUES}
        self.checkpoint()
        self.seen_once((mission.pk if mission else None, key), "key", origin)
        fields: dict[str, Any] = {"key": key, "label_en": row["label_en"]}
        fields.update({k: row[k] for k in ("label_zh", "unit") if row.get(k)})
        if row.get("source"):  # the file's column keeps the name "source" (docs/intake.md)
            fields["citation"] = row["source"]
        fields.update({name: value for name, value in values.items() if value is not None})
        if row.get("aliases"):
            fields["aliases"] = split_list(row["aliases"])
        facts = Fact.objects.visible_to(self.actor).filter(key=key)
        existing = (
            facts.filter(mission=mission).first()
            if mission
            else facts.filter(mission__isnull=True).first()
        )
        outcome = _outcome(line, key, existing, fields, "key")
        outcome.payload = (*outcome.payload, mission)
        return outcome

    def write(self, outcome: Outcome) -> None:
        instance, fields, mission = outcome.payload
        if instance is None:
            ledger.fact_create(actor=self.actor, mission=mission, **fields)
        else:
            ledger.fact_update(actor=self.actor, fact=instance, **fields)
