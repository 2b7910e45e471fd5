"""Writes to people and organisations. Every change goes through these functions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import phonenumbers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext, ngettext

from legation.core import audit
from legation.core.audit import link_new
from legation.core.deletion import hidden_links, refuse_hidden_dependants
from legation.core.models import Sensitivity
from legation.core.refs import check_ref
from legation.core.services import (
    ConflictError,
    apply_fields,
    check_version,
    count_unsaved_edit,
    locked_visible,
    require_visible,
    writing,
)
from legation.core.vocab import resolve_region, resolve_sector
from legation.people import names
from legation.people.models import (
    Affiliation,
    EmailAddress,
    Organisation,
    Person,
    PersonNote,
    PhoneNumber,
    PostalAddress,
    Relationship,
    Tag,
)

PERSON_FIELDS = (
    "ref",
    "family_name",
    "given_name",
    "name_zh",
    "name_order",
    "gender",
    "title",
    "office",
    "former",
    "preferred_language",
    "salutation_en",
    "salutation_zh",
    "address_block_en",
    "address_block_zh",
    "sector",
    "region",
)
ORGANISATION_FIELDS = (
    "ref",
    "name_en",
    "name_zh",
    "sector",
    "region",
    "parent",
    "website",
    "notes",
)


def normalise_phone(raw: str, country: str = "US") -> str:
    """E.164 form of a phone number, or a ValidationError naming the field."""
    try:
        parsed = phonenumbers.parse(raw, country or None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            {"phone": gettext("%(value)s is not a valid phone number.") % {"value": repr(raw)}}
        ) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            {"phone": gettext("%(value)s is not a valid phone number.") % {"value": repr(raw)}}
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str) -> str:
    email = raw.strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError(
            {"email": gettext("%(value)s is not a valid email address.") % {"value": repr(raw)}}
        ) from exc
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def tags_from(values: Iterable[str | Tag], mission: Any) -> list[Tag]:
    """The mission's tags of these names, created when missing. Tags belong to a mission: a tag
    of another mission is refused, and a name is looked up among the mission's own tags only."""
    mission_id = getattr(mission, "pk", mission)
    out = []
    for value in values:
        if isinstance(value, Tag):
            if value.mission_id != mission_id:
                raise ValidationError(
                    {"tags": gettext("Unknown tag: use the tags of this mission.")}
                )
            out.append(value)
        elif value and value.strip():
            name = value.strip()
            if len(name) > Tag._meta.get_field("name").max_length:
                raise ValidationError(
                    {"tags": gettext("A tag has at most 60 characters: %(tag)s")
                     % {"tag": name[:60] + "…"}}
                )  # fmt: skip
            out.append(Tag.objects.get_or_create(mission_id=mission_id, name=name)[0])
    return out


def _prepare_person(person: Person, country: str) -> None:
    if isinstance(person.sector, str):  # pragma: no cover - resolved by callers
        person.sector = resolve_sector(person.sector)
    if not (person.family_name or person.given_name or person.name_zh):
        raise ValidationError(
            {"family_name": gettext("A person needs a name in at least one script.")}
        )
    if person.name_zh and not person.family_name and not person.given_name:
        # A Chinese name alone: fill the Latin names from its pinyin, family name first.
        # The pinyin of the whole name is "Family Given" (surname readings, compound surnames).
        family, _, given = names.pinyin(person.name_zh).partition(" ")
        person.family_name, person.given_name = family, given
    person.ref = person.ref or None
    person.refresh_derived()
    person.full_clean(exclude=["mission"])
    check_ref(person)


def _resolve_vocab(fields: dict[str, Any], country: str) -> dict[str, Any]:
    if "sector" in fields and not hasattr(fields["sector"], "pk"):
        fields["sector"] = resolve_sector(fields["sector"])
    if "region" in fields and not hasattr(fields["region"], "pk"):
        fields["region"] = resolve_region(fields["region"], country)
    return fields


