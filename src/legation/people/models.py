"""People and organisations outside the mission, and how they relate."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from legation.core.db import text as text_index
from legation.core.models import Region, Sector, Sensitivity, Versioned, audited
from legation.core.querysets import VisibleQuerySet
from legation.core.refs import ref_per_mission
from legation.people import address as forms
from legation.people import names


class TagQuerySet(VisibleQuerySet):
    mission_path = "mission_id"

    def in_sight_of(self, user: Any, *, editable: bool = False) -> TagQuerySet:
        """The tags of the user's missions that are on a record the user may see, or on none:
        a tag put only on a restricted engagement is not named to a user not cleared for it,
        in a list's filter or anywhere else. With `editable`, only tags none of whose uses is
        hidden from the user (those they may rename or delete).

        One EXISTS per kind of tagged record, per tag: the first visible use ends the look (a
        user cleared for everything skips it: every record of their missions is in sight)."""
        from legation.core import access

        tags = self.visible_to(user)
        if access.sees_all_missions(user) or access.clearance(user) >= max(Sensitivity.values):
            return tags
        if access.clearance(user) < 0:
            return tags.none()
        seen, hidden, used = models.Q(), models.Q(), models.Q()
        for through, column, owner in tag_uses():
            links = through.objects.filter(tag_id=models.OuterRef("pk"))
            in_sight = models.Exists(
                owner._default_manager.visible_to(user).filter(pk=models.OuterRef(column))
            )
            seen |= models.Exists(links.filter(in_sight))
            hidden |= models.Exists(links.filter(~in_sight))
            used |= models.Exists(links)
        tags = tags.filter(seen | ~used)
        return tags.exclude(hidden) if editable else tags


class Tag(models.Model):
    """A label a mission puts on its people, organisations and engagements; its own, unseen by
    other missions (two missions may each have a tag of the same name)."""

    mission = models.ForeignKey("core.Mission", on_delete=models.PROTECT, related_name="tags")
    name = models.CharField(_("name"), max_length=60)
    history = audited()

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [
            models.UniqueConstraint(fields=["mission", "name"], name="tag_name_per_mission")
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationQuerySet(VisibleQuerySet):
    mission_path = "mission_id"

    def search(self, text: str) -> OrganisationQuerySet:
        """Organisations whose English or Chinese name contains `text` (any case), found through
        the name index when it can answer."""
        narrowed = text_index.organisation_name_match(text)
        qs = self.filter(narrowed) if narrowed is not None else self
        qs = qs.filter(models.Q(name_en__icontains=text) | models.Q(name_zh__icontains=text))
        if qs.query.default_ordering and not qs.query.order_by:
            qs = qs.order_by(*self.model._meta.ordering, "pk")
        return qs


class Organisation(Versioned):
    mission = models.ForeignKey(
        "core.Mission", on_delete=models.PROTECT, related_name="organisations"
    )
    ref = models.CharField(_("reference"), max_length=64, null=True, blank=True)  # noqa: DJ001 (NULL: no ref, no clash)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), null=True, blank=True, on_delete=models.PROTECT
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="organisations")
    history = audited(versioned=True, m2m_fields=["tags"])

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["mission", "name_en"])]
        constraints = [ref_per_mission("organisation")]

    def __str__(self) -> str:
        """The name in the reader's script, as `Person.__str__`; letters use name_en/name_zh."""
        if self.name_zh and (get_language() or "").lower().startswith("zh"):
            return self.name_zh
        return self.name_en


class NameOrder(models.TextChoices):
    WESTERN = names.NAME_ORDER_WESTERN, _("given name first")
    EASTERN = names.NAME_ORDER_EASTERN, _("family name first")


class Gender(models.TextChoices):
    UNKNOWN = "", _("not stated")
    FEMALE = "f", _("female")
    MALE = "m", _("male")
    OTHER = "x", _("other")


class Language(models.TextChoices):
    """The language a person prefers to be written to in (letters, invitations)."""

    UNKNOWN = "", _("not stated")
    ENGLISH = "en", pgettext_lazy("language", "English")
    CHINESE = "zh", pgettext_lazy("language", "Chinese")
    OTHER = "other", _("another language")


