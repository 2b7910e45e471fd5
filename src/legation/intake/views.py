"""The import page: upload, preview (what would happen, nothing written), confirm, result.

The upload is kept privately (`legation.intake.uploads`) between the preview and the
confirmation, which names it by a signed token only. Both steps run the importers' `preview` and
`commit` (or the vCard, calendar and mail sources) as the logged-in user, so the services check
their permissions and what they may see, and the audit trail names them. If what the file would
do changed between the preview and the confirmation, the writes are rolled back and the new
report is shown instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from legation.core.files import removed_if_rolled_back
from legation.core.models import Mission
from legation.core.services import visible_or_404
from legation.intake import uploads
from legation.intake.forms import KINDS, ImportForm, require_import
from legation.intake.importers import TABULAR_KINDS, ImportError_, Report, commit, preview
from legation.intake.mapping import MAX_MAPPING_BYTES, MappingError, load_mapping
from legation.intake.readers import MAX_BYTES, limit

SAMPLE = 20  # rows to be created (and updated) shown in the preview
MAX_REJECTED_SHOWN = 2000
#: where the imported records are listed (the admin's lists for those without a page)
RECORDS = {
    "people": "people:list",
    "vcard": "people:list",
    "organisations": "people:organisations",
    "engagements": "engagements:list",
    "ics": "engagements:list",
    "mail": "engagements:list",
    "commitments": "engagements:commitments",
}
ADMIN_RECORDS = {
    "missions": "admin:core_mission_changelist",
    "postings": "admin:engagements_posting_changelist",
    "facts": "admin:engagements_fact_changelist",
}


class _Changed(Exception):
    """The confirmed import would not do what its preview showed: roll it back."""

    def __init__(self, report: Report) -> None:
        super().__init__("changed")
        self.report = report


def limits() -> dict[str, int]:
    return {"file": limit("MAX_BYTES", MAX_BYTES), "mapping": MAX_MAPPING_BYTES}


def fingerprint(report: Report) -> str:
    """What an import does, row by row: equal for a preview and a commit that agree."""
    rows = [
        [o.line, o.action, o.detail, [[i.line, i.column, i.reason] for i in o.issues]]
        for o in report.outcomes
    ]
    blob = json.dumps([rows, sorted(report.new_organisations)], ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _run(
    upload: uploads.Upload,
    user: Any,
    *,
    dry_run: bool,
    skip_rejected: bool,
    verify: Any = None,
) -> Report:
    """The upload's preview (dry run) or import, as `user`, with the options it was sent with."""
    meta = upload.meta
    kind = meta["kind"]
    mission = visible_or_404(Mission.objects, user, meta["mission"]) if meta["mission"] else None
    data = upload.path("data")
    if kind in TABULAR_KINDS:
        mapping_path = upload.path("mapping")
        try:
            mapping = load_mapping(mapping_path) if mapping_path else None
        except MappingError as exc:
            raise ImportError_(_("The mapping: %(error)s") % {"error": exc}) from None
        common: dict[str, Any] = {
            "actor": user,
            "mission": mission,
            "mapping": mapping,
            "filename": meta["filename"],
            "encoding": meta.get("encoding", ""),
        }
        if dry_run:
            return preview(kind, data, **common)
        return commit(kind, data, skip_rejected=skip_rejected, verify=verify, **common)
    from legation.intake.sources import import_source

    options = dict(meta.get("options", {}))
    for name in ("date_from", "until"):
        if options.get(name):
            options[name] = dt.date.fromisoformat(options[name])
    if kind in ("vcard", "ics"):
        options["encoding"] = meta.get("encoding", "")
    return import_source(
        kind,
        data,
        actor=user,
        mission=mission,
        dry_run=dry_run,
        skip_rejected=skip_rejected,
        verify=verify,
        **options,
    )


def _form_page(
    request: HttpRequest, form: ImportForm, *, status: int = 200, error: str = ""
) -> HttpResponse:
    return render(
        request,
        "intake/import_form.html",
        {
            "section": "import",
            "form": form,
            "error": error,
            "max_size": filesizeformat(limits()["file"]),
        },
        status=status,
    )


def _records_link(request: HttpRequest, kind: str) -> str:
    if kind in RECORDS:
        return reverse(RECORDS[kind])
    if kind in ADMIN_RECORDS and request.user.is_staff:
        return reverse(ADMIN_RECORDS[kind])
    return ""


def _report_page(
    request: HttpRequest,
    upload: uploads.Upload,
    report: Report,
    *,
    done: bool = False,
    message: str = "",
    status: int = 200,
) -> HttpResponse:
    kind = upload.meta["kind"]
    outcomes = report.outcomes
    issues = report.issues
    created = [o for o in outcomes if o.action == "created"][:SAMPLE]
    updated = [o for o in outcomes if o.action == "updated"][:SAMPLE]
    mission = None
    if upload.meta["mission"]:
        mission = Mission.objects.visible_to(request.user).filter(pk=upload.meta["mission"]).first()
    context = {
        "section": "import",
        "done": done,
        "message": message,
        "report": report,
        "kind": kind,
        "kind_label": KINDS[kind][0],
        "filename": upload.meta["filename"],
        "mapping": upload.meta.get("mapping_name", ""),
        "mission": mission,
        "counts": report.counts,
        "rejected": issues[:MAX_REJECTED_SHOWN],
        "rejected_more": max(0, len(issues) - MAX_REJECTED_SHOWN),
        "created": created,
        "created_details": any(o.detail for o in created),
        "updated": updated,
        "updated_details": any(o.detail for o in updated),
        "notes": report.notes[:200],
        "notes_more": max(0, len(report.notes) - 200),
        "to_write": report.count("created") + report.count("updated"),
        "skip_rejected": bool(upload.meta.get("skip_rejected")),
        "records": _records_link(request, kind) if done else "",
    }
    if not done:
        context["token"] = uploads.token_for(upload, request.user)
    return render(request, "intake/import_report.html", context, status=status)


