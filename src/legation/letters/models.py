"""Segments (saved recipient filters), letters sent, and merge jobs under review."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from legation.core.choices import ChoiceLabels
from legation.core.models import Sensitivity, audited
from legation.core.querysets import VisibleQuerySet


class SegmentQuerySet(VisibleQuerySet):
    mission_path = "mission_id"


class Segment(models.Model):
    """A saved filter of people, the addressees of a merge ("sector=legislature tag=farewell")."""

    mission = models.ForeignKey("core.Mission", on_delete=models.CASCADE, related_name="segments")
    name = models.SlugField(_("name"), max_length=80)
    filter = models.TextField(
        _("filter"), help_text=_("For example: sector=legislature region=US-CA")
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    history = audited()

    objects = SegmentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        constraints = [
            models.UniqueConstraint(fields=["mission", "name"], name="segment_name_per_mission")
        ]

    def __str__(self) -> str:
        return self.name


class Format(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"
    EML = "eml", _("email")
    TXT = "txt", _("text")


class MergeJobQuerySet(VisibleQuerySet):
    mission_path = "mission_id"
    sensitivity_paths = ("sensitivity",)


class RunStatus(models.TextChoices):
    NONE = "", _("not started")
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class MergeJob(ChoiceLabels, models.Model):
    """A merge waiting for review: one row per recipient, produced once rows are approved.

    The template's text is kept on the job, so what is produced is what was reviewed even if the
    template file changes meanwhile.
    """

    class Status(models.TextChoices):
        REVIEW = "review", _("in review")
        PRODUCED = "produced", _("produced")
        CANCELLED = "cancelled", _("cancelled")

    mission = models.ForeignKey("core.Mission", on_delete=models.CASCADE, related_name="merge_jobs")
    posting = models.ForeignKey(
        "engagements.Posting", on_delete=models.PROTECT, related_name="merge_jobs"
    )
    template_name = models.CharField(_("template"), max_length=120)
    template_text = models.TextField(_("template text"))
    language = models.CharField(_("language"), max_length=5, default="en")
    letter_date = models.DateField(_("letter date"))
    format = models.CharField(_("format"), max_length=5, choices=Format.choices, default=Format.PDF)
    segment = models.TextField(_("recipients (segment)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REVIEW
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    produced_at = models.DateTimeField(_("produced"), null=True, blank=True)
    # The background run of ``produce`` (see ``jobs.py``); progress is written without history.
    run_status = models.CharField(
        _("run"), max_length=10, choices=RunStatus.choices, default=RunStatus.NONE, blank=True
    )
    run_error = models.CharField(_("run error"), max_length=500, blank=True)
    progress_done = models.PositiveIntegerField(_("letters done"), default=0)
    progress_total = models.PositiveIntegerField(_("letters to do"), default=0)
    run_started = models.DateTimeField(_("run started"), null=True, blank=True)
    run_finished = models.DateTimeField(_("run finished"), null=True, blank=True)
    result_file = models.CharField(_("result (zip)"), max_length=300, blank=True)
    # The most sensitive record that went into the job (a note or an engagement a personal line
    # was suggested from, an engagement the template cites, a letter it recorded): only users
    # cleared for it see the job, its rows and its zip. It never goes down.
    sensitivity = models.PositiveSmallIntegerField(
        _("sensitivity"), choices=Sensitivity.choices, default=Sensitivity.INTERNAL
    )
    history = audited()

    objects = MergeJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("merge job")
        verbose_name_plural = _("merge jobs")

    def __str__(self) -> str:
        return f"{self.template_name} {self.letter_date} ({self.get_status_display()})"

    @property
    def sender_shown(self) -> str:
        """The sender's name and title in the page's language ("李志强，大使")."""
        from legation.letters.merge.review_display import sender_label

        return sender_label(self.posting)


class MergeRowQuerySet(VisibleQuerySet):
    mission_path = "job__mission_id"
    sensitivity_paths = ("sensitivity", "job__sensitivity")


class PersonalSource(models.TextChoices):
    """Who the personal line of a review row comes from. Only a line a person wrote, confirmed
    or cleared (or none at all) is approved by "approve all"; a machine suggestion waits."""

    NONE = "", _("no line")
    MACHINE = "machine", _("suggested")
    NOTE = "note", _("from a note on the person")
    PERSON = "person", _("written by the officer")
    CONFIRMED = "confirmed", _("suggestion confirmed")
    CLEARED = "cleared", _("cleared")


class MergeRow(models.Model):
    """One recipient of a merge job: salutation and personal line as the officer left them."""

    job = models.ForeignKey(MergeJob, on_delete=models.CASCADE, related_name="rows")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    language = models.CharField(_("language"), max_length=5, default="en")
    salutation = models.CharField(_("salutation"), max_length=200, blank=True)
    personal = models.TextField(_("personal line"), blank=True)
    suggestion_source = models.CharField(
        _("suggested from"), max_length=300, blank=True, help_text=_("What the line came from.")
    )
    personal_source = models.CharField(
        _("personal line from"),
        max_length=10,
        choices=PersonalSource.choices,
        default=PersonalSource.NONE,
        blank=True,
    )
    channel_missing = models.BooleanField(_("no address for the channel"), default=False)
    approved = models.BooleanField(_("approved"), default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    engagement = models.ForeignKey(
        "engagements.Engagement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("letter sent"),
    )
    # The most sensitive record the row's suggestion came from (see MergeJob.sensitivity).
    sensitivity = models.PositiveSmallIntegerField(
        _("sensitivity"), choices=Sensitivity.choices, default=Sensitivity.INTERNAL
    )
    history = audited()

    objects = MergeRowQuerySet.as_manager()

    class Meta:
        ordering = ["job", "pk"]
        verbose_name = _("merge recipient")
        verbose_name_plural = _("merge recipients")
        constraints = [
            models.UniqueConstraint(fields=["job", "person"], name="merge_row_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in job {self.job_id}"

    @property
    def recipient_title(self) -> str:
        """The recipient's title in the page's language (前总统, "former President")."""
        from legation.letters.merge.review_display import recipient_title

        return recipient_title(self.person)

    @property
    def suggestion_source_shown(self) -> str:
        """What the suggestion came from, its kind in the page's language."""
        from legation.letters.merge.review_display import suggestion_source

        return suggestion_source(self.suggestion_source)

    @property
    def is_suggestion(self) -> bool:
        """The line is a machine suggestion no person has confirmed yet."""
        return self.personal_source == PersonalSource.MACHINE and bool(self.personal)