def person_create(
    *,
    actor: Any,
    mission: Any,
    emails: Sequence[str] = (),
    phones: Sequence[str] = (),
    addresses: Sequence[dict[str, Any]] = (),
    tags: Sequence[str | Tag] = (),
    notes: Sequence[tuple[str, int] | str] = (),
    **fields: Any,
) -> Person:
    """Create a person with their contact details, tags and notes, in one audited step."""
    from legation.core.models import Mission

    with writing(actor, "people.add_person", description="create person"):
        require_visible(Mission.objects, actor, [mission], "mission")
        fields = _resolve_vocab(dict(fields), mission.host_country)
        person = Person(mission=mission)
        apply_fields(person, fields, PERSON_FIELDS)
        if "name_order" not in fields:
            person.name_order = names.infer_name_order(
                name_zh=person.name_zh,
                family_name=person.family_name,
                given_name=person.given_name,
            )
        _prepare_person(person, mission.host_country)
        person.save()
        _add_contacts(person, emails, phones, addresses, mission.host_country)
        if tags:
            link_new(person, "tags", tags_from(tags, mission))
        for note in notes:
            text, level = (note, Sensitivity.INTERNAL) if isinstance(note, str) else note
            person_add_note(actor=actor, person=person, text=text, sensitivity=level)
        return person


def _add_contacts(
    person: Person,
    emails: Sequence[str],
    phones: Sequence[str],
    addresses: Sequence[dict[str, Any]],
    country: str,
) -> None:
    has_primary = person.emails.filter(primary=True).exists() if person.pk else False
    for i, raw in enumerate(e for e in emails if e and e.strip()):
        EmailAddress.objects.create(
            person=person, email=normalise_email(raw), primary=(i == 0 and not has_primary)
        )
    for raw in (p for p in phones if p and p.strip()):
        PhoneNumber.objects.create(person=person, number=normalise_phone(raw, country))
    for addr in addresses:
        data = dict(addr)
        if "region" in data:
            data["region"] = resolve_region(data["region"], country)
        postal = PostalAddress(person=person, **data)
        postal.full_clean(exclude=["person"])
        postal.save()


def person_update(
    *, actor: Any, person: Person, expected_version: int | None = None, **fields: Any
) -> Person:
    """Change a person's fields; derived names (pinyin, search keys) follow. With
    `expected_version` (the version the editor loaded) a concurrent edit is refused."""
    with writing(actor, "people.change_person", description=f"update person {person.pk}"):
        person = locked_visible(Person.objects, actor, person.pk)
        check_version(person, expected_version)
        fields = _resolve_vocab(dict(fields), person.mission.host_country)
        changed = apply_fields(person, fields, PERSON_FIELDS)
        if "name_zh" in changed and "name_order" not in fields:
            person.name_order = names.infer_name_order(
                name_zh=person.name_zh,
                family_name=person.family_name,
                given_name=person.given_name,
            )
        _prepare_person(person, person.mission.host_country)
        person.save()
        return person


# What each kind of row on the person form holds: its model, the field naming the person, and
# the fields an editor sets.
ROW_KINDS: dict[str, tuple[type, str, tuple[str, ...]]] = {
    "emails": (EmailAddress, "person", ("email", "label", "primary")),
    "phones": (PhoneNumber, "person", ("number", "label")),
    "addresses": (
        PostalAddress,
        "person",
        ("label", "lines", "city", "region", "postal_code", "country"),
    ),
    "affiliations": (Affiliation, "person", ("organisation", "role", "start", "end")),
    "relationships": (Relationship, "from_person", ("to_person", "kind", "note")),
}


