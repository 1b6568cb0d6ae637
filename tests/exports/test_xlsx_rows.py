"""The XLSX writer's plain rows (letters/xlsx_rows.py) are the XML XlsxWriter would write for them, and the rows it
hands back to XlsxWriter keep their place: what a coordinator opens in a spreadsheet is the same either way."""

import io
import zipfile

import openpyxl
import pytest

from letters import xlsx_rows
from letters.exports import SignatoryList
from letters.models import Organisation
from letters.resources import write_xlsx

pytestmark = pytest.mark.django_db

TRICKY = [
    "Amnesty & Friends <Geneva>", "Réseau “Femmes” d’Afrique", "人权观察", "مركز القاهرة", "Мемориал",
    "=SUM(1)", "@risky", "Plain Org", "Org; with, punctuation|and bars", "Ñandutí 🌱",
]


def _sheet(signatory_list, *, inline=True, monkeypatch=None):
    if not inline:
        monkeypatch.setattr(xlsx_rows.InlineRows, "for_sheet", classmethod(lambda cls, sheet, width: None))
    buffer = io.BytesIO()
    write_xlsx(signatory_list, buffer)
    if not inline:
        monkeypatch.undo()
    return buffer.getvalue()


def _sheet_xml(content):
    return zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")


def _cells(content):
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("contacts", [False, True])
def test_plain_rows_are_written_byte_for_byte_as_xlsxwriter_writes_them(letter, sign, monkeypatch, contacts):
    for number, name in enumerate(TRICKY):
        sign(name, lead=number == 3)
    sign("Jane Doe", kind=Organisation.Kind.INDIVIDUAL, affiliation="University of Geneva & CERN")
    signatory_list = SignatoryList(letter, "fr", include_contacts=contacts)

    ours, theirs = _sheet(signatory_list), _sheet(signatory_list, inline=False, monkeypatch=monkeypatch)

    assert _sheet_xml(ours) == _sheet_xml(theirs)
    rows = _cells(ours)
    assert len(rows) == 1 + len(TRICKY) + 1  # the header row, then every name
    assert "Amnesty & Friends <Geneva>" in {row[1] for row in rows} and "'=SUM(1)" in {row[1] for row in rows}


def test_rows_handed_to_xlsxwriter_keep_their_place_between_plain_rows(letter, sign, monkeypatch):
    sign("Alpha Network")
    sign("Beta _x0041_ Forum")  # "_xHHHH_" is Excel's escape for control characters: escaped in turn
    sign("Gamma Centre")
    control = sign("Delta Alliance")
    sign("Epsilon Union")
    Organisation.objects.filter(pk=control.organisation_id).update(acronym="\x02@SUM(1)")  # an old, uncleaned row
    signatory_list = SignatoryList(letter, "en")

    ours = _sheet(signatory_list)

    assert _sheet_xml(ours) == _sheet_xml(_sheet(signatory_list, inline=False, monkeypatch=monkeypatch))
    rows = _cells(ours)[1:]
    assert [row[0] for row in rows] == [1, 2, 3, 4, 5]
    # Excel reads "_x005F_x0041_" back as the literal "_x0041_"; openpyxl does not decode that escape.
    assert [row[1] for row in rows] == [
        "Alpha Network", "Beta _x005F_x0041_ Forum", "Delta Alliance", "Epsilon Union", "Gamma Centre",
    ]
    assert rows[2][2] == "'@SUM(1)"  # neutralised, the control character gone


MARKUP = '<r><t>x</t></r></is></c><c r="Z2"><f>HYPERLINK("http://evil.example","x")</f></c><c><is><r></r>'


def test_a_name_that_looks_like_xlsx_markup_stays_text_and_opens_no_formula(letter, sign, monkeypatch):
    # XlsxWriter writes a cell reading "<r>…</r>" as raw XML (a rich string): ours escapes it, and the rows that
    # still go through XlsxWriter mark such a cell as text, as a neutralised formula is marked.
    sign(MARKUP)

    for inline in (True, False):
        content = _sheet(SignatoryList(letter, "en"), inline=inline, monkeypatch=monkeypatch)
        rows = _cells(content)
        assert rows[1][1] == (MARKUP if inline else "'" + MARKUP)
        assert b"<f>" not in _sheet_xml(content) and all(len(row) == len(rows[0]) for row in rows)


def test_every_row_goes_through_xlsxwriter_when_its_internals_are_missing(letter, sign, monkeypatch):
    for name in TRICKY:
        sign(name)
    monkeypatch.setattr(xlsx_rows, "INTERNALS", (*xlsx_rows.INTERNALS, "an_attribute_no_version_has"))

    rows = _cells(_sheet(SignatoryList(letter, "en")))

    assert [row[0] for row in rows[1:]] == list(range(1, len(TRICKY) + 1))
