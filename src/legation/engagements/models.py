"""Missions, postings, engagements, commitments and facts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from legation.core.choices import ChoiceLabels
from legation.core.models import Mission, Region, Sensitivity, Versioned, audited
from legation.core.querysets import VisibleQuerySet
from legation.core.refs import ref_per_mission
from legation.people.models import Organisation, Person, Tag


class PostingQuerySet(VisibleQuerySet):
    mission_path = "mission_id"

    def in_force(self, on) -> PostingQuerySet:
        return self.filter(arrival__lte=on).filter(
            models.Q(departure__isnull=True) | models.Q(departure__gte=on)
        )

    def labelled(self) -> PostingQuerySet:
        """With what a posting's label (__str__) reads: its person and its mission. A choice
        box of postings read without them ran two queries per option."""
        return self.select_related("person", "mission")

    def ids_of(self, user: Any) -> list[int]:
        """The ids of the user's own postings (in any mission), read first so that a filter on
        commitments by owner names a few ids: joined with the postings, PostgreSQL walked the
        whole mission's commitments by due date looking for the user's few."""
        return list(self.filter(user=user).values_list("pk", flat=True))


class Posting(ChoiceLabels, models.Model):
    """One staff member's tenure at a mission."""

    class Role(models.TextChoices):
        HEAD = "head_of_mission", _("head of mission")
        CHARGE = "charge_affaires", _("chargé d'affaires a.i.")
        DEPUTY = "deputy", _("deputy head of mission")
        MINISTER = "minister", _("minister")
        MINISTER_COUNSELLOR = "minister_counsellor", _("minister-counsellor")
        COUNSELLOR = "counsellor", _("counsellor")
        FIRST_SECRETARY = "first_secretary", _("first secretary")
        SECOND_SECRETARY = "second_secretary", _("second secretary")
        THIRD_SECRETARY = "third_secretary", _("third secretary")
        CONSUL = "consul", _("consul")
        VICE_CONSUL = "vice_consul", _("vice consul")
        OFFICER = "officer", _("officer")
        ATTACHE = "attache", _("attaché")
        OTHER = "other", _("other")

    ref = models.CharField(_("reference"), max_length=64, null=True, blank=True)  # noqa: DJ001 (NULL: no ref, no clash)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="postings")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="postings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legation_postings",
        verbose_name=_("login"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    title = models.CharField(
        _("title"), max_length=100, blank=True, help_text=_("Ambassador, Consul General…")
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=100, blank=True)
    arrival = models.DateField(_("arrival"))
    departure = models.DateField(_("departure"), null=True, blank=True)
    history = audited()

    objects = PostingQuerySet.as_manager()

    class Meta:
        ordering = ["-arrival"]
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(departure__isnull=True)
                | models.Q(departure__gte=models.F("arrival")),
                name="posting_departure_after_arrival",
            ),
            ref_per_mission("posting"),
        ]

    def __str__(self) -> str:
        return pgettext("posting label", "%(person)s – %(role)s (%(mission)s)") % {
            "person": self.person,
            "role": self.get_role_display(),
            "mission": self.mission.ref,
        }


class Kind(models.TextChoices):
    MEETING = "meeting", _("meeting")
    CALL = "call", _("call")
    SITE_VISIT = "site_visit", _("site visit")
    EVENT = "event", _("event")
    SPEECH = "speech", _("speech")
    INTERVIEW = "interview", _("interview")
    LETTER_SENT = "letter_sent", _("letter sent")
    LETTER_RECEIVED = "letter_received", _("letter received")
    EMAIL = "email", _("email")
    OTHER = "other", _("other")


# Which kinds count towards which figure: one definition for every figure (the insight layer,
# `legation stats`, the posting figures letters quote, the claim checker's ledger). See
# docs/insight.md, "Which engagements count".
#
# Kinds that put the mission's people physically in a region: they count as visits, and the
# people and organisations of these engagements count as *met* (a call is not a meeting).
IN_PERSON_KINDS = (Kind.MEETING, Kind.SITE_VISIT, Kind.EVENT, Kind.SPEECH, Kind.INTERVIEW)
MET_KINDS = IN_PERSON_KINDS
# Correspondence: letters sent and received, and emails. Counted apart (letters sent, letters
# received, emails, by month), never as the work of a posting: a mail merge to a list writes a
# letter to everyone on it, and must not make them people met or their sectors engaged.
CORRESPONDENCE_KINDS = (Kind.LETTER_SENT, Kind.LETTER_RECEIVED, Kind.EMAIL)
# The work of a posting: engagements (the count, by kind, by month), sectors engaged, the coverage
# matrix. In person, calls and "other"; never correspondence.
WORK_KINDS = tuple(k for k in Kind if k not in CORRESPONDENCE_KINDS)
# Relationship strength, quiet relationships and who holds a relationship: the work, and a letter
# received (the other side wrote to us; no merge of ours can make one). A letter the mission sends,
# one-off or merged, and an email (its direction is not recorded; lists are mailed) do not count.
RELATIONSHIP_KINDS = (*WORK_KINDS, Kind.LETTER_RECEIVED)


class SiteType(models.TextChoices):
    NONE = "", _("not a visit")
    ENTERPRISE = "enterprise", _("enterprise")
    FACTORY = "factory", _("factory")
    PORT = "port", _("port")
    FARM = "farm", _("farm")
    SCHOOL = "school", _("school")
    UNIVERSITY = "university", _("university")
    SPORTS = "sports_venue", _("sports venue")
    GOVERNMENT = "government_office", _("government office")
    OTHER = "other", _("other")


class EngagementQuerySet(VisibleQuerySet):
    mission_path = "mission_id"
    sensitivity_paths = ("sensitivity",)

    #: links to one record beyond which `linked_to` leaves the engagements to a walk by date
    WALK_FROM = 10_000

    def linked_to(self, relation: str, record: Any) -> EngagementQuerySet:
        """These engagements linked to `record` through `relation` ("people", "organisations",
        "staff", "tags"): a person's or an organisation's page, a list's filter.

        The way is chosen here, not left to the planners, which misjudge it both ways at a
        million engagements (a tag on 7,000 engagements of one season: PostgreSQL walked
        450,000 by date looking for them). Few links (most records): their engagements are
        read by id, and a list sorts them. Many (a ministry met 24,000 times, the head of
        mission's 135,000): an EXISTS, so that the newest first are found by walking the
        (mission, start) index, stopping after about a page x engagements / links rows instead
        of reading and sorting them all.
        """
        field = self.model._meta.get_field(relation)
        links = field.remote_field.through._default_manager.filter(
            **{field.m2m_reverse_field_name(): record}
        )
        if links.order_by().values("pk")[self.WALK_FROM : self.WALK_FROM + 1].exists():
            return self.filter(models.Exists(links.filter(engagement_id=models.OuterRef("pk"))))
        # The ids as a subquery the database reads first (core.db.lists.InList): 8,400 of them
        # read into Python and sent back cost more than the query.
        return self.filter(pk__in_list=links.order_by().values("engagement_id"))

    def newest_linked_to(self, relation: str, record: Any, limit: int) -> EngagementQuerySet:
        """The newest `limit` of `linked_to(relation, record)`, newest first."""
        return self.linked_to(relation, record).order_by("-start", "-pk")[:limit]


