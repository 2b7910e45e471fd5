"""Personal API tokens: shown once, stored as a digest, with a scope and an optional expiry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legation.core.models import audited


class ApiToken(models.Model):
    """A secret a user's scripts send as `Authorization: Bearer <token>`. The token is
    `lgn_<prefix>_<secret>`: the prefix finds the row (and names the token in lists and logs),
    the SHA-256 digest of the whole token is compared (a token is 256 random bits: a slow hash
    adds nothing against guessing and would cost every request)."""

    class Scope(models.TextChoices):
        READ = "read", _("read")
        WRITE = "write", _("read and write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.READ)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    expires = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True)
    history = audited(excluded_fields=["last_used"])

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} (lgn_{self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked is None and (self.expires is None or self.expires > timezone.now())

    @property
    def writes(self) -> bool:
        return self.scope == self.Scope.WRITE