class PersonQuerySet(VisibleQuerySet):
    mission_path = "mission_id"

    def search(self, query: str) -> PersonQuerySet:
        """Match any form of the name: Latin, pinyin with or without tones, characters."""
        q = names.normalise_query(query)
        if not q:
            return self
        words = q.split()
        qs = self
        # The name indexes narrow (SQLite: a subquery on its FTS5 tables, unless the words match
        # so many that walking the names in order is quicker; PostgreSQL: conditions its GIN
        # indexes answer); the substring match of every word decides.
        narrowed = text_index.person_name_match([(w, names.gram_token(w)) for w in words])
        if narrowed is not None:
            qs = qs.filter(narrowed)
        for term in words:
            qs = qs.filter(search_keys__contains=term)
        qs = text_index.few_people_by_id(qs)
        if qs.query.default_ordering and not qs.query.order_by:
            # People of the same name in a stable order whatever plan the database chooses,
            # so pages of results neither repeat nor skip anyone.
            qs = qs.order_by(*self.model._meta.ordering, "pk")
        return qs


class Person(Versioned):
    """Someone the mission deals with, or one of its own staff (staff hold postings)."""

    mission = models.ForeignKey("core.Mission", on_delete=models.PROTECT, related_name="people")
    ref = models.CharField(_("reference"), max_length=64, null=True, blank=True)  # noqa: DJ001 (NULL: no ref, no clash)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    name_zh = models.CharField(_("name in Chinese characters"), max_length=60, blank=True)
    pinyin = models.CharField(_("pinyin"), max_length=120, blank=True, editable=False)
    name_order = models.CharField(
        _("name order"), max_length=10, choices=NameOrder.choices, default=NameOrder.WESTERN
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    title = models.CharField(
        _("honorific or title"),
        max_length=60,
        blank=True,
        help_text=_("President, Senator, Governor, Ambassador, Dr., Mr., Ms.…"),
    )
    office = models.CharField(_("current office"), max_length=200, blank=True)
    former = models.BooleanField(
        _("former office holder"),
        default=False,
        help_text=_(
            "Holds the title formerly: a former president is still “Dear President (name),”; a "
            "former governor is “Dear Mr. (name),” again."
        ),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, blank=True, default=""
    )
    salutation_en = models.CharField(
        _("salutation (English)"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to compute it from the title, office and names."),
    )
    salutation_zh = models.CharField(_("salutation (Chinese)"), max_length=200, blank=True)
    address_block_en = models.TextField(_("address block (English)"), blank=True)
    address_block_zh = models.TextField(_("address block (Chinese)"), blank=True)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), null=True, blank=True, on_delete=models.PROTECT
    )
    region = models.ForeignKey(
        Region, verbose_name=_("home region"), null=True, blank=True, on_delete=models.PROTECT
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="people")
    search_keys = models.TextField(editable=False, blank=True)
    #: the one- and two-character words of search_keys, indexed word by word (names.search_grams)
    search_grams = models.TextField(editable=False, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)
    history = audited(
        versioned=True, excluded_fields=["search_keys", "search_grams"], m2m_fields=["tags"]
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["mission", "family_name", "given_name"]),
            models.Index(fields=["pinyin"]),
        ]
        constraints = [ref_per_mission("person")]

    def __str__(self) -> str:
        """The name in the reader's script: in characters in the Chinese interface when the person
        has them, else in Latin script (as `Mission.__str__` does for missions). Letters name
        people by their own rules (letters/merge/review_display.py, letters/compose/context.py), not by this."""
        if self.name_zh and (get_language() or "").lower().startswith("zh"):
            return self.name_zh
        return self.full_name or self.name_zh or f"#{self.pk}"

    @property
    def full_name(self) -> str:
        return names.full_name(
            family_name=self.family_name, given_name=self.given_name, name_order=self.name_order
        )

    def refresh_derived(self) -> None:
        """Recompute pinyin and search keys from the names (called by the services)."""
        self.pinyin = names.pinyin(self.name_zh) if self.name_zh else ""
        self.search_keys = names.search_keys(
            family_name=self.family_name, given_name=self.given_name, name_zh=self.name_zh
        )
        self.search_grams = names.search_grams(self.search_keys)

    def forms_of_address(self) -> forms.FormsOfAddress:
        """Computed forms, with the per-person overrides applied."""
        computed = forms.forms_of_address(
            forms.AddressInput(
                family_name=self.family_name,
                given_name=self.given_name,
                name_zh=self.name_zh,
                name_order=self.name_order,
                title=self.title,
                office=self.office,
                gender=self.gender,
                former=self.former,
            )
        )
        return forms.FormsOfAddress(
            salutation_en=self.salutation_en or computed.salutation_en,
            salutation_zh=self.salutation_zh or computed.salutation_zh,
            address_block_en=tuple(self.address_block_en.splitlines()) or computed.address_block_en,
            address_block_zh=tuple(self.address_block_zh.splitlines()) or computed.address_block_zh,
            rule="override" if self.salutation_en or self.salutation_zh else computed.rule,
            rank=computed.rank,
        )


