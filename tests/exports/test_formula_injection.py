"""Cells a spreadsheet would run as a formula are neutralised in every CSV and XLSX path: dashboard, admin, CLI."""

import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOSTILE = {
    "=HYPERLINK(\"http://evil.example\",\"click\")": "'=HYPERLINK(\"http://evil.example\",\"click\")",
    "+41 Rights Group": "'+41 Rights Group",
    "-2+3 Collective": "'-2+3 Collective",
    "@SUM(A1:A9) Network": "'@SUM(A1:A9) Network",
}


@pytest.fixture
def hostile(letter, sign):
    for name in HOSTILE:
        sign(name)
    sign("Harmless Org", override="", email="=cmd|' /C calc'!A0@evil.example")
    return letter


def csv_names(text):
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    return {row[1] for row in rows[1:]}, rows


def xlsx_cells(content):
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


def assert_neutralised_cells(cells):
    for cell in cells:
        assert cell.data_type != "f", cell.value
        if isinstance(cell.value, str) and cell.value:
            assert cell.value[0] not in "=+-@\t\r", cell.value


def test_dashboard_csv_and_xlsx(hostile, coordinator_client):
    url = reverse("exports:download", kwargs={"slug": hostile.slug})
    response = coordinator_client.get(url, {"language": "en", "format": "csv", "contacts": "on"})
    names, rows = csv_names(b"".join(response.streaming_content).decode())
    assert set(HOSTILE.values()) <= names
    assert all(not cell or cell[0] not in "=+-@\t\r" for row in rows for cell in row)

    response = coordinator_client.get(url, {"language": "en", "format": "xlsx", "contacts": "on"})
    cells = xlsx_cells(response.content)
    assert set(HOSTILE.values()) <= {cell.value for cell in cells}
    assert_neutralised_cells(cells)


def test_admin_csv_and_xlsx(hostile):
    staff = UserFactory(username="exporter", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_signature", "export_signature"]))
    from django.test import Client

    client = Client()
    client.force_login(staff)
    url = reverse("admin:letters_signature_export")
    for index, check in ((0, "csv"), (1, "xlsx")):
        response = client.post(url, {"format": str(index), "resource": "0", "letter": hostile.pk,
                                     "language": "en", "order": "alphabetical", "contacts": "on"})
        assert response.status_code == 200, response.content[:500]
        if check == "csv":
            names, rows = csv_names(response.content.decode())
            assert set(HOSTILE.values()) <= names
            assert all(not cell or cell[0] not in "=+-@\t\r" for row in rows for cell in row)
        else:
            cells = xlsx_cells(response.content)
            assert set(HOSTILE.values()) <= {cell.value for cell in cells}
            assert_neutralised_cells(cells)


def test_cli_csv_and_xlsx(hostile, tmp_path):
    out = io.StringIO()
    call_command("export_signatories", hostile.slug, "--language", "en", "--format", "csv", "--contacts", stdout=out)
    names, rows = csv_names(out.getvalue())
    assert set(HOSTILE.values()) <= names
    assert all(not cell or cell[0] not in "=+-@\t\r" for row in rows for cell in row)

    target = tmp_path / "list.xlsx"
    call_command("export_signatories", hostile.slug, "--language", "en", "--format", "xlsx", "--contacts",
                 "--output", str(target), stderr=io.StringIO())
    cells = xlsx_cells(target.read_bytes())
    assert set(HOSTILE.values()) <= {cell.value for cell in cells}
    assert_neutralised_cells(cells)


def test_tab_and_carriage_return_starts_are_neutralised_too():
    from letters.resources import neutralise

    assert neutralise("\tcmd") == "'\tcmd" and neutralise("\r=1") == "'\r=1"
    assert neutralise("Amnesty") == "Amnesty" and neutralise("") == ""
