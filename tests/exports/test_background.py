"""Big XLSX/DOCX/PDF exports requested from the exports page are written by the worker (letters.tasks.run_export)."""

import io

import openpyxl
import pytest
from django.test import Client

from letters.models import ExportJob
from tests.factories import LetterFactory, OrganisationFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


@pytest.fixture
def big_letter(coordinator, settings):
    settings.EXPORT_BACKGROUND_ROWS = 2  # "big" from three names on: the same path as 5,000
    letter = LetterFactory(slug="big-letter", coordinators=[coordinator], languages=["en"])
    for name in ("Alpha Network", '=HYPERLINK("x")', "Gamma Rights"):
        SignatureFactory(letter=letter, organisation=OrganisationFactory(name=name), status="approved")
    return letter


def _request(client, letter, layout="xlsx"):
    return client.get(f"/manage/letters/{letter.slug}/exports/download/", {"language": "en", "format": layout})


def test_a_big_xlsx_is_written_in_the_background_and_offered_when_ready(
        coordinator_client, big_letter, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        response = _request(coordinator_client, big_letter)
    assert response.status_code == 302 and response["Location"].endswith("/exports/#background-exports")
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE and job.total == 3 and job.percent == 100
    page = coordinator_client.get(f"/manage/letters/{big_letter.slug}/exports/").content.decode()
    assert f"/manage/letters/big-letter/exports/background/{job.pk}/" in page and 'http-equiv="refresh"' not in page
    download = coordinator_client.get(f"/manage/letters/big-letter/exports/background/{job.pk}/")
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(["Alpha Network", '\'=HYPERLINK("x")', "Gamma Rights"])  # neutralised


def test_a_queued_export_shows_progress_and_refreshes_the_page(coordinator_client, big_letter, settings):
    settings.TASKS = DUMMY_TASKS
    _request(coordinator_client, big_letter, "docx")
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.QUEUED and job.options["document_list"] == "lines"
    page = coordinator_client.get(f"/manage/letters/{big_letter.slug}/exports/").content.decode()
    assert "<progress" in page and 'http-equiv="refresh"' in page
    assert coordinator_client.get(f"/manage/letters/big-letter/exports/background/{job.pk}/").status_code == 404


def test_small_lists_and_streamed_layouts_stay_direct_downloads(coordinator_client, big_letter, settings):
    settings.EXPORT_BACKGROUND_ROWS = 5000
    assert _request(coordinator_client, big_letter).status_code == 200
    settings.EXPORT_BACKGROUND_ROWS = 2
    assert _request(coordinator_client, big_letter, "csv").streaming
    assert not ExportJob.objects.exists()


def test_only_the_letters_coordinators_may_download_a_background_export(
        coordinator_client, big_letter, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        _request(coordinator_client, big_letter)
    job = ExportJob.objects.get()
    other = UserFactory()
    client = Client()
    client.force_login(other)
    assert client.get(f"/manage/letters/big-letter/exports/background/{job.pk}/").status_code in (403, 404)
    elsewhere = LetterFactory(slug="elsewhere", coordinators=[other])
    assert client.get(f"/manage/letters/{elsewhere.slug}/exports/background/{job.pk}/").status_code == 404


def test_export_files_older_than_the_keep_days_are_deleted_by_the_scheduler(
        coordinator_client, big_letter, settings, django_capture_on_commit_callbacks):
    from django.core.management import call_command
    from django.utils import timezone

    settings.TASKS = IMMEDIATE_TASKS
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            _request(coordinator_client, big_letter)
    old, recent = ExportJob.objects.order_by("pk")
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=8))

    call_command("run_scheduler", "--once")

    assert list(ExportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert coordinator_client.get(f"/manage/letters/big-letter/exports/background/{old.pk}/").status_code == 404
    assert coordinator_client.get(f"/manage/letters/big-letter/exports/background/{recent.pk}/").status_code == 200


def test_keep_days_zero_keeps_every_export_file(big_letter, settings):
    from django.utils import timezone

    settings.EXPORT_JOB_KEEP_DAYS = 0
    job = ExportJob.objects.create(letter=big_letter, language="en", layout="xlsx")
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timezone.timedelta(days=400))
    assert ExportJob.objects.prune() == 0 and ExportJob.objects.filter(pk=job.pk).exists()
