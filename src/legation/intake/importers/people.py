"""Importing people (from CSV, XLSX or vCard) and the organisations their rows name."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from legation.intake.importers.base import Importer, Issue, Outcome, RowRejected
from legation.intake.matching import Ambiguous, PersonIndex, fold
from legation.intake.values import CellError, Vocabulary, parse_yes_no, split_list
from legation.people import services as people
from legation.people.models import Organisation, Person
from legation.people.services import person_add_tags

GENDERS = {
    "m": "m",
    "male": "m",
    "man": "m",
    "男": "m",
    "mr": "m",
    "f": "f",
    "female": "f",
    "woman": "f",
    "女": "f",
    "ms": "f",
    "mrs": "f",
    "x": "x",
    "other": "x",
    "": "",
}
NAME_ORDERS = {
    "western": "western",
    "given first": "western",
    "given name first": "western",
    "eastern": "eastern",
    "family first": "eastern",
    "family name first": "eastern",
}
LANGUAGES = {
    "en": "en",
    "english": "en",
    "英文": "en",
    "英语": "en",
    "zh": "zh",
    "chinese": "zh",
    "mandarin": "zh",
    "中文": "zh",
    "汉语": "zh",
    "other": "other",
    "其他": "other",
}


class OrganisationIndex:
    """The mission's organisations by ref and folded name, and those an import will create."""

    def __init__(self, actor: Any, mission: Any) -> None:
        self.actor, self.mission = actor, mission
        self.by_key: dict[str, int] = {}
        rows = Organisation.objects.visible_to(actor).filter(mission=mission)
        for pk, ref, en, zh in rows.values_list("pk", "ref", "name_en", "name_zh"):
            for key in (f"ref:{ref}" if ref else "", fold(en), zh.strip()):
                if key:
                    self.by_key.setdefault(key, pk)
        self.new: dict[str, str] = {}  # folded name -> name as first written
        self.created: dict[str, Organisation] = {}

    def resolve(self, text: str) -> int | str:
        """An existing organisation's pk, or the folded name of one to create."""
        text = text.strip()
        for key in (f"ref:{text}", fold(text), text):
            if key in self.by_key:
                return self.by_key[key]
        if len(text) > 200:
            raise CellError("An organisation name is at most 200 characters.")
        self.new.setdefault(fold(text), text)
        return fold(text)

    def get(self, key: int | str, sector: Any = None) -> Organisation:
        if isinstance(key, int):
            return Organisation.objects.get(pk=key)
        if key not in self.created:
            self.created[key] = people.organisation_create(
                actor=self.actor, mission=self.mission, name_en=self.new[key], sector=sector
            )
        return self.created[key]


@dataclass
class PersonPlan:
    pk: int | None
    fields: dict[str, Any]
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    address: dict[str, Any] | None = None
    tags: list[str] = field(default_factory=list)
    note: str = ""
    organisation: int | str | None = None
    role: str = ""