class Engagement(Versioned):
    """Any contact: a meeting, call, visit, event, speech, interview, letter or email."""

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="engagements")
    ref = models.CharField(_("reference"), max_length=64, null=True, blank=True)  # noqa: DJ001 (NULL: no ref, no clash)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    start = models.DateTimeField(_("start"))
    duration = models.DurationField(_("duration"), default=timedelta(hours=1))
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    site_type = models.CharField(
        _("site type"), max_length=20, choices=SiteType.choices, blank=True
    )
    subject = models.CharField(_("subject"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    sensitivity = models.PositiveSmallIntegerField(
        _("sensitivity"), choices=Sensitivity.choices, default=Sensitivity.INTERNAL
    )
    people = models.ManyToManyField(
        Person,
        through="EngagementParticipant",
        related_name="engagements",
        verbose_name=_("their participants"),
    )
    staff = models.ManyToManyField(
        Posting,
        through="EngagementStaff",
        related_name="engagements",
        verbose_name=_("our participants"),
    )
    organisations = models.ManyToManyField(
        Organisation,
        through="EngagementOrganisation",
        related_name="engagements",
        verbose_name=_("organisations"),
        blank=True,
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="engagements")
    history = audited(versioned=True, m2m_fields=["tags"])

    objects = EngagementQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        indexes = [
            models.Index(fields=["mission", "start"]),
            models.Index(fields=["region", "start"]),
            models.Index(fields=["kind"]),
            # the list filtered by kind, newest first (meetings: 400,000 of a million)
            models.Index(fields=["mission", "kind", "start"], name="engagement_mission_kind"),
        ]
        constraints = [ref_per_mission("engagement")]

    def __str__(self) -> str:
        """The date in the reader's date style, the kind and the subject (letters do not use this)."""
        day = date_format(timezone.localtime(self.start), "DATE_FORMAT")
        return f"{day} {self.get_kind_display()}{pgettext('separator', ': ')}{self.subject}"


class EngagementLinkQuerySet(VisibleQuerySet):
    """A person, posting or organisation's place on an engagement reveals the engagement."""

    mission_path = "engagement__mission_id"
    sensitivity_paths = ("engagement__sensitivity",)


class EngagementParticipant(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="participations")
    history = audited()

    objects = EngagementLinkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["engagement", "person"], name="participant_once")
        ]
        indexes = [models.Index(fields=["person", "engagement"])]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.engagement_id}"


class EngagementStaff(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE)
    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="staffings")
    history = audited()

    objects = EngagementLinkQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["engagement", "posting"], name="staff_once")]
        indexes = [models.Index(fields=["posting", "engagement"])]

    def __str__(self) -> str:
        return f"{self.posting_id} in {self.engagement_id}"


class EngagementOrganisation(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="involvements"
    )
    history = audited()

    objects = EngagementLinkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["engagement", "organisation"], name="org_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} in {self.engagement_id}"


class CommitmentQuerySet(VisibleQuerySet):
    # A commitment reveals the engagement it was raised in, so both must be visible: the
    # engagement's mission and sensitivity are copied onto the commitment (kept by the database's
    # triggers, engagements migration 0012), so that the rule reads the commitment's own row and
    # its indexes instead of joining every engagement of the mission.
    mission_path = "mission_id"
    sensitivity_paths = ("sensitivity", "engagement_sensitivity")
    # A version keeps no copies: it is judged through its engagement, as it was and as it is.
    history_mission_path = "engagement__mission_id"
    history_sensitivity_paths = ("sensitivity", "engagement__sensitivity")

    def raised_in_visible(self, user: Any, engagement_ids: Any) -> CommitmentQuerySet:
        """Commitments the user may see, raised in engagements already limited to what the user
        may see: `engagement_ids` is a query of ids drawn from a `visible_to(user)` queryset
        (of engagements, or of the per-posting rows that carry their mission and sensitivity).

        The engagement's mission and sensitivity were checked there, so only the commitment's
        own sensitivity is checked here: the rule of `visible_to` without joining every
        engagement of the mission again (at a million engagements, most of the cost).
        """
        return self.filter(engagement_id__in=engagement_ids).cleared_for(user, ("sensitivity",))

    def concerning(self, person: Any) -> CommitmentQuerySet:
        """Raised in the engagements the person took part in, or asked for by the person.

        A sub-query, not a join (no duplicate rows to remove), as `in_list` (``= ANY(ARRAY(…))``
        on PostgreSQL): both sides of the OR are then index look-ups; with ``IN (…)`` PostgreSQL
        read every open commitment of the mission (22,000 at the large size: 16 ms) to test each.
        """
        return self.filter(
            models.Q(engagement_id__in_list=person.participations.values("engagement_id"))
            | models.Q(requested_by=person)
        )


