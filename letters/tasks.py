"""Background tasks (django-tasks; the database backend's worker is `manage.py db_worker`)."""

import io
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from letters.emails.core import deliver, send_due

logger = logging.getLogger(__name__)


@task()
def send_email(email_id):
    """Send one outbox email; on failure it re-queues itself with back-off (see emails.core.deliver)."""
    return deliver(email_id)


@task()
def send_outbox():
    """Send every due email: catches emails whose task was lost or whose retry time has come."""
    return send_due()


@task()
def key_names(letter_id):
    """Store the collation keys of a letter's names (after a big import: see ordering.store_keys)."""
    from letters.models import Letter
    from letters.ordering import store_keys

    letter = Letter.objects.filter(pk=letter_id).first()
    return store_keys(letter) if letter else None


def enqueue_key_names(letter_id):
    try:
        key_names.enqueue(letter_id)
    except Exception:  # noqa: BLE001 - only a head start: the first export keys the names itself
        logger.exception("could not enqueue key_names for letter %s", letter_id)


@task()
def run_export(job_id):
    """Write one background export (letters.models.ExportJob) and store the file in its row."""
    return write_export(job_id)


def write_export(job_id):
    """The body of run_export: the same export path as a download (documents.export_output), with progress."""
    from letters.documents import export_output
    from letters.exports import SignatoryList
    from letters.models import ExportJob

    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("letter").filter(pk=job_id).first()
        if job is None or job.status != ExportJob.Status.QUEUED:
            return job.status if job else None  # already taken (a second enqueue) or gone
        job.status = ExportJob.Status.RUNNING
        job.save(update_fields=["status"])
    options = dict(job.options)
    list_layout = options.pop("document_list", "lines")
    last = [0]

    def progress(rows):
        if rows - last[0] >= 5000:
            last[0] = rows
            ExportJob.objects.filter(pk=job.pk).update(progress=rows)

    try:
        signatory_list = SignatoryList(job.letter, job.language, **options)
        job.total = signatory_list.count()
        ExportJob.objects.filter(pk=job.pk).update(total=job.total)
        output = export_output(signatory_list, job.layout, list_layout, bom=True, progress=progress)
        if output.binary:
            content = output.chunks[0]
        else:
            buffer = io.BytesIO()
            for chunk in output.chunks:
                buffer.write(chunk.encode() if isinstance(chunk, str) else chunk)
            content = buffer.getvalue()
    except Exception as error:  # noqa: BLE001 - recorded on the job, shown on the exports page
        logger.exception("background export %s failed", job_id)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000], finished_at=timezone.now()
        )
        return ExportJob.Status.FAILED
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE, content=content, filename=output.filename, content_type=output.content_type,
        progress=job.total, finished_at=timezone.now(),
    )
    return ExportJob.Status.DONE
