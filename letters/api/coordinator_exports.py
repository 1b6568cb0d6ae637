"""Exports of a letter's list in any layout and language: the workspace's export path (letters.exports.SignatoryList,
letters.documents.export_output) and, for long lists in XLSX, DOCX or PDF, its background job (ExportJob written by
letters.tasks.run_export) with a status URL. A read-only token may export: an export changes no sign-on."""

from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Status
from ninja.errors import HttpError

from letters.api import schemas
from letters.api.auth import TokenAuth, private_responses
from letters.api.coordinator import ERRORS, coordinated_letter, form_errors
from letters.api.throttles import TokenThrottle
from letters.documents import BINARY_TYPES, TEXT_TYPES, export_output
from letters.exports import ExportError, SignatoryList
from letters.forms.exports import ExportForm
from letters.models import ExportJob, Letter
from letters.views.exports import BACKGROUND_LAYOUTS, _enqueue_export, background_rows

router = Router(tags=["coordinator"], auth=TokenAuth(), throttle=[TokenThrottle()])
router.add_decorator(private_responses, mode="view")

_FILE_TYPES = sorted({"text/plain", "text/csv", "application/json", *(t for t, _ext in TEXT_TYPES.values()),
                      *BINARY_TYPES.values()})
# The file itself is not JSON of ours: described here so the schema says what a 200 carries.
FILE_RESPONSE = {"responses": {200: {"description": "The file (Content-Disposition: attachment; filename=…).",
                                     "content": {media: {"schema": {"contentMediaType": media}}
                                                 for media in _FILE_TYPES}}}}


def _file_response(output):
    # Text, CSV and JSON stream row by row, as the workspace's download: a 100,000-name list is never held whole.
    response = (HttpResponse(output.chunks[0], content_type=output.content_type) if output.binary
                else StreamingHttpResponse(output.chunks, content_type=output.content_type))
    response["Content-Disposition"] = f'attachment; filename="{output.filename}"'
    response["Cache-Control"] = "private, no-store"  # may hold signers' emails
    return response


def job_out(job):
    kwargs = {"slug": job.letter.slug, "job_id": job.pk}
    done = job.status == ExportJob.Status.DONE
    return {"id": job.pk, "status": job.status, "language": job.language, "layout": job.layout,
            "progress": job.progress, "total": job.total, "error": job.error, "created_at": job.created_at,
            "finished_at": job.finished_at, "status_url": reverse("api:manage_export_status", kwargs=kwargs),
            "download_url": reverse("api:manage_export_download", kwargs=kwargs) if done else None}


def _form(letter, payload):
    data = {**payload.dict(), "format": payload.layout, "language": payload.language or letter.default_language}
    # A Django form's checkbox is absent when unticked: leave out what is false, as a browser would.
    form = ExportForm({key: value for key, value in data.items() if value is not False}, letter=letter)
    if not form.is_valid():
        raise HttpError(422, form_errors(form))
    return form


@router.post("letters/{slug}/exports", response={202: schemas.ExportJobOut, **ERRORS}, openapi_extra=FILE_RESPONSE,
             operation_id="manage_export", summary="Export the list in a layout and language")
def manage_export(request, slug: str, payload: schemas.ExportIn):
    """The list as the workspace exports it. 200: the file itself. 202: a long list in XLSX, DOCX or PDF is written
    in the background: poll `status_url` until `status` is "done", then fetch `download_url`."""
    letter = coordinated_letter(request, slug)
    form = _form(letter, payload)
    try:
        signatory_list = SignatoryList(letter, form.cleaned_data["language"], **form.options())
        if form.cleaned_data["format"] in BACKGROUND_LAYOUTS and signatory_list.count() > background_rows():
            return Status(202, job_out(_start_job(request, letter, form)))
        output = export_output(signatory_list, form.cleaned_data["format"],
                               form.cleaned_data["document_list"] or "lines", bom=True)
    except ExportError as error:
        raise HttpError(422, str(error)) from None
    return _file_response(output)


def _start_job(request, letter, form):
    """The same job as the workspace's exports page starts (views.exports._start_background_export)."""
    from letters.tasks import run_export

    options = {**form.options(), "document_list": form.cleaned_data["document_list"] or "lines"}
    with transaction.atomic():
        job = ExportJob.objects.create(letter=letter, language=form.cleaned_data["language"],
                                       layout=form.cleaned_data["format"], options=options,
                                       requested_by=request.user)
        transaction.on_commit(lambda: _enqueue_export(run_export, job))
    return job


def _job(request, slug, job_id):
    letter = coordinated_letter(request, slug, Letter.objects.all())
    return get_object_or_404(ExportJob.objects.defer("content").select_related("letter"), pk=job_id, letter=letter)


@router.get("letters/{slug}/exports/{job_id}", response={200: schemas.ExportJobOut, **ERRORS},
            operation_id="manage_export_status", url_name="manage_export_status", summary="A background export")
def manage_export_status(request, slug: str, job_id: int):
    """Where a background export stands: queued, running (`progress` of `total` rows), done or failed."""
    return job_out(_job(request, slug, job_id))


@router.get("letters/{slug}/exports/{job_id}/download", response={409: schemas.Error, **ERRORS},
            openapi_extra=FILE_RESPONSE, operation_id="manage_export_download", url_name="manage_export_download",
            summary="The file of a finished background export")
def manage_export_download(request, slug: str, job_id: int):
    """The file a background export wrote. 409 while it is not done."""
    job = _job(request, slug, job_id)
    if job.status != ExportJob.Status.DONE:
        return Status(409, {"detail": f"This export is {job.status}, not ready."})
    content = ExportJob.objects.filter(pk=job.pk).values_list("content", flat=True).get()
    response = HttpResponse(bytes(content or b""), content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response["Cache-Control"] = "private, no-store"  # may hold signers' emails
    return response