@csrf_exempt  # the upload handler must be set before the body is read; checked in _upload
@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """The form; on POST, store the upload privately and show its preview."""
    user = request.user
    require_import(user)
    if request.method != "POST":
        return _form_page(request, ImportForm(user=user))
    caps = limits()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > sum(caps.values()) + 1024 * 1024:  # refused before anything is read
        return _form_page(
            request,
            ImportForm(user=user),
            status=413,
            error=_("The file is larger than the %(limit)s limit.")
            % {"limit": filesizeformat(caps["file"])},
        )
    uploads.purge_expired()
    folder = uploads.new_folder()
    handler = uploads.PrivateUploadHandler(request, folder, caps)
    request.upload_handlers = [handler]
    try:
        return _upload(request, folder, handler)
    finally:
        if not uploads.is_pending(folder):  # refused, invalid or failed: nothing is kept
            uploads.discard(folder)


@csrf_protect
def _upload(
    request: HttpRequest, folder: Any, handler: uploads.PrivateUploadHandler
) -> HttpResponse:
    user = request.user
    form = ImportForm(request.POST, request.FILES, user=user)
    kind = request.POST.get("kind", "")
    if kind in KINDS:
        require_import(user, kind)
    if handler.too_big:
        what = (
            _("The file is larger than the %(limit)s limit.")
            if "file" in handler.too_big
            else _("The mapping is larger than the %(limit)s limit.")
        )
        limit_ = handler.too_big.get("file") or handler.too_big["mapping"]
        return _form_page(request, form, status=413, error=what % {"limit": filesizeformat(limit_)})
    if not form.is_valid():
        return _form_page(request, form, status=400)
    data = form.cleaned_data
    stored = data["file"]
    mapping = data.get("mapping")
    meta = {
        "user": user.pk,
        "kind": data["kind"],
        "mission": data["mission"].pk if data["kind"] != "missions" else None,
        "filename": stored.path.name,
        "data": str(stored.path.relative_to(folder)),
        "mapping": str(mapping.path.relative_to(folder)) if mapping else "",
        "mapping_name": mapping.path.name if mapping else "",
        "skip_rejected": data["skip_rejected"],
        "encoding": data.get("encoding") or "",
        "options": form.options(),
    }
    upload = uploads.save(folder, meta)
    try:
        report = _run(upload, user, dry_run=True, skip_rejected=False)
    except (ImportError_, uploads.UploadError) as exc:
        return _form_page(request, form, status=400, error=str(exc))
    upload = uploads.save(folder, {**meta, "fingerprint": fingerprint(report)})
    return _report_page(request, upload, report)


@login_required
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    """Import the previewed upload, if it still does what the preview showed."""
    user = request.user
    require_import(user)
    try:
        upload = uploads.open_upload(request.POST.get("token", ""), user)
        return _confirm(request, upload)
    except uploads.UploadError as exc:
        return _form_page(request, ImportForm(user=user), status=400, error=str(exc))


def _confirm(request: HttpRequest, upload: uploads.Upload) -> HttpResponse:
    user = request.user
    require_import(user, upload.meta["kind"])
    skip = bool(request.POST.get("skip_rejected"))
    meta = {**upload.meta, "skip_rejected": skip}

    def unchanged(report: Report) -> None:
        # Inside the import's write transaction: raising rolls the import back.
        if fingerprint(report) != upload.meta.get("fingerprint"):
            raise _Changed(report)

    try:
        # The rows are checked before the import's transaction opens; only the writes (and
        # this comparison) hold the database's write lock.
        with removed_if_rolled_back():
            report = _run(upload, user, dry_run=False, skip_rejected=skip, verify=unchanged)
    except _Changed as changed:
        report = changed.report
        report.written, report.dry_run, report.operation_id = False, True, None
        upload = uploads.save(upload.folder, {**meta, "fingerprint": fingerprint(report)})
        return _report_page(
            request,
            upload,
            report,
            status=409,
            message=_(
                "What the file would do has changed since the preview (records were changed "
                "meanwhile). Nothing was written: check the report again, then confirm."
            ),
        )
    except ImportError_ as exc:
        uploads.discard(upload.folder)
        return _form_page(request, ImportForm(user=user), status=400, error=str(exc))
    if not report.written:
        upload = uploads.save(upload.folder, {**meta, "fingerprint": fingerprint(report)})
        return _report_page(
            request,
            upload,
            report,
            status=400,
            message=ngettext(
                "Nothing was written: %(n)s row is rejected. Fix it and upload the file again, "
                "or skip it to import the other rows.",
                "Nothing was written: %(n)s rows are rejected. Fix them and upload the file "
                "again, or skip them to import the other rows.",
                report.count("rejected"),
            )
            % {"n": report.count("rejected")},
        )
    uploads.discard(upload.folder)
    return _report_page(request, upload, report, done=True)