def _collect(errors: dict[str, list[str]], exc: ValidationError, prefix: str = "") -> None:
    """Add `exc`'s messages to `errors`, keyed by field; `prefix` names a row ("emails-0"),
    whose field errors are keyed "emails-0-email" and whose other errors "emails-0"."""
    from django.core.exceptions import NON_FIELD_ERRORS

    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            if name == NON_FIELD_ERRORS:
                key = prefix or NON_FIELD_ERRORS
            else:
                key = f"{prefix}-{name}" if prefix else name
            errors.setdefault(key, []).extend(messages)
    else:
        errors.setdefault(prefix or NON_FIELD_ERRORS, []).extend(exc.messages)


def _check_row(kind: str, row: Any, person: Person, actor: Any, country: str) -> None:
    """Normalise and check one row in place (contacts, links to visible records of the mission)."""
    if kind == "emails":
        try:
            row.email = normalise_email(row.email or "")
        except ValidationError as exc:
            raise ValidationError({"email": exc.messages}) from exc
    elif kind == "phones":
        try:
            row.number = normalise_phone(row.number or "", country)
        except ValidationError as exc:
            raise ValidationError({"number": exc.messages}) from exc
    elif kind == "affiliations":
        org = row.organisation
        if not Organisation.objects.visible_to(actor).filter(pk=org.pk).exists():
            raise ValidationError(
                {"organisation": gettext("Unknown record: you can only link records you can see.")}
            )
        if org.mission_id != person.mission_id:
            raise ValidationError(
                {"organisation": gettext("The organisation belongs to another mission.")}
            )
        if row.start and row.end and row.end < row.start:
            raise ValidationError({"end": gettext("The end date is before the start date.")})
    elif kind == "relationships":
        other = row.to_person
        if person.pk and other.pk == person.pk:
            raise ValidationError(
                {"to_person": gettext("A person cannot be related to themselves.")}
            )
        if not Person.objects.visible_to(actor).filter(pk=other.pk).exists():
            raise ValidationError(
                {"to_person": gettext("Unknown record: you can only link records you can see.")}
            )
        if other.mission_id != person.mission_id:
            raise ValidationError(
                {"to_person": gettext("The two people belong to different missions.")}
            )


def _set_row_fields(row: Any, data: dict[str, Any], country: str) -> None:
    """Set a row's fields from `data`: a region by its code or name, an empty text as ""."""
    missing = {}
    for name, value in data.items():
        if name == "id":
            continue
        field = row._meta.get_field(name)
        if name == "region" and not hasattr(value, "pk"):
            value = resolve_region(value, country)
        if value is None and not field.null:
            if field.is_relation:
                missing[name] = gettext("This field is required.")
                continue
            value = ""
        setattr(row, name, value)
    if missing:
        raise ValidationError(missing)


def _plan_rows(
    kind: str,
    person: Person,
    rows: Sequence[dict[str, Any]],
    actor: Any,
    country: str,
    errors: dict[str, list[str]],
) -> tuple[list[Any], list[Any]]:
    """The rows of `kind` to save (new or changed) and to delete so that the person's rows are
    exactly `rows`; problems go to `errors`, keyed by row."""
    model, owner, names_ = ROW_KINDS[kind]
    existing = {r.pk: r for r in model.objects.filter(**{owner: person})} if person.pk else {}
    kept, to_save = set(), []
    for i, data in enumerate(rows):
        prefix = f"{kind}-{i}"
        pk = data.get("id")
        pk = getattr(pk, "pk", pk)
        if pk:
            row = existing.get(int(pk))
            if row is None:
                errors.setdefault(prefix, []).append(
                    gettext("This row no longer exists: someone removed it.")
                )
                continue
            kept.add(row.pk)
        else:
            row = model(**{owner: person})
        unknown = sorted(set(data) - {"id", *names_})
        if unknown:
            errors.setdefault(prefix, []).append(f"Unknown fields: {', '.join(unknown)}.")
            continue
        before = {n: getattr(row, n) for n in names_} if row.pk else None
        try:
            _set_row_fields(row, data, country)
        except ValidationError as exc:
            _collect(errors, exc, prefix)
            continue
        try:
            _check_row(kind, row, person, actor, country)
            row.full_clean(exclude=[owner])
        except ValidationError as exc:
            _collect(errors, exc, prefix)
            continue
        if before is None or before != {n: getattr(row, n) for n in names_}:
            to_save.append(row)
    return to_save, [r for pk, r in existing.items() if pk not in kept]


