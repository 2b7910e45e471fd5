"""Files kept with the ledger: the messages an import brought in, attached to their engagement."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from legation.core.models import audited
from legation.core.querysets import VisibleQuerySet


class AttachmentQuerySet(VisibleQuerySet):
    mission_path = "engagement__mission_id"
    # An attachment shows what its engagement holds: it is as restricted as the engagement.
    sensitivity_paths = ("engagement__sensitivity",)


class Attachment(models.Model):
    """A file attached to an engagement: an imported email or letter, kept as it arrived."""

    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/", max_length=300)
    filename = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    checksum = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    created = models.DateTimeField(_("added"), auto_now_add=True)
    history = audited()

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["engagement", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename
