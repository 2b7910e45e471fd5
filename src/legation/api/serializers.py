"""What the API shows of each record and what it accepts.

Reading: each record as the pages show it to the same user (its links by id, vocabularies by
code, tags by name; a person's notes only those the user is cleared for). Writing: the fields
a service accepts, checked here for their types only; the rules (mission, clearance,
participants, versions) are the services' own, the same as for a form or an import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from legation.core.models import Mission, Region, Sector, Sensitivity
from legation.engagements.models import Commitment, Engagement, Posting
from legation.engagements.services import COMMITMENT_FIELDS, ENGAGEMENT_FIELDS
from legation.people.models import (
    Affiliation,
    EmailAddress,
    Organisation,
    Person,
    PersonNote,
    PhoneNumber,
    PostalAddress,
    Tag,
)
from legation.people.services import ORGANISATION_FIELDS, PERSON_FIELDS

#: the largest id a database holds (a bigger number is refused as a value, not a crash)
MAX_ID = 2**63 - 1


def Id(**kwargs: Any) -> serializers.IntegerField:
    """A record's id in a request."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


# --------------------------------------------------------------------------------------------
# Shared vocabularies and the user's missions: read only.


@extend_schema_field({"type": "string", "description": "The mission's ref."})
class MissionRef(serializers.Field):
    """The record's mission by its ref, read from the user's missions once per request (a join
    with the missions in each list's query made SQLite walk the engagements in the wrong
    order: 0.6 s instead of 20 ms for the first page)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="mission_id", read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        refs = self.context.setdefault("mission_refs", {})
        if value not in refs:
            refs.update(Mission.objects.values_list("pk", "ref").filter(pk=value))
        return refs.get(value, "")


class MissionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Mission
        fields = ("id", "ref", "name_en", "name_zh", "host_country", "kind")


class PostingSerializer(serializers.ModelSerializer):
    mission = MissionRef()
    name = serializers.SerializerMethodField()

    class Meta:
        model = Posting
        fields = (
            "id", "ref", "mission", "person", "name", "role", "title", "title_zh",
            "arrival", "departure",
        )  # fmt: skip

    def get_name(self, posting: Posting) -> str:
        return str(posting.person)


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ("id", "code", "label_en", "label_zh")


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ("id", "code", "country", "name_en", "name_zh", "kind", "is_state")


class TagSerializer(serializers.ModelSerializer):
    mission = MissionRef()

    class Meta:
        model = Tag
        fields = ("id", "mission", "name")


# --------------------------------------------------------------------------------------------
# Fields shared by the ledger's records.


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class TagNames(serializers.Field):
    """Tags by name: shown as a list of names, accepted as one (new names are created in the
    record's mission, as on the pages)."""

    def to_representation(self, value: Any) -> list[str]:
        return sorted(t.name for t in value.all())

    def to_internal_value(self, data: Any) -> list[str]:
        if not isinstance(data, list) or not all(isinstance(v, str) for v in data):
            raise serializers.ValidationError("A list of tag names.")
        if any("\x00" in v for v in data):  # as DRF's text fields (PostgreSQL cannot hold it)
            raise serializers.ValidationError("Null characters are not allowed.")
        return [v.strip() for v in data if v.strip()]


class VersionedSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(
        read_only=True,
        help_text="Counts the record's edits; send it back as If-Match (the ETag) to change it.",
    )
    mission = MissionRef()


class EmailSerializer(serializers.ModelSerializer):
    class Meta:
        model = EmailAddress
        fields = ("id", "email", "label", "primary")


class PhoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = PhoneNumber
        fields = ("id", "number", "label")


class AddressSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = PostalAddress
        fields = ("id", "label", "lines", "city", "region", "postal_code", "country")


class AffiliationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Affiliation
        fields = ("id", "organisation", "role", "start", "end")


def _level() -> serializers.ChoiceField:
    """A sensitivity level, read only (its range not the database's integer range, which
    differs between SQLite and PostgreSQL and would make the schema depend on the database)."""
    return serializers.ChoiceField(Sensitivity.choices, read_only=True)


class NoteSerializer(serializers.ModelSerializer):
    sensitivity = _level()

    class Meta:
        model = PersonNote
        fields = ("id", "text", "sensitivity", "created")


# --------------------------------------------------------------------------------------------
# People


_TIMESTAMP = serializers.DateTimeField()


class PersonSerializer(VersionedSerializer):
    sector = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    tags = TagNames(read_only=True)
    emails = EmailSerializer(many=True, read_only=True)
    phones = PhoneSerializer(many=True, read_only=True)
    addresses = AddressSerializer(many=True, read_only=True)
    affiliations = AffiliationSerializer(many=True, read_only=True)
    notes = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = (
            "id", "version", "mission", *PERSON_FIELDS, "pinyin", "tags", "emails", "phones",
            "addresses", "affiliations", "notes", "created",
        )  # fmt: skip

    @extend_schema_field(NoteSerializer(many=True))
    def get_notes(self, person: Person) -> list[dict[str, Any]]:
        # Prefetched by the view as the notes the user is cleared for (`visible_notes`); written
        # out here, not through a serializer made per person (its copied fields, per row, were
        # most of the list's garbage).
        return [
            {
                "id": n.pk,
                "text": n.text,
                "sensitivity": n.sensitivity,
                "created": _TIMESTAMP.to_representation(n.created),
            }
            for n in getattr(person, "visible_notes", [])
        ]


class Row(serializers.Serializer):
    """A row of a person's list (emails, phones, addresses, affiliations). Each list sent
    becomes the person's list of that kind: a row with an `id` changes that row, a row without
    one is added, a row left out is removed; a list not sent stays as it is."""

    id = Id(required=False)


class EmailRow(Row):
    email = serializers.CharField(max_length=254)
    label = serializers.CharField(required=False, allow_blank=True, max_length=30)
    primary = serializers.BooleanField(required=False)


class PhoneRow(Row):
    number = serializers.CharField(max_length=64)
    label = serializers.CharField(required=False, allow_blank=True, max_length=30)


class AddressRow(Row):
    label = serializers.CharField(required=False, allow_blank=True, max_length=30)
    lines = serializers.CharField()
    city = serializers.CharField(required=False, allow_blank=True, max_length=100)
    region = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    postal_code = serializers.CharField(required=False, allow_blank=True, max_length=20)
    country = serializers.CharField(required=False, allow_blank=True, max_length=2)


class AffiliationRow(Row):
    organisation = Id()
    role = serializers.CharField(required=False, allow_blank=True, max_length=150)
    start = serializers.DateField(required=False, allow_null=True)
    end = serializers.DateField(required=False, allow_null=True)


class PersonWriteSerializer(serializers.Serializer):
    mission = serializers.CharField(
        required=False, help_text="The mission's ref; needed only by a user of several."
    )
    ref = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    family_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    given_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    name_zh = serializers.CharField(required=False, allow_blank=True, max_length=60)
    name_order = serializers.ChoiceField(
        Person._meta.get_field("name_order").choices, required=False
    )
    gender = serializers.ChoiceField(
        Person._meta.get_field("gender").choices, required=False, allow_blank=True
    )
    title = serializers.CharField(required=False, allow_blank=True)
    office = serializers.CharField(required=False, allow_blank=True, max_length=200)
    former = serializers.BooleanField(required=False)
    preferred_language = serializers.ChoiceField(
        Person._meta.get_field("preferred_language").choices, required=False, allow_blank=True
    )
    salutation_en = serializers.CharField(required=False, allow_blank=True)
    salutation_zh = serializers.CharField(required=False, allow_blank=True)
    address_block_en = serializers.CharField(required=False, allow_blank=True)
    address_block_zh = serializers.CharField(required=False, allow_blank=True)
    sector = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="A sector's code or label."
    )
    region = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="A region's code or name."
    )
    tags = TagNames(required=False)
    emails = EmailRow(many=True, required=False)
    phones = PhoneRow(many=True, required=False)
    addresses = AddressRow(many=True, required=False)
    affiliations = AffiliationRow(many=True, required=False)


