"""Cells a spreadsheet would run as a formula are neutralised in every CSV and XLSX path: dashboard, admin, CLI."""

import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from letters.documents import export_output
from letters.exports import TEXT_LAYOUTS, SignatoryList
from letters.layouts import render_text
from letters.models import LetterVersion, Organisation, OrganisationName, Section, Signature
from tests.factories import OrganisationFactory, SignatureFactory, UserFactory
from tests.security.corpus import (
    HIDDEN_FORMULAS, HOSTILE as HOSTILE_VALUES, check_csv, check_docx, check_json, check_pdf, check_text, check_xlsx,
)

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
    hostile.coordinators.add(staff)  # signers' emails (contacts) are exported only for a letter one coordinates
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


# --- a formula hidden behind a character that cleaning removes (issue 10, items 1 and 2) -----------------------

HIDDEN = '\x01=HYPERLINK("http://evil.example","x")'


def _download(client, letter, layout, **options):
    response = client.get(reverse("exports:download", kwargs={"slug": letter.slug}),
                          {"language": "en", "format": layout, "contacts": "on", **options})
    assert response.status_code == 200, layout
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_control_character_before_an_affiliation_formula_typed_in_the_directory_gives_no_live_formula(
        coordinator_client, letter):
    """The XLSX writer used to strip \\x01 after the guard had looked at the value: a live =HYPERLINK cell."""
    person = OrganisationFactory(name="Jane Doe", kind=Organisation.Kind.INDIVIDUAL, country="CH")
    SignatureFactory(letter=letter, organisation=person)
    response = coordinator_client.post(reverse("manage:organisation_edit", args=[person.pk]), {
        "name": "Jane Doe", "kind": "individual", "country": "CH", "affiliation": HIDDEN})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.affiliation == HIDDEN[1:]  # cleaned on save

    texts = check_xlsx(_download(coordinator_client, letter, "xlsx"))
    assert "'" + HIDDEN[1:] in texts
    check_csv(_download(coordinator_client, letter, "csv").decode())
    check_docx(_download(coordinator_client, letter, "docx"))


def test_an_older_row_holding_a_control_character_neither_hides_a_formula_nor_breaks_docx_or_xlsx(
        coordinator_client, letter):
    """Rows written before cleaning on save (or by a bulk write) are cleaned once in the one export path."""
    person = OrganisationFactory(name="Jane Doe", kind=Organisation.Kind.INDIVIDUAL, country="CH")
    SignatureFactory(letter=letter, organisation=person)
    Organisation.objects.filter(pk=person.pk).update(affiliation=HIDDEN, acronym="\x02@SUM(1)")

    texts = check_xlsx(_download(coordinator_client, letter, "xlsx"))
    assert {"'" + HIDDEN[1:], "'@SUM(1)"} <= set(texts)
    check_docx(_download(coordinator_client, letter, "docx"))
    check_pdf(_download(coordinator_client, letter, "pdf"))
    for layout in TEXT_LAYOUTS:
        check_text(_download(coordinator_client, letter, layout).decode(), layout)


def test_the_guard_cleans_first_and_sees_formulas_behind_spaces_invisibles_and_full_width_signs():
    from letters.resources import _xlsx_cell
    from letters.text import export_cell, neutralise

    for value in HIDDEN_FORMULAS:
        assert export_cell(value).startswith("'"), repr(value)
        assert neutralise(value).startswith("'"), repr(value)
        assert _xlsx_cell(value).startswith("'"), repr(value)
    assert export_cell("\uff1dSUM(1)") == "'\uff1dSUM(1)" and export_cell("Amnesty\x01") == "Amnesty"
    assert export_cell(12) == 12 and export_cell("") == ""