class PersonNoteQuerySet(VisibleQuerySet):
    mission_path = "person__mission_id"
    sensitivity_paths = ("sensitivity",)


class PersonNote(models.Model):
    """A note on a person; restricted notes are visible only to the cleared."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note"))
    sensitivity = models.PositiveSmallIntegerField(
        _("sensitivity"), choices=Sensitivity.choices, default=Sensitivity.INTERNAL
    )
    created = models.DateTimeField(_("written"), auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = audited()

    objects = PersonNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        indexes = [models.Index(fields=["person", "sensitivity"])]

    def __str__(self) -> str:
        return self.text[:60]


class ContactQuerySet(VisibleQuerySet):
    mission_path = "person__mission_id"


class EmailAddress(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="emails")
    email = models.EmailField(_("email"), db_index=True)
    label = models.CharField(_("label"), max_length=30, blank=True)
    primary = models.BooleanField(_("primary"), default=False)
    history = audited()

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-primary", "email"]
        verbose_name = _("email address")
        verbose_name_plural = _("email addresses")

    def __str__(self) -> str:
        return self.email


class PhoneNumber(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("number (E.164)"), max_length=32)
    label = models.CharField(_("label"), max_length=30, blank=True)
    history = audited()

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")

    def __str__(self) -> str:
        return self.number


class PostalAddress(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(_("label"), max_length=30, blank=True)
    lines = models.TextField(_("street lines"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    history = audited()

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("postal address")
        verbose_name_plural = _("postal addresses")

    def __str__(self) -> str:
        return ", ".join(p for p in [self.lines.replace("\n", ", "), self.city] if p)


class Affiliation(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="affiliations"
    )
    role = models.CharField(_("role"), max_length=150, blank=True)
    start = models.DateField(pgettext_lazy("affiliation", "from"), null=True, blank=True)
    end = models.DateField(pgettext_lazy("affiliation", "until"), null=True, blank=True)
    history = audited()

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True)
                | models.Q(start__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="affiliation_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.organisation}"


class RelationshipQuerySet(VisibleQuerySet):
    mission_path = "from_person__mission_id"


class Relationship(models.Model):
    class Kind(models.TextChoices):
        SPOUSE = "spouse", _("spouse of")
        FAMILY = "family", _("family of")
        CHIEF_OF_STAFF = "chief_of_staff", _("chief of staff of")
        STAFF = "staff", _("staff of")
        SUCCESSOR = "successor", _("successor of")
        COLLEAGUE = "colleague", _("colleague of")
        FRIEND = "friend", _("friend of")
        OTHER = "other", _("other")

    # Not "source"/"target": every historical table has its own "source" column (the audit
    # channel: web, api, command, import, system), which a field of that name would replace.
    from_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    to_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = audited()

    objects = RelationshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_person=models.F("to_person")),
                name="relationship_not_self",
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_person} {self.get_kind_display()} {self.to_person}"


def tag_uses() -> list[tuple[Any, str, type]]:
    """Every many-to-many field that tags records (people, organisations, engagements): its
    table of links, the column naming the tagged record, and the tagged model."""
    return [
        (rel.through, rel.field.m2m_column_name(), rel.related_model)
        for rel in Tag._meta.related_objects
        if rel.many_to_many and hasattr(rel.related_model._default_manager, "visible_to")
    ]