# --------------------------------------------------------------------------------------------
# Organisations


class OrganisationSerializer(VersionedSerializer):
    sector = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    tags = TagNames(read_only=True)

    class Meta:
        model = Organisation
        fields = ("id", "version", "mission", *ORGANISATION_FIELDS, "tags")


class OrganisationWriteSerializer(serializers.Serializer):
    mission = serializers.CharField(required=False)
    ref = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    name_en = serializers.CharField(required=False, max_length=200)
    name_zh = serializers.CharField(required=False, allow_blank=True, max_length=200)
    sector = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    region = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    parent = Id(required=False, allow_null=True)
    website = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    tags = TagNames(required=False)


# --------------------------------------------------------------------------------------------
# Engagements and commitments


class EngagementSerializer(VersionedSerializer):
    sensitivity = _level()
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    people = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    organisations = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    staff = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    tags = TagNames(read_only=True)

    class Meta:
        model = Engagement
        fields = (
            "id", "version", "mission", *ENGAGEMENT_FIELDS, "people", "organisations",
            "staff", "tags",
        )  # fmt: skip


class EngagementWriteSerializer(serializers.Serializer):
    mission = serializers.CharField(required=False)
    ref = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    kind = serializers.ChoiceField(Engagement._meta.get_field("kind").choices, required=False)
    start = serializers.DateTimeField(required=False)
    duration = serializers.DurationField(
        required=False, min_value=dt.timedelta(0), max_value=dt.timedelta(days=366)
    )
    region = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    city = serializers.CharField(required=False, allow_blank=True, max_length=100)
    site_type = serializers.ChoiceField(
        Engagement._meta.get_field("site_type").choices, required=False, allow_blank=True
    )
    subject = serializers.CharField(required=False, max_length=300)
    summary = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    sensitivity = serializers.ChoiceField(
        Engagement._meta.get_field("sensitivity").choices, required=False
    )
    people = serializers.ListField(child=Id(), required=False)
    organisations = serializers.ListField(child=Id(), required=False)
    staff = serializers.ListField(child=Id(), required=False)
    tags = TagNames(required=False)


class CommitmentSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(read_only=True)
    sensitivity = _level()

    class Meta:
        model = Commitment
        fields = ("id", "version", "engagement", *COMMITMENT_FIELDS)
        read_only_fields = fields


class CommitmentWriteSerializer(serializers.Serializer):
    engagement = Id(required=False, help_text="On creation only.")
    description = serializers.CharField(required=False)
    direction = serializers.ChoiceField(
        Commitment._meta.get_field("direction").choices, required=False
    )
    requested_by = Id(required=False, allow_null=True)
    owner = Id(required=False, allow_null=True)
    due = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(Commitment._meta.get_field("status").choices, required=False)
    resolution = serializers.CharField(required=False, allow_blank=True)
    closed_on = serializers.DateField(required=False, allow_null=True)
    sensitivity = serializers.ChoiceField(
        Commitment._meta.get_field("sensitivity").choices, required=False
    )


# --------------------------------------------------------------------------------------------
# Bulk creation: the importers' rows and report


class BulkSerializer(serializers.Serializer):
    mission = serializers.CharField(required=False)
    rows = serializers.ListField(
        child=serializers.DictField(
            child=serializers.JSONField(), help_text="A row of the CSV import of this kind."
        ),
        min_length=1,
        max_length=20_000,
    )
    dry_run = serializers.BooleanField(default=False)

    def validate_rows(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for n, row in enumerate(rows, start=1):
            for key, value in row.items():
                if "\x00" in key or (isinstance(value, str) and "\x00" in value):
                    raise serializers.ValidationError(
                        f"Row {n}, {key!r}: null characters are not allowed."
                    )
                if value is not None and not isinstance(value, str | int | float | bool):
                    raise serializers.ValidationError(
                        f"Row {n}, {key!r}: a value is text, a number or empty."
                    )
        return rows


class ImportReportSerializer(serializers.Serializer):
    """The importers' report (docs/intake.md): what each row became, and every refusal."""

    kind = serializers.CharField()
    dry_run = serializers.BooleanField()
    written = serializers.BooleanField()
    operation = serializers.CharField(allow_null=True)
    counts = serializers.DictField(child=serializers.IntegerField())
    rows = serializers.ListField(child=serializers.DictField())
    rejected = serializers.ListField(child=serializers.DictField())
    notes = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(child=serializers.CharField())


# --------------------------------------------------------------------------------------------
# Letters


def _in_range(value: dt.date) -> dt.date:
    from legation.core import dates

    if not dates.within(value):
        raise serializers.ValidationError(dates.message(value))
    return value


class LetterRenderSerializer(serializers.Serializer):
    template = serializers.CharField(
        max_length=80, help_text="The template's name: farewell, or farewell.zh for Chinese."
    )
    to = Id(help_text="The recipient (a person's id).")
    posting = serializers.CharField(
        required=False, help_text="The sender's posting (id or ref); default: the head of mission."
    )
    date = serializers.DateField(required=False, help_text="The letter's date (today).")

    def validate_date(self, value: dt.date) -> dt.date:
        return _in_range(value)

    format = serializers.ChoiceField(["pdf", "docx", "txt"], default="pdf")
    personal = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="The personal sentence."
    )
    draft = serializers.BooleanField(
        default=False, help_text="A draft is not recorded on the recipient's timeline."
    )


class ClaimCheckSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=100_000, help_text="The draft, English or Chinese.")
    posting = serializers.CharField(required=False, help_text="The sender's posting (id or ref).")
    date = serializers.DateField(required=False, help_text="The letter's date (else found in it).")

    def validate_date(self, value: dt.date) -> dt.date:
        return _in_range(value)