def _check_email_list(rows: Sequence[dict[str, Any]], errors: dict[str, list[str]]) -> None:
    """A person's emails as a list: one primary at most, no address twice."""
    if sum(1 for r in rows if r.get("primary")) > 1:
        errors.setdefault("emails", []).append(gettext("Only one email can be the primary one."))
    seen = set()
    for row in rows:
        try:
            key = normalise_email(row.get("email") or "").casefold()
        except ValidationError:
            continue  # reported with its row
        if key in seen:
            errors.setdefault("emails", []).append(
                gettext("The email %(email)s is listed twice.") % {"email": row.get("email")}
            )
        seen.add(key)


def person_save(
    *,
    actor: Any,
    person: Person | None = None,
    mission: Any = None,
    expected_version: int | None = None,
    fields: dict[str, Any] | None = None,
    tags: Sequence[str | Tag] | None = None,
    note: tuple[str, int] | None = None,
    emails: Sequence[dict[str, Any]] | None = None,
    phones: Sequence[dict[str, Any]] | None = None,
    addresses: Sequence[dict[str, Any]] | None = None,
    affiliations: Sequence[dict[str, Any]] | None = None,
    relationships: Sequence[dict[str, Any]] | None = None,
) -> Person:
    """Create (`mission`) or edit (`person`, `expected_version`) a person with everything that
    hangs on them, in one audited transaction: a failure anywhere saves nothing.

    Each list of rows (dicts of the row's fields, as ROW_KINDS names them) becomes the person's
    rows of that kind: a row with an "id" edits that row, a row without one is added, an existing
    row left out is removed; `None` leaves that kind as it is. Every problem is collected before
    anything is written and raised in one ValidationError whose keys name the person's fields
    ("family_name") or a row's ("emails-0-email"; "emails-0" for the row as a whole). A person
    saved unchanged is not written again. `note` is (text, sensitivity), added to the notes."""
    from legation.core.models import Mission

    perm = "people.change_person" if person is not None else "people.add_person"
    what = f"edit person {person.pk}" if person is not None else "create person"
    with writing(actor, perm, description=what):
        creating = person is None
        if creating:
            require_visible(Mission.objects, actor, [mission], "mission")
            person = Person(mission=mission)
        else:
            person = locked_visible(Person.objects, actor, person.pk)
            check_version(person, expected_version)
        country = person.mission.host_country
        errors: dict[str, list[str]] = {}
        fields = dict(fields or {})
        try:
            fields = _resolve_vocab(fields, country)
            changed = apply_fields(person, fields, PERSON_FIELDS)
        except ValidationError as exc:
            _collect(errors, exc)
            changed = []
        if "name_order" not in fields and (creating or "name_zh" in changed):
            person.name_order = names.infer_name_order(
                name_zh=person.name_zh, family_name=person.family_name, given_name=person.given_name
            )
        try:
            _prepare_person(person, country)
        except ValidationError as exc:
            _collect(errors, exc)
        plans = {}
        for kind, rows in (
            ("emails", emails),
            ("phones", phones),
            ("addresses", addresses),
            ("affiliations", affiliations),
            ("relationships", relationships),
        ):
            if rows is not None:
                plans[kind] = _plan_rows(kind, person, rows, actor, country, errors)
        if emails:
            _check_email_list(emails, errors)
        if creating and emails and "emails" in plans:
            saved = plans["emails"][0]
            if saved and not any(r.primary for r in saved):
                saved[0].primary = True
        if errors:
            raise ValidationError(errors)
        rows_changed = any(save or delete for save, delete in plans.values())
        if creating or changed:
            person.save()
        else:
            count_unsaved_edit(person, links_changed=rows_changed)
        for kind, (save, delete) in plans.items():
            for row in delete:
                row.delete()
            for row in save:
                setattr(row, ROW_KINDS[kind][1], person)
                row.save()
        if tags is not None:
            person.tags.set(tags_from(tags, person.mission_id))
        if note and note[0].strip():
            person_add_note(actor=actor, person=person, text=note[0], sensitivity=note[1])
        return person