class LetterRecordQuerySet(VisibleQuerySet):
    mission_path = "mission_id"
    sensitivity_paths = ("engagement__sensitivity",)


class LetterRecord(models.Model):
    """The file of a letter sent, attached to its "letter sent" engagement."""

    engagement = models.OneToOneField(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="letter"
    )
    mission = models.ForeignKey("core.Mission", on_delete=models.CASCADE, related_name="letters")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="letters")
    template_name = models.CharField(_("template"), max_length=120)
    template_checksum = models.CharField(_("template checksum"), max_length=64, blank=True)
    language = models.CharField(_("language"), max_length=5)
    format = models.CharField(_("format"), max_length=5, choices=Format.choices)
    file = models.FileField(_("file"), upload_to="letters/", max_length=300)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    job = models.ForeignKey(
        MergeJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="letters"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    history = audited()

    objects = LetterRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("letter sent")
        verbose_name_plural = _("letters sent")
        indexes = [models.Index(fields=["person", "created"])]

    def __str__(self) -> str:
        return f"{self.template_name} to {self.person_id}"


class MissionTemplateQuerySet(VisibleQuerySet):
    mission_path = "mission_id"


class MissionTemplate(models.Model):
    """A mission's own letter template: the text (front matter, then the body) as saved.

    It takes the place of a shipped template of the same name and language for that mission
    only; the shipped templates are files, shared by every mission and never written. Every save
    and restore is a version in the history (``history``), so any earlier text can be restored.
    """

    mission = models.ForeignKey(
        "core.Mission", on_delete=models.CASCADE, related_name="letter_templates"
    )
    name = models.SlugField(_("name"), max_length=60)
    language = models.CharField(_("language"), max_length=5, default="en")
    kind = models.CharField(_("kind"), max_length=20, blank=True)
    text = models.TextField(_("template text"))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = audited()

    objects = MissionTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["mission", "name", "language"]
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "name", "language"], name="letter_template_per_mission"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.name}.{self.language}"