@pytest.fixture
def everything_hostile(letter, coordinator):
    """A letter on which every text field that reaches an export holds a hidden formula: names (directory,
    per-language display name, this letter's override and per-language name), acronyms, affiliations (directory
    and this letter), regions printed instead of a country, descriptions, section headings, list words, signers."""
    values = HIDDEN_FORMULAS
    first, second = (Section.objects.create(letter=letter, position=rank, headings={"en": values[rank]})
                     for rank in (1, 2))
    version = letter.versions.get(language="en")
    version.organisations_label, version.individuals_label = values[3], values[4]
    version.unnamed_label = values[5] + " {count}"
    version.save()
    signatures = []
    for index in range(len(values)):
        value = lambda offset: values[(index + offset) % len(values)]  # noqa: E731
        individual = index % 2 == 1
        organisation = OrganisationFactory(
            name=value(0), acronym=value(1)[:40], country="" if index % 3 == 0 else "KE",
            kind=Organisation.Kind.INDIVIDUAL if individual else Organisation.Kind.ORGANISATION,
            affiliation=value(2) if individual else "")
        source = index % 4  # which of the four name sources shows on this letter
        if source == 1:
            OrganisationName.objects.create(organisation=organisation, language="en", name=value(3))
        signatures.append(SignatureFactory(
            letter=letter, organisation=organisation, name_override=value(4) if source == 2 else "",
            names={"en": value(5)} if source == 3 else {}, region=value(6)[:100] if index % 3 == 0 else "",
            note=value(7), affiliation=value(8) if index % 4 == 1 else "", signer_name=value(9),
            signer_email=value(10), section=(None, first, second)[index % 3], consent_public=index % 17 != 0))
    return letter, signatures


def _write_raw(letter, signatures):
    """The same values written past save() (as before cleaning on save, or by a bulk write): raw, uncleaned."""
    values = HIDDEN_FORMULAS
    for index, signature in enumerate(signatures):
        value = lambda offset: values[(index + offset) % len(values)]  # noqa: E731
        Organisation.objects.filter(pk=signature.organisation_id).update(
            name=value(0), acronym=value(1)[:40], affiliation=value(2) if index % 2 else "")
        OrganisationName.objects.filter(organisation=signature.organisation_id).update(name=value(3))
        Signature.objects.filter(pk=signature.pk).update(
            name_override=value(4) if index % 4 == 2 else "", names={"en": value(5)} if index % 4 == 3 else {},
            region=value(6)[:100] if index % 3 == 0 else "", note=value(7),
            affiliation=value(8) if index % 4 == 1 else "", signer_name=value(9), signer_email=value(10))
    for rank, section in enumerate(letter.sections.order_by("position"), start=1):
        Section.objects.filter(pk=section.pk).update(headings={"en": values[rank]})
    LetterVersion.objects.filter(letter=letter, language="en").update(
        organisations_label=values[3], individuals_label=values[4], unnamed_label=values[5] + " {count}",
        title=values[6], addressee=values[7], date_line=values[8], closing=values[9], body=values[10])


@pytest.mark.parametrize("stored", ["cleaned on save", "written raw"])
def test_every_export_format_and_every_text_field_resists_hidden_formulas(everything_hostile, stored, admin_user):
    letter, signatures = everything_hostile
    if stored == "written raw":
        _write_raw(letter, signatures)
    signatory_list = lambda: SignatoryList(letter, "en", include_contacts=True)  # noqa: E731
    for layout in TEXT_LAYOUTS:
        check_text("".join(export_output(signatory_list(), layout).chunks), layout)
    for style in ("comma", "tab"):
        check_text(render_text(SignatoryList(letter, "en", affiliation_style=style), "lines"), "lines")
    check_text(render_text(SignatoryList(letter, "en", numbers=True), "name-country"), "name-country")
    check_csv("".join(export_output(signatory_list(), "csv").chunks))
    check_json("".join(export_output(signatory_list(), "json").chunks))
    check_xlsx(export_output(signatory_list(), "xlsx").chunks[0])
    for list_layout in ("lines", "numbered", "name-country"):
        check_docx(export_output(signatory_list(), "docx", list_layout=list_layout).chunks[0])
    check_pdf(export_output(signatory_list(), "pdf").chunks[0])

    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    for index, fmt in enumerate(("csv", "xlsx", "json")):
        response = client.post(reverse("admin:letters_signature_export"), {
            "format": str(index), "resource": "0", "letter": letter.pk, "language": "en",
            "order": "alphabetical", "contacts": "on"})
        assert response.status_code == 200, (fmt, response.content[:300])
        {"csv": lambda c: check_csv(c.decode()), "xlsx": check_xlsx, "json": lambda c: check_json(c.decode())}[
            fmt](response.content)
    for index, fmt in enumerate(("csv", "xlsx")):
        response = client.post(reverse("admin:letters_organisation_export"), {
            "format": str(index), "resource": "0", **{f"organisationresource_{field}": "on" for field in (
                "id", "name", "acronym", "kind", "country", "sort_name", "website", "email_domains", "affiliation")}})
        assert response.status_code == 200, (fmt, response.content[:300])
        assert response["Content-Type"] != "text/html; charset=utf-8", response.content[:300]
        check_csv(response.content.decode()) if fmt == "csv" else check_xlsx(response.content)