def person_add_contacts(
    *,
    actor: Any,
    person: Person,
    emails: Sequence[str] = (),
    phones: Sequence[str] = (),
    addresses: Sequence[dict[str, Any]] = (),
) -> Person:
    with writing(actor, "people.change_person", description=f"add contacts to {person.pk}"):
        person = Person.objects.visible_to(actor).get(pk=person.pk)
        _add_contacts(person, emails, phones, addresses, person.mission.host_country)
        return person


def person_delete(*, actor: Any, person: Person) -> None:
    """Delete a person and what hangs on them; restorable from the audit trail."""
    with writing(actor, "people.delete_person", description=f"delete person {person.pk}"):
        person = Person.objects.visible_to(actor).get(pk=person.pk)
        refuse_hidden_dependants(person, actor)
        person.delete()


def person_add_note(
    *, actor: Any, person: Person, text: str, sensitivity: int = Sensitivity.INTERNAL
) -> PersonNote:
    from legation.core import access

    with writing(actor, "people.add_personnote", description=f"note on person {person.pk}"):
        require_visible(Person.objects, actor, [person], "person")
        if sensitivity > access.clearance(actor):
            raise ValidationError(
                {"sensitivity": gettext("You cannot write a note above your own clearance.")}
            )
        note = PersonNote(
            person=person,
            text=text.strip(),
            sensitivity=sensitivity,
            author=actor if getattr(actor, "is_authenticated", False) else None,
        )
        note.full_clean()
        note.save()
        return note


def _check_organisation(org: Organisation, actor: Any) -> None:
    """The rules of an organisation, on create and update alike: its parent is one the actor
    can see, of the same mission, and never the organisation itself or one below it."""
    parent = org.parent
    if parent is None:
        return
    require_visible(Organisation.objects, actor, [parent], "parent")
    if parent.mission_id != org.mission_id:
        raise ValidationError({"parent": gettext("The parent belongs to another mission.")})
    seen = set()
    while parent is not None and parent.pk not in seen:
        if org.pk is not None and parent.pk == org.pk:
            raise ValidationError(
                {"parent": gettext("An organisation cannot be placed under itself.")}
            )
        seen.add(parent.pk)
        parent = parent.parent


def organisation_create(
    *, actor: Any, mission: Any, tags: Sequence[str] = (), **fields: Any
) -> Organisation:
    from legation.core.models import Mission

    with writing(actor, "people.add_organisation", description="create organisation"):
        require_visible(Mission.objects, actor, [mission], "mission")
        fields = _resolve_vocab(dict(fields), mission.host_country)
        org = Organisation(mission=mission)
        apply_fields(org, fields, ORGANISATION_FIELDS)
        org.ref = org.ref or None
        _check_organisation(org, actor)
        org.full_clean(exclude=["mission"])
        check_ref(org)
        org.save()
        if tags:
            link_new(org, "tags", tags_from(tags, mission))
        return org


