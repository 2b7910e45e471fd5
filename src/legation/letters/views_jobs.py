"""Merge pages: create a review job, the review queue, produce in the background, download.

Every change goes through ``legation.letters.merge.review`` and ``legation.letters.merge.jobs`` (audited,
permission checked there); jobs and rows are read through ``visible_to(user)``, so another
mission's job is "not found".
"""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from legation.core import files
from legation.core.services import visible_or_404
from legation.letters.compose.sandbox import LetterTemplateError
from legation.letters.forms import JobForm, template_names
from legation.letters.merge import jobs
from legation.letters.merge.review import (
    ContradictedLetter,
    job_templates,
    merge_job_approve_all,
    merge_job_create,
    merge_row_approve,
    merge_row_update,
    unconfirmed_suggestions,
)
from legation.letters.models import LetterRecord, MergeJob, MergeRow, RunStatus
from legation.letters.render.preview import pdf_for
from legation.letters.views import _require_sender
from legation.ui.forms import attach_errors
from legation.ui.lists import paginate

ROWS_PER_PAGE = 100


def _job(request: HttpRequest, pk: int) -> MergeJob:
    _require_sender(request)
    return visible_or_404(MergeJob.objects.select_related("posting__person"), request.user, pk)


def _row(request: HttpRequest, job: MergeJob, row_pk: int) -> MergeRow:
    row = MergeRow.objects.visible_to(request.user).filter(job=job, pk=row_pk).first()
    if row is None:
        raise Http404
    return row


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    """Start a merge for review (template, segment, sender, date, format); the merges so far."""
    _require_sender(request)
    user = request.user
    initial = {"template": "farewell", "segment": request.GET.get("segment") or None}
    form = JobForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The name as the sender's mission has it: its own template, else the shipped one.
        found = template_names(user, data["posting"].mission).get(data["template"], [])
        try:
            if not found:
                raise ValidationError(
                    {"template": _("The sender's mission has no template of that name.")}
                )
            template = next((t for t in found if t.language == "en"), found[0])
            job = merge_job_create(
                actor=user,
                template=template,
                segment=form.segment_text(),
                posting=data["posting"],
                letter_date=data["letter_date"],
                fmt=data["format"],
                auto_language=data["auto_language"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            count = job.rows.count()
            messages.success(
                request,
                ngettext("%(count)d recipient to review.", "%(count)d recipients to review.", count)
                % {"count": count},
            )
            for warning in _name_warnings(job):
                messages.warning(request, warning)
            return redirect("letters:job", job.pk)
    recent = MergeJob.objects.visible_to(user).select_related(
        "posting__person", "posting__mission"
    )[:30]
    return render(
        request,
        "letters/job_list.html",
        {"section": "letters", "form": form, "jobs": recent, "result": _recipients(form)},
        status=400 if form.errors else 200,
    )


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The review queue: every recipient with salutation, personal line, preview, approval."""
    job = _job(request, pk)
    rows = (
        MergeRow.objects.visible_to(request.user)
        .filter(job=job)
        .select_related("person")
        .order_by("pk")
    )
    return render(
        request,
        "letters/job_detail.html",
        {
            "section": "letters",
            "job": job,
            "page": paginate(rows, request, ROWS_PER_PAGE),
            "counts": _counts(request, job),
            "editable": _editable(job),
        },
    )


def _editable(job: MergeJob) -> bool:
    return job.status == MergeJob.Status.REVIEW and job.run_status not in (
        RunStatus.QUEUED,
        RunStatus.RUNNING,
    )


def _counts(request: HttpRequest, job: MergeJob) -> dict[str, int]:
    """The queue's figures: approved of all, pending (an address, not approved yet), without an
    address, and unread suggestions; the page shows them and htmx swaps them in after each row."""
    rows = MergeRow.objects.visible_to(request.user).filter(job=job)
    figures = rows.aggregate(
        n_total=Count("pk"),
        n_approved=Count("pk", filter=Q(approved=True)),
        n_missing=Count("pk", filter=Q(channel_missing=True)),
        n_pending=Count("pk", filter=Q(approved=False, channel_missing=False)),
    )
    counts = {key.removeprefix("n_"): value for key, value in figures.items()}
    # Rows "approve all" leaves pending: their line is a suggestion no one has confirmed.
    return counts | {"suggested": _suggested(request, job)}


def _suggested(request: HttpRequest, job: MergeJob) -> int:
    """Rows "approve all" leaves pending: their line is a suggestion no one has confirmed."""
    rows = MergeRow.objects.visible_to(request.user).filter(job=job, approved=False)
    return unconfirmed_suggestions(rows).count()


def _claims(exc: ContradictedLetter) -> list[str]:
    return [
        _("“%(claim)s”: the ledger says %(expected)s (%(explanation)s)")
        % {"claim": c.claim.text, "expected": c.expected, "explanation": c.explanation}
        for c in exc.claims
    ]


def _refusal(exc: ValidationError) -> str:
    """Why a service refused, in one message; a letter the ledger contradicts names each claim."""
    if isinstance(exc, ContradictedLetter):
        return _(
            "The letter has claims the ledger contradicts: %(claims)s. Correct the template and "
            "start a new merge."
        ) % {"claims": "; ".join(_claims(exc))}
    return " ".join(exc.messages)


def _row_response(
    request: HttpRequest, job: MergeJob, row: MergeRow, refused: ValidationError | None = None
) -> HttpResponse:
    if not _htmx(request):
        if refused is not None:
            messages.error(request, _refusal(refused))
        return redirect("letters:job", job.pk)
    row = MergeRow.objects.select_related("person").get(pk=row.pk)
    context = {
        "job": job,
        "row": row,
        "editable": _editable(job),
        # The page's counts and buttons, swapped in beside the row (out of band).
        "oob": True,
        "counts": _counts(request, job),
    }
    if isinstance(refused, ContradictedLetter):
        context["error"] = _(
            "Not approved: the letter has claims the ledger contradicts. Correct the template "
            "and start a new merge."
        )
        context["claims"] = _claims(refused)
    elif refused is not None:
        context["error"] = " ".join(refused.messages)
    return render(request, "letters/_row.html", context)


@login_required
@require_POST
def row_update(request: HttpRequest, pk: int, row_pk: int) -> HttpResponse:
    """Edit a recipient's salutation and personal line in place (the row must be re-approved)."""
    job = _job(request, pk)
    row = _row(request, job, row_pk)
    try:
        row = merge_row_update(
            actor=request.user,
            row=row,
            salutation=request.POST.get("salutation"),
            personal=request.POST.get("personal"),
            confirm=request.POST.get("confirm") == "1",
        )
    except ValidationError as exc:
        return _row_response(request, job, row, exc)
    return _row_response(request, job, row)


@login_required
@require_POST
def row_approve(request: HttpRequest, pk: int, row_pk: int) -> HttpResponse:
    job = _job(request, pk)
    row = _row(request, job, row_pk)
    try:
        row = merge_row_approve(
            actor=request.user, row=row, approved=request.POST.get("approved", "1") == "1"
        )
    except ValidationError as exc:
        return _row_response(request, job, row, exc)
    return _row_response(request, job, row)


@login_required
@require_POST
def approve_all(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        count = merge_job_approve_all(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(
            request,
            ngettext("%(count)d recipient approved.", "%(count)d recipients approved.", count)
            % {"count": count},
        )
        waiting = unconfirmed_suggestions(
            MergeRow.objects.visible_to(request.user).filter(
                job=job, approved=False, channel_missing=False
            )
        ).count()
        if waiting:
            messages.warning(request, _suggestions_waiting(waiting))
    return redirect("letters:job", job.pk)


def _recipients(form: JobForm) -> dict:
    """How many people the chosen segment (or the filter written) reaches, before the merge."""
    from legation.letters.views_segments import recipients

    value = form["segment"].value()
    segment = None
    if str(value or "").isdigit():
        segment = form.fields["segment"].queryset.select_related("mission").filter(pk=value).first()
    if segment is not None:
        return recipients(form.user, segment.filter, segment.mission)
    text = str(form["filter"].value() or "")
    posting = form.fields["posting"].queryset.filter(pk=form["posting"].value() or 0).first()
    return recipients(form.user, text, posting.mission if posting else None)


def _name_warnings(job: MergeJob) -> list[str]:
    """Chinese letters to people without a name in characters (``context.name_warning``)."""
    from legation.letters.compose.context import name_warning

    rows = job.rows.filter(language="zh").select_related("person")
    return [w for row in rows if (w := name_warning(row.person, "zh", row.salutation))]


def _suggestions_waiting(count: int) -> str:
    return ngettext(
        "%(count)d recipient is still pending: their personal line is a suggestion no one has "
        "confirmed. Read it, then confirm, edit or clear it, or approve the row itself.",
        "%(count)d recipients are still pending: their personal lines are suggestions no one "
        "has confirmed. Read each, then confirm, edit or clear it, or approve the row itself.",
        count,
    ) % {"count": count}


@login_required
def row_preview(request: HttpRequest, pk: int, row_pk: int) -> HttpResponse:
    """One recipient's letter as the officer left it (a draft PDF, never recorded)."""
    job = _job(request, pk)
    row = _row(request, job, row_pk)
    templates = job_templates(job)
    template = templates.get(row.language) or next(iter(templates.values()))
    try:
        letter, pdf = pdf_for(
            actor=request.user,
            template=template,
            person=row.person,
            posting=job.posting,
            letter_date=job.letter_date,
            personal=row.personal,
            salutation=row.salutation,
        )
    except LetterTemplateError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{letter.filename}.pdf"'
    return response


@login_required
@require_POST
def produce(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the production of the approved rows; the page then shows the progress."""
    job = _job(request, pk)
    try:
        jobs.merge_job_start(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, _("The letters are being produced."))
    return redirect("letters:job", job.pk)


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment; it polls itself every second while the run is under way."""
    job = _job(request, pk)
    response = render(request, "letters/_progress.html", {"job": job})
    if _htmx(request) and job.run_status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        response["HX-Refresh"] = "true"  # finished: the rows are read-only now
    return response


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    """The produced letters and their manifest as one zip."""
    job = _job(request, pk)
    if job.run_status != RunStatus.DONE and job.status != MergeJob.Status.PRODUCED:
        raise Http404
    if not jobs.whole_job_visible(job, request.user):  # the zip holds all of it
        raise Http404
    stored = job.result_file
    if not files.exists(stored):  # not written (the storage was down), or removed: built again
        stored = jobs.write_zip(job, request.user)
    name = f"letters-{slugify(job.template_name)}-{job.pk}.zip"
    return FileResponse(files.open_file(stored), as_attachment=True, filename=name)


SENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "eml": "message/rfc822",
    "txt": "text/plain; charset=utf-8",
}


@login_required
def letter_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The file of a letter sent (the recipient's timeline links it): only to users who may see
    the letter's record, which is as sensitive as its engagement; "not found" to anyone else."""
    record = visible_or_404(LetterRecord.objects, request.user, pk)
    if not files.exists(record.file.name):
        raise Http404
    return FileResponse(
        files.open_file(record.file.name),
        as_attachment=record.format != "pdf",
        filename=Path(record.file.name).name,
        content_type=SENT_TYPES.get(record.format, "application/octet-stream"),
    )