class PeopleImporter(Importer):
    kind = "people"
    columns = (
        "ref",
        "family_name",
        "given_name",
        "name_zh",
        "title",
        "office",
        "former",
        "gender",
        "organisation",
        "role",
        "sector",
        "region",
        "email",
        "phone",
        "address",
        "city",
        "postal_code",
        "salutation",
        "salutation_zh",
        "tags",
        "notes",
        "name_order",
        "language",
    )
    required = ()

    def prepare(self) -> None:
        self.vocab = Vocabulary(self.mission.host_country)
        self.people = Person.objects.visible_to(self.actor).filter(mission=self.mission)
        self.index = PersonIndex.load(self.people)
        self.orgs = OrganisationIndex(self.actor, self.mission)
        self.seen: dict[str, int] = {}

    def _fields(self, row: dict[str, str], origin: dict[str, str]) -> dict[str, Any]:
        self.too_long(
            row,
            origin,
            {
                "ref": 64,
                "family_name": 100,
                "given_name": 100,
                "name_zh": 60,
                "title": 60,
                "office": 200,
                "salutation": 200,
                "salutation_zh": 200,
                "role": 150,
            },
        )
        if not (row.get("family_name") or row.get("given_name") or row.get("name_zh")):
            self.problem(origin, "family_name", gettext("A name is needed."))
        out: dict[str, Any] = {}
        for name in ("ref", "family_name", "given_name", "name_zh", "title", "office"):
            if row.get(name):
                out[name] = row[name]
        if row.get("salutation"):
            out["salutation_en"] = row["salutation"]
        if row.get("salutation_zh"):
            out["salutation_zh"] = row["salutation_zh"]
        former = self.cell(row, origin, "former", parse_yes_no)
        if former is not None:
            out["former"] = former
        gender = self.cell(row, origin, "gender", lambda t: _lookup(GENDERS, t, "gender"))
        if gender:
            out["gender"] = gender
        order = self.cell(row, origin, "name_order", lambda t: _lookup(NAME_ORDERS, t, "order"))
        if order:
            out["name_order"] = order
        language = self.cell(row, origin, "language", lambda t: _lookup(LANGUAGES, t, "language"))
        if language:
            out["preferred_language"] = language
        for name in ("sector", "region"):
            value = self.cell(row, origin, name, getattr(self.vocab, name))
            if value is not None:
                out[name] = value
        return out

    def plan(self, line: int, row: dict[str, str], origin: dict[str, str]) -> Outcome:
        fields = self._fields(row, origin)
        country = self.mission.host_country
        emails = (
            self.cell(
                row, origin, "email", lambda t: [people.normalise_email(e) for e in split_list(t)]
            )
            or []
        )
        phones = (
            self.cell(
                row,
                origin,
                "phone",
                lambda t: [people.normalise_phone(p, country) for p in split_list(t)],
            )
            or []
        )
        for key in [f"ref:{fields['ref']}"] if fields.get("ref") else []:
            if key in self.seen:
                self.problem(
                    origin,
                    "ref",
                    gettext("The same ref as line %(line)s.") % {"line": self.seen[key]},
                )
        for email in emails:
            if f"email:{email.casefold()}" in self.seen:
                earlier = self.seen[f"email:{email.casefold()}"]
                self.problem(
                    origin, "email", gettext("The same email as line %(line)s.") % {"line": earlier}
                )
        org = self.cell(row, origin, "organisation", self.orgs.resolve)
        self.checkpoint()
        address = None
        if row.get("address"):
            address = {
                "lines": row["address"][:2000],
                "city": row.get("city", "")[:100],
                "postal_code": row.get("postal_code", "")[:20],
                "country": country,
            }
        region = fields.get("region")
        try:
            pk, how = self.index.match(
                ref=fields.get("ref"),
                emails=emails,
                family_name=row.get("family_name", ""),
                given_name=row.get("given_name", ""),
                name_zh=row.get("name_zh", ""),
                region_id=region.pk if region else None,
                title=row.get("title", ""),
            )
        except Ambiguous as exc:
            raise RowRejected(
                Issue(line, origin.get("family_name", "family_name"), str(exc))
            ) from None
        if fields.get("ref"):
            self.seen[f"ref:{fields['ref']}"] = line
        for email in emails:
            self.seen[f"email:{email.casefold()}"] = line
        plan = PersonPlan(
            pk,
            fields,
            emails,
            phones,
            address,
            split_list(row.get("tags", "")),
            row.get("notes", "").strip(),
            org,
            row.get("role", ""),
        )
        label = " ".join(
            p for p in (row.get("given_name"), row.get("family_name")) if p
        ) or row.get("name_zh", "")
        if pk is None:
            return Outcome(line, "created", label, payload=plan)
        if how == "name":  # the names matched loosely; the spelling on record stays
            for name in ("family_name", "given_name", "name_zh"):
                plan.fields.pop(name, None)
        changes = self._diff(plan)
        action = "updated" if changes else "matched"
        return Outcome(
            line,
            action,
            label,
            f"by {how}" + (f": {', '.join(changes)}" if changes else ""),
            payload=plan,
        )

    def _diff(self, plan: PersonPlan) -> list[str]:
        """Narrow the plan to what differs from the person on record; name what changes."""
        person = self.people.get(pk=plan.pk)
        changes = []
        fields = {}
        for name, value in plan.fields.items():
            if getattr(person, name) != value:
                fields[name] = value
                changes.append(name)
        plan.fields = fields
        have = {e.casefold() for e in person.emails.values_list("email", flat=True)}
        plan.emails = [e for e in plan.emails if e.casefold() not in have]
        numbers = set(person.phones.values_list("number", flat=True))
        plan.phones = [p for p in plan.phones if p not in numbers]
        if plan.address and person.addresses.filter(lines=plan.address["lines"]).exists():
            plan.address = None
        tags = set(person.tags.values_list("name", flat=True))
        plan.tags = [t for t in plan.tags if t[:60] not in tags]
        if plan.note and person.notes.filter(text=plan.note).exists():
            plan.note = ""
        if (
            isinstance(plan.organisation, int)
            and person.affiliations.filter(organisation_id=plan.organisation).exists()
        ):
            plan.organisation = None
        for label, value in (
            ("email", plan.emails),
            ("phone", plan.phones),
            ("address", plan.address),
            ("tags", plan.tags),
            ("notes", plan.note),
            ("organisation", plan.organisation),
        ):
            if value:
                changes.append(label)
        return changes

    def write(self, outcome: Outcome) -> None:
        plan: PersonPlan = outcome.payload
        actor, mission = self.actor, self.mission
        if plan.pk is None:
            person = people.person_create(
                actor=actor,
                mission=mission,
                emails=plan.emails,
                phones=plan.phones,
                addresses=[plan.address] if plan.address else [],
                tags=plan.tags,
                notes=[plan.note] if plan.note else [],
                **plan.fields,
            )
        else:
            person = Person.objects.get(pk=plan.pk)
            if plan.fields:
                person = people.person_update(actor=actor, person=person, **plan.fields)
            if plan.emails or plan.phones or plan.address:
                people.person_add_contacts(
                    actor=actor,
                    person=person,
                    emails=plan.emails,
                    phones=plan.phones,
                    addresses=[plan.address] if plan.address else [],
                )
            if plan.tags:
                person_add_tags(actor=actor, person=person, tags=plan.tags)
            if plan.note:
                people.person_add_note(actor=actor, person=person, text=plan.note)
        if plan.organisation is not None:
            org = self.orgs.get(plan.organisation, sector=plan.fields.get("sector"))
            if plan.pk is None or not person.affiliations.filter(organisation=org).exists():
                people.affiliation_create(
                    actor=actor, person=person, organisation=org, role=plan.role
                )
        outcome.label = outcome.label or str(person)

    def finish_plan(self) -> None:
        if self.report is not None:
            self.report.new_organisations = list(self.orgs.new.values())


def _lookup(table: dict[str, str], text: str, what: str) -> str:
    key = text.strip().casefold().rstrip(".")
    if key not in table:
        raise CellError(
            f"Unknown {what} {text!r}: use one of {', '.join(sorted(set(table.values()) - {''}))}."
        )
    return table[key]


__all__ = ["OrganisationIndex", "PeopleImporter"]