def organisation_update(
    *,
    actor: Any,
    organisation: Organisation,
    expected_version: int | None = None,
    tags: Sequence[str | Tag] | None = None,
    **fields: Any,
) -> Organisation:
    """Change an organisation's fields (and its tags when `tags` is given; else they stay)."""
    with writing(
        actor, "people.change_organisation", description=f"update organisation {organisation.pk}"
    ):
        org = locked_visible(Organisation.objects, actor, organisation.pk)
        check_version(org, expected_version)
        fields = _resolve_vocab(dict(fields), org.mission.host_country)
        if "ref" in fields:
            fields["ref"] = fields["ref"] or None
        changed = apply_fields(org, fields, ORGANISATION_FIELDS)
        _check_organisation(org, actor)
        org.full_clean(exclude=["mission"])
        check_ref(org)
        if changed:
            org.save()
        tags_changed = False
        if tags is not None:
            wanted = tags_from(tags, org.mission_id)
            tags_changed = {t.pk for t in wanted} != set(org.tags.values_list("pk", flat=True))
            org.tags.set(wanted)
        if not changed:
            count_unsaved_edit(org, links_changed=tags_changed)
        return org


def organisation_delete(*, actor: Any, organisation: Organisation) -> None:
    with writing(
        actor, "people.delete_organisation", description=f"delete organisation {organisation.pk}"
    ):
        organisation = Organisation.objects.visible_to(actor).get(pk=organisation.pk)
        refuse_hidden_dependants(organisation, actor)
        organisation.delete()


def affiliation_create(
    *,
    actor: Any,
    person: Person,
    organisation: Organisation,
    role: str = "",
    start: Any = None,
    end: Any = None,
) -> Affiliation:
    with writing(actor, "people.add_affiliation", description="affiliate person"):
        require_visible(Person.objects, actor, [person], "person")
        require_visible(Organisation.objects, actor, [organisation], "organisation")
        if person.mission_id != organisation.mission_id:
            raise ValidationError(
                {"organisation": gettext("The organisation belongs to another mission.")}
            )
        aff = Affiliation(person=person, organisation=organisation, role=role, start=start, end=end)
        if aff.start and aff.end and aff.end < aff.start:
            raise ValidationError({"end": gettext("The end date is before the start date.")})
        aff.full_clean()
        aff.save()
        return aff


def relationship_create(
    *, actor: Any, from_person: Person, to_person: Person, kind: str, note: str = ""
) -> Relationship:
    """Record that `from_person` is `kind` (spouse of, chief of staff of…) `to_person`."""
    with writing(actor, "people.add_relationship", description="relate people"):
        require_visible(Person.objects, actor, [from_person, to_person], "to_person")
        if from_person.pk == to_person.pk:
            raise ValidationError(
                {"to_person": gettext("A person cannot be related to themselves.")}
            )
        if from_person.mission_id != to_person.mission_id:
            raise ValidationError(
                {"to_person": gettext("The two people belong to different missions.")}
            )
        rel = Relationship(from_person=from_person, to_person=to_person, kind=kind, note=note)
        rel.full_clean()
        rel.save()
        return rel


def relationship_delete(*, actor: Any, relationship: Relationship) -> None:
    """Remove a relationship; restorable from the audit trail."""
    with writing(
        actor, "people.delete_relationship", description=f"delete relationship {relationship.pk}"
    ):
        relationship = Relationship.objects.visible_to(actor).get(pk=relationship.pk)
        refuse_hidden_dependants(relationship, actor)
        relationship.delete()


def person_add_tags(*, actor: Any, person: Person, tags: Iterable[str | Tag]) -> Person:
    """Add tags of the person's mission (an import's update removes none); tags added count as
    a new version of the person, as a change of tags on the person form does."""
    with writing(actor, "people.change_person", description=f"tag person {person.pk}"):
        person = locked_visible(Person.objects, actor, person.pk)
        check_version(person, None)
        wanted = tags_from(tags, person.mission_id)
        had = set(person.tags.values_list("pk", flat=True))
        person.tags.add(*wanted)
        count_unsaved_edit(person, links_changed=not {t.pk for t in wanted} <= had)
        return person


