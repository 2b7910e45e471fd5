"""The delete page every record shares: confirm, delete through the record's service, and say
where the record can be restored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from legation.core.deletion import HiddenDependants


def confirm_and_delete(
    request: HttpRequest,
    record: Any,
    delete: Callable[[Any], None],
    *,
    detail: str,
    listing: str,
    section: str,
) -> HttpResponse:
    """GET: the confirmation page. POST: `delete(record)` (the service, which checks the
    permission); a record with dependants hidden from the user stays, with the reason."""
    if request.method == "POST":
        try:
            delete(record)
        except HiddenDependants as exc:
            messages.error(request, str(exc))
            return redirect(detail, record.pk)
        messages.success(request, _("Deleted. It can be restored from the recycle bin."))
        return redirect(listing)
    return render(
        request,
        "ui/confirm_delete.html",
        {"object": record, "section": section, "cancel": reverse(detail, args=[record.pk])},
    )
