"""Coordinators' exports of a letter's list, and finalising it: thin views over exports, documents, services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from letters.access import get_letter_for_coordinator
from letters.documents import export_output
from letters.exports import TEXT_LAYOUTS, ExportError, SignatoryList
from letters.forms.exports import ExportForm, FinaliseForm, ReopenForm
from letters.layouts import render_text
from letters.models import ExportJob, InvalidTransition, Letter
from letters.services.finalise import finalise_letter, publish_addendum, reopen_letter

PREVIEW_ROWS = 200
# Files built whole before the first byte goes out (XLSX, DOCX, PDF): above background_rows() names they are
# written by the worker (letters.tasks.run_export) and offered on the exports page when ready. Text, CSV and JSON
# stream row by row (100,000 rows in about a second) and stay direct downloads.
BACKGROUND_LAYOUTS = ("xlsx", "docx", "pdf")


def background_rows():
    return getattr(settings, "EXPORT_BACKGROUND_ROWS", 5000)


@login_required
@require_GET
def letter_exports(request, slug):
    """The export page: choose language, layout and order; preview text layouts; finalise, reopen, addendum."""
    letter = get_letter_for_coordinator(request, slug)
    # First visit: preview the list in the letter's main language, one name a line.
    defaults = {"language": letter.default_language, "format": "lines", "group_individuals": "on"}
    form = ExportForm(request.GET or defaults, letter=letter)
    preview = _preview(letter, form) if form.is_valid() else None
    jobs = list(letter.export_jobs.defer("content").select_related("requested_by")[:10])
    return render(request, "letters/exports/letter.html", {
        "letter": letter, "form": form, "preview": preview, "jobs": jobs,
        "jobs_pending": any(job.is_pending for job in jobs), **_status_context(letter),
    })


@login_required
@require_GET
def download(request, slug):
    letter = get_letter_for_coordinator(request, slug)
    form = ExportForm(request.GET, letter=letter)
    if not form.is_valid():
        messages.error(request, _("Choose a language and a layout to download."))
        return redirect("exports:letter", slug=letter.slug)
    try:
        signatory_list = SignatoryList(letter, form.cleaned_data["language"], **form.options())
        if form.cleaned_data["format"] in BACKGROUND_LAYOUTS and signatory_list.count() > background_rows():
            return _start_background_export(request, letter, form)
        output = export_output(signatory_list, form.cleaned_data["format"],
                               form.cleaned_data["document_list"] or "lines", bom=True)
    except ExportError as error:
        messages.error(request, str(error))
        return redirect("exports:letter", slug=letter.slug)
    # Text and CSV stream row by row: a 100,000-name list is never held in memory at once.
    response_class = HttpResponse if output.binary else StreamingHttpResponse
    response = response_class(output.chunks if not output.binary else output.chunks[0],
                              content_type=output.content_type)
    response["Content-Disposition"] = f'attachment; filename="{output.filename}"'
    response["Cache-Control"] = "private, no-store"  # may hold signers' emails
    return response


def _start_background_export(request, letter, form):
    from letters.tasks import run_export

    options = {**form.options(), "document_list": form.cleaned_data["document_list"] or "lines"}
    with transaction.atomic():
        job = ExportJob.objects.create(
            letter=letter, language=form.cleaned_data["language"], layout=form.cleaned_data["format"],
            options=options, requested_by=request.user,
        )
        transaction.on_commit(lambda: _enqueue_export(run_export, job))
    messages.info(request, _("This list is long: the file is being written in the background. It appears below "
                             "under “Background exports” when it is ready."))
    return redirect(reverse("exports:letter", kwargs={"slug": letter.slug}) + "#background-exports")


def _enqueue_export(run_export, job):
    try:
        run_export.enqueue(job.pk)
    except Exception as error:  # noqa: BLE001 - shown on the page instead of a server error
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, error=str(error)[:2000])


@login_required
@require_GET
def job_download(request, slug, job_id):
    """A finished background export: the letter's coordinators only (get_letter_for_coordinator), like downloads."""
    letter = get_letter_for_coordinator(request, slug)
    job = get_object_or_404(ExportJob, pk=job_id, letter=letter, status=ExportJob.Status.DONE)
    response = HttpResponse(bytes(job.content or b""), content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response["Cache-Control"] = "private, no-store"  # may hold signers' emails
    return response


@login_required
@require_POST
def finalise(request, slug):
    letter = get_letter_for_coordinator(request, slug)
    form = FinaliseForm(request.POST, letter=letter)
    if not form.is_valid():
        if "confirmed" in form.errors:
            messages.error(request, form.errors["confirmed"][0])
        else:
            messages.error(request, _("Tick the box to confirm that the list will be frozen."))
        return redirect("exports:letter", slug=letter.slug)
    data = form.cleaned_data
    try:
        finalise_letter(letter, by=request.user, reason=data["reason"], order=data["order"] or "alphabetical",
                        leads_first=data["leads_first"], group_individuals=data["group_individuals"],
                        approve_confirmed=data.get("confirmed") == "approve")
        messages.success(request, _("The letter is finalised: its list is frozen in every language."))
    except InvalidTransition as error:
        messages.error(request, str(error))
    return redirect("exports:letter", slug=letter.slug)


@login_required
@require_POST
def reopen(request, slug):
    letter = get_letter_for_coordinator(request, slug)
    form = ReopenForm(request.POST, letter=letter)
    if not form.is_valid():
        messages.error(request, _("Say why the letter is reopened."))
        return redirect("exports:letter", slug=letter.slug)
    try:
        reopen_letter(letter, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The letter is open again. The finalised list is kept for the record."))
    except InvalidTransition as error:
        messages.error(request, str(error))
    return redirect("exports:letter", slug=letter.slug)


@login_required
@require_POST
def addendum(request, slug):
    """Record the addendum as sent (snapshot per language); downloading it is an ordinary export."""
    letter = get_letter_for_coordinator(request, slug)
    try:
        counts = publish_addendum(letter, by=request.user)
        messages.success(request, _("Addendum recorded: %(n)d names.") % {"n": max(counts.values(), default=0)})
    except InvalidTransition as error:
        messages.error(request, str(error))
    return redirect("exports:letter", slug=letter.slug)


def _preview(letter, form):
    """The first names in the chosen text layout (files are previewed one name a line)."""
    layout = form.cleaned_data["format"] if form.cleaned_data["format"] in TEXT_LAYOUTS else "lines"
    try:
        signatory_list = SignatoryList(letter, form.cleaned_data["language"], limit=PREVIEW_ROWS, **form.options())
        total = signatory_list.count()
        language = form.cleaned_data["language"]
        # The preview reads in the export's direction, whatever the interface's (an English list in the Arabic
        # workspace starts on the left, as in the file).
        return {"text": render_text(signatory_list, layout), "layout": layout, "total": total,
                "shown": min(total, PREVIEW_ROWS), "file": layout != form.cleaned_data["format"],
                "language": language, "rtl": language.split("-")[0] in settings.LANGUAGES_BIDI}
    except ExportError as error:
        return {"error": str(error)}


def _status_context(letter):
    snapshots = letter.snapshots.defer("rows").select_related("created_by")
    names = dict(settings.LETTER_LANGUAGES)
    late = {language: SignatoryList(letter, language, source="addendum").count()
            for language in (letter.languages() or [letter.default_language])
            } if letter.status == Letter.Status.FINALISED else {}
    return {
        "is_finalised": letter.status == Letter.Status.FINALISED,
        "finalised": [s for s in snapshots if s.kind == s.Kind.FINAL][:12],
        "addenda": [s for s in snapshots if s.kind == s.Kind.ADDENDUM][:12],
        "late": [(code, names.get(code, code), count) for code, count in late.items()] if any(late.values()) else [],
        "finalise_form": FinaliseForm(letter=letter),
        "reopen_form": ReopenForm(letter=letter),
    }