def _merge_contacts(keep: Person, other: Person) -> None:
    """Move the other person's emails and phones unless the kept person has them already."""
    emails = {e.casefold() for e in keep.emails.values_list("email", flat=True)}
    has_primary = keep.emails.filter(primary=True).exists()
    for row in EmailAddress.objects.filter(person=other):
        if row.email.casefold() in emails:
            row.delete()
            continue
        row.person = keep
        row.primary = row.primary and not has_primary
        row.save()
    numbers = set(keep.phones.values_list("number", flat=True))
    for row in PhoneNumber.objects.filter(person=other):
        if row.number in numbers:
            row.delete()
        else:
            row.person = keep
            row.save()


def person_merge(
    *,
    actor: Any,
    keep: Person,
    other: Person,
    choices: dict[str, str] | None = None,
    keep_version: Any = None,
    other_version: Any = None,
) -> Person:
    """Merge `other` into `keep`: every engagement, affiliation, note, email, posting, letter and
    relationship of `other` moves to `keep`; fields empty on `keep` take `other`'s values; then
    `other` is deleted. One audited operation, so the merge can be read back in the history.

    `choices` names, field by field, whose value the merged person keeps ("keep" or "other"),
    whatever is empty (the merge page's choice); fields it does not name follow the rule above.
    `keep_version` / `other_version` are the versions the choice was made on: a merge on an older
    version of either is refused (ConflictError).
    """
    from django.db import IntegrityError, transaction

    with writing(
        actor,
        "people.change_person",
        "people.delete_person",
        description=f"merge person {other.pk} into {keep.pk}",
    ):
        people = Person.objects.visible_to(actor).select_for_update()
        keep = people.get(pk=keep.pk)
        other = people.get(pk=other.pk)
        if keep.pk == other.pk:
            raise ValidationError({"person": "A person cannot be merged with themselves."})
        if keep.mission_id != other.mission_id:
            raise ValidationError({"person": "The two people belong to different missions."})
        choices = dict(choices or {})
        wrong = sorted(
            name
            for name, side in choices.items()
            if name not in PERSON_FIELDS or side not in ("keep", "other")
        )
        if wrong:
            raise ValidationError(dict.fromkeys(wrong, "Choose keep or other for this field."))
        check_version(keep, keep_version)
        if other_version not in (None, "") and int(other_version) != other.version:
            raise ConflictError(other, int(other_version))
        hidden = hidden_links(other, actor)
        if hidden:
            # Merging moves every note, engagement and commitment of `other`: not those the
            # actor is not cleared to see, and without naming them.
            raise PermissionDenied(
                ngettext(
                    "%(count)d record linked to this person is one you are not cleared to see; "
                    "ask someone cleared for it to merge them.",
                    "%(count)d records linked to this person are ones you are not cleared to "
                    "see; ask someone cleared for them to merge them.",
                    hidden,
                )
                % {"count": hidden}
            )
        side = choices.get("ref")
        moved_ref = other.ref if side == "other" or (side is None and not keep.ref) else None
        if moved_ref:
            other.ref = None
            other.save()
        for name in PERSON_FIELDS:
            side = choices.get(name)
            if name != "ref" and (
                side == "other"
                or (side is None and not getattr(keep, name) and getattr(other, name))
            ):
                setattr(keep, name, getattr(other, name))
        keep.ref = moved_ref or keep.ref
        keep.refresh_derived()
        keep.save()
        _merge_contacts(keep, other)
        keep.tags.add(*other.tags.all())
        for rel in Person._meta.get_fields(include_hidden=True):
            if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
                continue
            model = rel.related_model
            if model.__name__.startswith("Historical"):
                continue
            for obj in model._default_manager.filter(**{rel.field.name: other}):
                setattr(obj, rel.field.name, keep)
                try:
                    with transaction.atomic():
                        obj.save()
                except IntegrityError:
                    # keep has this row already (a meeting both attended, a relationship
                    # between the two): the other's copy goes.
                    model._default_manager.filter(pk=obj.pk).delete()
        gone = Person.objects.filter(pk=other.pk).get()
        gone._change_reason = audit.MERGED_INTO.format(keep=keep.pk)  # its '-' row's marker
        gone.delete()
        return keep