def test_a_finalised_list_with_older_uncleaned_rows_exports_safely(finalisable_letter, sign, coordinator):
    from letters.services.finalise import finalise_letter

    sign("Plain Organisation", target=finalisable_letter)
    finalise_letter(finalisable_letter, by=coordinator)
    snapshot = finalisable_letter.snapshots.get(language="en")
    snapshot.rows = [{**row, "name": HIDDEN, "affiliation": HIDDEN, "kind": "individual"} for row in snapshot.rows]
    snapshot.save()
    signatory_list = lambda: SignatoryList(finalisable_letter, "en")  # noqa: E731
    assert signatory_list().source == "final"
    check_xlsx(export_output(signatory_list(), "xlsx").chunks[0])
    check_docx(export_output(signatory_list(), "docx").chunks[0])
    check_text(render_text(signatory_list(), "lines"), "lines")


# --- the fast paths (issue 11): one check per row must never let through what the per-cell guard would change ---

PLAIN_ROW = ("Réseau Ñandutí 7", "RN7", "Suisse", "CH", "", "Organisations", "Global", "", "Signer", "a@b.example")


@pytest.mark.parametrize("value", [*HOSTILE_VALUES, *HIDDEN_FORMULAS, "a|=b", "x|-", "|+", " ", "'=quoted"])
def test_plain_cells_passes_a_row_only_when_export_cell_would_leave_every_cell_as_it_is(value):
    from letters.text import export_cell, plain_cells

    for position in range(len(PLAIN_ROW)):
        texts = (*PLAIN_ROW[:position], value, *PLAIN_ROW[position + 1:])
        if plain_cells(texts):
            assert [export_cell(text) for text in texts] == list(texts), (value, position)
    assert plain_cells(PLAIN_ROW)
    assert not plain_cells(("Plain", None))  # not text: the slow path, never an error


def test_values_and_the_xlsx_writer_clean_and_neutralise_a_row_that_did_not_come_through_rows(letter):
    """values() and write_xlsx stay safe on their own: a dirty Row handed to them directly is still fixed."""
    from letters.exports import Row
    from letters.resources import signatory_resource, write_xlsx

    dirty = Row(1, "\u200b=SUM(1)", "\x01+A", "CH", "Suisse\u202e", "organisation", "", False, None, None, False, 1,
                "x", None, section="\t@x", region="\x00-1", note="ok")
    cells = signatory_resource(SignatoryList(letter, "en")).values(dirty)
    assert cells[1:4] == ["'=SUM(1)", "'+A", "Suisse"]
    assert cells[-3:] == ["'@x", "'-1", "ok"]

    class OneRow(SignatoryList):
        def rows(self, cleaned=True):
            yield dirty

    buffer = io.BytesIO()
    write_xlsx(OneRow(letter, "en"), buffer)
    check_xlsx(buffer.getvalue())
    assert_neutralised_cells(xlsx_cells(buffer.getvalue()))


def test_clean_row_cleans_a_dirty_field_and_returns_a_clean_row_untouched():
    from letters.exports import Row
    from letters.text import clean_row

    clean = Row(1, "Name", "", "", "CH", "organisation", "", False, None, None, False, 1, "Name", None)
    assert clean_row(clean) is clean and clean.name == "Name"
    dirty = Row(1, "Na\u200bme", "", "", "CH", "organisation", "", False, None, None, False, 1, "Name", None,
                signer_email="a@b\r\n.example", note=None)
    clean_row(dirty)
    assert (dirty.name, dirty.signer_email, dirty.note) == ("Name", "a@b .example", None)
