"""Missions (the root every record hangs from), vocabularies (sectors, regions), clearance,
and the audit and security logs."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history import manager as simple_history_manager
from simple_history.models import HistoricalRecords

from legation.core.choices import ChoiceLabels, Sensitivity
from legation.core.querysets import VisibleQuerySet
from legation.core.refs import REF_TAKEN

__all__ = [
    "AuditedHistory",
    "LoginLock",
    "Mission",
    "Operation",
    "Profile",
    "Region",
    "Sector",
    "SecurityEvent",
    "Sensitivity",
    "Versioned",
    "audited",
]


def _chinese() -> bool:
    """Whether the active language is Chinese: vocabularies then show their Chinese labels."""
    return (get_language() or "").startswith("zh")


class Operation(models.Model):
    """One audited change set: who did it, when, from where, and why.

    Every historical row written by django-simple-history points at the operation it belongs to,
    so an import of 500 rows is one operation with its 500 rows, and a delete with its cascade can be
    restored as a whole.
    """

    class Source(models.TextChoices):
        WEB = "web", _("web page")
        API = "api", _("API")
        COMMAND = "command", _("command line")
        IMPORT = "import", _("import")
        SYSTEM = "system", _("system")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("who (name)"), max_length=150, blank=True)
    source = models.CharField(_("from where"), max_length=10, choices=Source.choices)
    remote_addr = models.GenericIPAddressField(_("address"), null=True, blank=True)
    description = models.CharField(_("what"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("audited operation")
        verbose_name_plural = _("audited operations")

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.description}"


class AuditedHistory(models.Model):
    """Extra columns of every historical table: the operation and the channel it came from."""

    operation = models.ForeignKey(
        Operation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=10, blank=True)

    class Meta:
        abstract = True


class HistoryManager(simple_history_manager.HistoryManager):
    """django-simple-history's manager, its class made once per queryset class. The library
    makes it anew (Django's from_queryset, which inspects every method of the queryset class)
    each time `Model.history` or `record.history` is read, and reads it on every save: an
    import of 540 people spent an eighth of its time there."""

    _made: dict[Any, Any] = {}

    @classmethod
    def from_queryset(cls, queryset_class: Any, class_name: str | None = None) -> Any:
        key = (cls, queryset_class, class_name)
        made = cls._made.get(key)
        if made is None:
            made = cls._made[key] = super().from_queryset(queryset_class, class_name)
        return made


def audited(*, versioned: bool = False, **kwargs) -> HistoricalRecords:
    """The history tracker every domain model uses: field-level history tied to an operation.
    A `Versioned` record passes `versioned=True`: its edit counter is not part of its history."""
    if versioned:
        kwargs["excluded_fields"] = [*kwargs.get("excluded_fields", []), "version"]
    return HistoricalRecords(bases=[AuditedHistory], history_manager=HistoryManager, **kwargs)


class Sector(models.Model):
    """The part of society a person or organisation belongs to; an editable vocabulary."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label_en = models.CharField(_("English label"), max_length=100)
    label_zh = models.CharField(_("Chinese label"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = audited()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return self.label_zh if _chinese() and self.label_zh else self.label_en


class Region(models.Model):
    """An ISO 3166-2 subdivision of a host country (a US state, district or territory)."""

    code = models.CharField(_("ISO 3166-2 code"), max_length=10, unique=True)
    country = models.CharField(_("country"), max_length=2, db_index=True)
    name_en = models.CharField(_("English name"), max_length=120)
    name_zh = models.CharField(_("Chinese name"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=60, help_text=_("ISO type: State, District…"))
    is_state = models.BooleanField(
        _("counts as a state"),
        default=False,
        help_text=_("True for states and provinces; a district or territory is not a state."),
    )

    class Meta:
        ordering = ["country", "name_en"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name_zh if _chinese() and self.name_zh else self.name_en


class MissionQuerySet(VisibleQuerySet):
    mission_path = "pk"


class Mission(models.Model):
    """An embassy, consulate or office: owns its people, postings, letterhead and settings."""

    class PageSize(models.TextChoices):
        A4 = "a4", "A4"
        LETTER = "us-letter", _("US Letter")

    class Kind(models.TextChoices):
        """What the mission is; it decides how a posting's role reads as a title (letters)."""

        EMBASSY = "embassy", _("embassy")
        CONSULATE_GENERAL = "consulate_general", _("consulate general")
        CONSULATE = "consulate", _("consulate")
        TRADE_OFFICE = "trade_office", _("trade office")
        REPRESENTATIVE_OFFICE = "representative_office", _("representative office")
        OFFICE = "office", _("other office (a legislator's office, an NGO)")

    ref = models.CharField(
        _("reference"), max_length=64, unique=True, error_messages={"unique": REF_TAKEN}
    )
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    host_country = models.CharField(_("host country (ISO code)"), max_length=2, default="US")
    kind = models.CharField(
        _("kind of mission"), max_length=24, choices=Kind.choices, default=Kind.EMBASSY
    )
    sending_country = models.CharField(
        _("sending country (ISO code)"),
        max_length=2,
        default="CN",
        help_text=_("The state the mission represents: CN."),
    )
    # The sending state's names, for a state the title table (letters/compose/titles.py) does not know:
    # each, when set, wins over the table ("Demoland", "Demolandian", "德莫兰", "the Republic of
    # Demoland", "德莫兰共和国").
    sending_name_en = models.CharField(
        _("sending country's short name (English)"),
        max_length=100,
        blank=True,
        help_text=_("Only for a country the letters do not know: Demoland."),
    )
    sending_adjective_en = models.CharField(
        _("sending country's adjective (English)"), max_length=100, blank=True
    )
    sending_name_zh = models.CharField(
        _("sending country's short name (Chinese)"), max_length=100, blank=True
    )
    sending_state_en = models.CharField(
        _("sending state's formal name (English)"),
        max_length=200,
        blank=True,
        help_text=_("As titles say it: the Republic of Demoland."),
    )
    sending_state_zh = models.CharField(
        _("sending state's formal name (Chinese)"), max_length=200, blank=True
    )
    seat_en = models.CharField(
        _("seat (city, English)"),
        max_length=100,
        blank=True,
        help_text=_("The city a consulate or office is in: San Francisco."),
    )
    seat_zh = models.CharField(_("seat (city, Chinese)"), max_length=100, blank=True)
    address = models.TextField(_("address"), blank=True)
    letterhead_emblem = models.CharField(_("emblem image path"), max_length=300, blank=True)
    letterhead_font = models.CharField(_("letterhead font"), max_length=100, blank=True)
    page_size = models.CharField(
        _("page size"), max_length=10, choices=PageSize.choices, default=PageSize.LETTER
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="legation_missions",
        verbose_name=_("members"),
    )
    history = audited(table_name="engagements_historicalmission")

    objects = MissionQuerySet.as_manager()

    class Meta:
        # The table keeps the name it had when missions lived in the engagements app.
        db_table = "engagements_mission"
        ordering = ["name_en"]
        verbose_name = _("mission")
        verbose_name_plural = _("missions")

    def __str__(self) -> str:
        """The name in the reader's language: the Chinese name in the Chinese interface."""
        if self.name_zh and (get_language() or "").lower().startswith("zh"):
            return self.name_zh
        return self.name_en


class SecurityEvent(models.Model):
    """Logins, failed logins, lockouts, exports and letter merges."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("login")
        LOGIN_FAILED = "login_failed", _("failed login")
        LOGOUT = "logout", _("logout")
        LOCKOUT = "lockout", _("lockout")
        UNLOCK = "unlock", _("unlock")
        EXPORT = "export", _("export")
        MERGE = "merge", _("letter merge")
        RESTORE = "restore", _("record restored")
        WORD_TEMPLATE = "word_template", _("Word template changed")
        TOKEN_CREATED = "token_created", _("API token created")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")

    created = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    source = models.CharField(_("from where"), max_length=10, blank=True)
    remote_addr = models.GenericIPAddressField(_("address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.kind} {self.username}"


class Profile(ChoiceLabels, models.Model):
    """What the access rules need to know about a user beyond Django's groups."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="legation_profile"
    )
    clearance = models.PositiveSmallIntegerField(
        _("clearance"), choices=Sensitivity.choices, default=Sensitivity.PUBLIC
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    history = audited()

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_clearance_display()})"


class LoginLock(models.Model):
    """Failed logins of one user name from one address, and how long that pair is locked.

    Counting per (user name, address) means an attacker's address locks only itself: the real
    user logs in from their own address. Each failure past the limit doubles the delay
    (legation.core.lockout)."""

    username = models.CharField(_("user name"), max_length=150)
    # An IP address, or "" when the server did not know it (a CharField: one row per unknown).
    address = models.CharField(_("address"), max_length=45, blank=True)
    failures = models.PositiveIntegerField(_("failed logins"), default=0)
    last_failure = models.DateTimeField(_("last failure"))
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-last_failure"]
        verbose_name = _("login lock")
        verbose_name_plural = _("login locks")
        constraints = [
            models.UniqueConstraint(fields=["username", "address"], name="login_lock_per_address")
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.address or 'unknown address'}"


class Versioned(ChoiceLabels, models.Model):
    """A record edited by several people: its version rises with every save through the
    services, and an edit made on an older version is refused (core.services.check_version)."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True