class Commitment(Versioned):
    """A follow-up promised or requested in an engagement, tracked to its resolution."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    class Direction(models.TextChoices):
        OURS = "ours", _("we promised")
        THEIRS = "theirs", _("they asked")

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="commitments")
    description = models.TextField(_("what"))
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.OURS
    )
    requested_by = models.ForeignKey(
        Person,
        verbose_name=_("asked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner = models.ForeignKey(
        Posting,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments",
    )
    due = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    sensitivity = models.PositiveSmallIntegerField(
        _("sensitivity"), choices=Sensitivity.choices, default=Sensitivity.INTERNAL
    )
    # Copies of the engagement's mission and sensitivity, for `visible_to` and the lists' indexes.
    # Never written by the application: the database's triggers set them when a commitment is
    # written and when its engagement changes mission or sensitivity (engagements 0012); save()
    # sets them too, so that a saved instance agrees with its row.
    mission = models.ForeignKey(
        Mission,
        null=True,
        editable=False,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    engagement_sensitivity = models.PositiveSmallIntegerField(null=True, editable=False)
    history = audited(versioned=True, excluded_fields=["mission", "engagement_sensitivity"])

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        indexes = [
            models.Index(fields=["status", "due"]),
            # The lists and the home page: a mission's commitments by due date, by status and
            # due date, and one owner's.
            models.Index(fields=["mission", "due", "id"], name="commitment_mission_due"),
            # (and covering what `visible_to` and the home page's counts read after the key)
            models.Index(
                fields=[
                    "mission",
                    "status",
                    "due",
                    "id",
                    "sensitivity",
                    "engagement_sensitivity",
                    "owner",
                ],
                name="commitment_mission_status",
            ),
            models.Index(fields=["owner", "status", "due", "id"], name="commitment_owner_status"),
            # one owner's, whatever their status, by due date (the list's owner filter)
            models.Index(fields=["owner", "due", "id"], name="commitment_owner_due"),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.engagement_id is not None:
            engagement = self.engagement
            self.mission_id = engagement.mission_id
            self.engagement_sensitivity = engagement.sensitivity
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)

    @property
    def is_overdue(self) -> bool:
        """Still open and its due date passed (today is not late yet)."""
        return self.is_open and self.due is not None and self.due < timezone.localdate()


class FactQuerySet(VisibleQuerySet):
    def visible_to(self, user):
        # Facts without a mission are shared by every mission.
        from legation.core import access

        if access.clearance(user) < 0:
            return self.none()
        if access.sees_all_missions(user):
            return self
        return self.filter(
            models.Q(mission__isnull=True) | models.Q(mission_id__in=access.mission_ids(user))
        )

    def by_key_for(self, mission: Mission | None) -> list[Fact]:
        """One fact per key, ordered by key: a mission's own fact wins over a shared one.

        The facts a mission's letters, checks and handover brief cite (`mission` None: of every
        mission in this queryset). The choice is made here, not by the database's order: NULLs
        sort first on SQLite and last on PostgreSQL.
        """
        qs = self
        if mission is not None:
            qs = qs.filter(models.Q(mission__isnull=True) | models.Q(mission=mission))
        by_key: dict[str, Fact] = {}
        for fact in qs:
            if fact.key not in by_key or fact.mission_id is not None:
                by_key[fact.key] = fact
        return sorted(by_key.values(), key=lambda f: f.key)


class Fact(models.Model):
    """A dated event or a quantity that letters cite, with its citation (where it comes from).

    The field is not named ``source``: every historical table has an audit ``source`` column (web,
    api, command, import, system), and a field of that name would take its place.
    """

    mission = models.ForeignKey(
        Mission,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="facts",
        help_text=_("Empty: shared by every mission."),
    )
    key = models.SlugField(_("key"), max_length=80)
    label_en = models.CharField(_("label (English)"), max_length=200)
    label_zh = models.CharField(_("label (Chinese)"), max_length=200, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=6, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    citation = models.CharField(
        _("citation"),
        max_length=300,
        blank=True,
        help_text=_("Where the date or figure comes from, for example: Ministry of Commerce, 2022"),
    )
    history = audited()

    objects = FactQuerySet.as_manager()

    class Meta:
        ordering = ["key"]
        verbose_name = _("fact")
        verbose_name_plural = _("facts")
        constraints = [
            models.UniqueConstraint(fields=["mission", "key"], name="fact_key_per_mission"),
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(mission__isnull=True), name="shared_fact_key"
            ),
        ]

    def __str__(self) -> str:
        return self.label_en
