"""Exports through the API: the workspace's export path; long XLSX/DOCX/PDF lists as a background job with a
status URL."""

import json

import pytest

from letters.models import ExportJob
from letters.tasks import write_export
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

EXPORTS = "/api/v1/manage/letters/our-letter/exports"


def export(client, token, **body):
    return client.post(EXPORTS, json.dumps(body), content_type="application/json", **bearer(token))


def test_a_text_layout_comes_back_as_the_file(client, signed_letter, read_token):
    response = export(client, read_token, layout="numbered", language="fr")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert 'attachment; filename="' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "1. Open Square Alliance" in text and "Quiet Harbour Defenders" not in text


def test_contacts_are_exported_only_when_asked(client, signed_letter, read_token):
    email = signed_letter.signatures.get(organisation__name="Open Square Alliance").signer_email
    plain = b"".join(export(client, read_token, layout="csv").streaming_content).decode()
    with_contacts = b"".join(export(client, read_token, layout="csv", contacts=True).streaming_content).decode()
    assert email not in plain and email in with_contacts


def test_a_long_list_in_xlsx_is_a_background_job_with_a_status_url(client, signed_letter, read_token, settings,
                                                                    django_capture_on_commit_callbacks):
    settings.EXPORT_BACKGROUND_ROWS = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    with django_capture_on_commit_callbacks(execute=True):
        response = export(client, read_token, layout="xlsx", language="en")
    assert response.status_code == 202
    job = response.json()
    assert job["status"] == "queued" and job["download_url"] is None
    assert job["status_url"] == f"{EXPORTS}/{job['id']}"
    assert client.get(f"{EXPORTS}/{job['id']}/download", **bearer(read_token)).status_code == 409

    write_export(job["id"])  # what the worker does
    status = client.get(job["status_url"], **bearer(read_token)).json()
    assert status["status"] == "done" and status["total"] >= 1
    download = client.get(status["download_url"], **bearer(read_token))
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert ExportJob.objects.get(pk=job["id"]).requested_by.username == "coordinator"


def test_another_letters_job_is_not_found(client, signed_letter, other_token, read_token):
    job = ExportJob.objects.create(letter=signed_letter, language="en", layout="xlsx", status="done",
                                   content=b"PK", filename="x.xlsx", content_type="application/octet-stream")
    for url in (f"{EXPORTS}/{job.pk}", f"{EXPORTS}/{job.pk}/download",
                f"/api/v1/manage/letters/their-letter/exports/{job.pk}"):
        assert client.get(url, **bearer(other_token)).status_code == 404


def test_an_unknown_layout_or_language_is_422(client, letter, read_token):
    for body in ({"layout": "odt"}, {"layout": "csv", "language": "xx"}):
        response = export(client, read_token, **body)
        assert response.status_code == 422
        assert response.json()["detail"]
