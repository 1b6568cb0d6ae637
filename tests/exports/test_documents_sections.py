"""DOCX and PDF of a sectioned letter with individuals, in a language the interface does not have (Italian):
the version's own words, the section headings in Italian, numbering restarting per section. The PDF's pages are
rendered to PNG in screenshots/ to be looked at."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from letters import documents
from letters.exports import SignatoryList
from letters.models import Letter, Organisation, Section
from tests.factories import LetterVersionFactory

pytestmark = pytest.mark.django_db

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture
def italian(letter, sign):
    LetterVersionFactory(letter=letter, language="it", title="Lettera congiunta sul clima",
                         addressee="Agli Stati membri del Consiglio dei diritti umani", date_line="1 dicembre 2026",
                         body="Eccellenze,\n\nChiediamo **un'azione urgente** sul clima.", closing="Distinti saluti,",
                         signatories_label="Firmatari", unnamed_label="e {count} organizzazioni che non possono "
                         "essere nominate per motivi di sicurezza")
    letter.numbering = Letter.Numbering.PER_SECTION
    letter.save()
    sections = [Section.objects.create(letter=letter, position=n, kind=kind, headings={"en": en, "it": it})
                for n, (kind, en, it) in enumerate([
                    ("organisation", "International organisations", "Organizzazioni internazionali"),
                    ("organisation", "National organisations", "Organizzazioni nazionali"),
                    ("individual", "Individuals", "Persone (affiliazione solo a fini identificativi)")], start=1)]
    for name, section, kind, affiliation in (
            ("Greenpeace International", 0, Organisation.Kind.ORGANISATION, ""),
            ("Oxfam International", 0, Organisation.Kind.ORGANISATION, ""),
            ("Legambiente", 1, Organisation.Kind.ORGANISATION, ""),
            ("Associazione A Sud", 1, Organisation.Kind.ORGANISATION, ""),
            ("Giulia Rossi", 2, Organisation.Kind.INDIVIDUAL, "giornalista, Roma"),
            ("Prof. Marco Bianchi", 2, Organisation.Kind.INDIVIDUAL, "Università di Bologna")):
        signature = sign(name, kind=kind, affiliation=affiliation, country="IT")
        signature.section = sections[section]
        signature.save()
    sign("Gruppo anonimo", consent=False)
    return letter


def test_docx_in_italian_prints_the_sections_and_the_versions_own_words(italian, tmp_path):
    buffer = io.BytesIO()
    documents.write_docx(SignatoryList(italian, "it", "manual"), buffer, list_layout="numbered")
    text = [p.text for p in Document(io.BytesIO(buffer.getvalue())).paragraphs]
    _render_docx_for_a_look(buffer.getvalue(), tmp_path)

    assert text[0] == "Lettera congiunta sul clima"
    assert text.index("Firmatari") < text.index("Organizzazioni internazionali") < text.index(
        "Organizzazioni nazionali") < text.index("Persone (affiliazione solo a fini identificativi)")
    assert "1. Greenpeace International" in text and "1. Legambiente" in text
    assert "1. Giulia Rossi (giornalista, Roma)" in text
    assert "e 1 organizzazioni che non possono essere nominate per motivi di sicurezza" in text
    assert "Signatories" not in text and "Organisations" not in text


def test_pdf_in_italian_prints_the_sections_and_is_rendered_for_a_look(italian, tmp_path):
    path = tmp_path / "lettera-it.pdf"
    path.write_bytes(documents.render_pdf(SignatoryList(italian, "it", "manual"), "numbered"))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout

    assert text.index("Firmatari") < text.index("Organizzazioni internazionali") < text.index(
        "Organizzazioni nazionali") < text.index("Persone (affiliazione")
    assert "Giulia Rossi (giornalista, Roma)" in text
    SCREENSHOTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(path), str(SCREENSHOTS / "lists-pdf-sections-it")],
                   check=True)
    assert any(SCREENSHOTS.glob("lists-pdf-sections-it*.png"))


def _render_docx_for_a_look(data, folder):
    """Where LibreOffice is installed (not needed by the suite): DOCX → PDF → PNG in screenshots/."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return
    source = folder / "lettera-it.docx"
    source.write_bytes(data)
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                   capture_output=True, timeout=120, check=False)
    if (folder / "lettera-it.pdf").exists():
        SCREENSHOTS.mkdir(exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "70", str(folder / "lettera-it.pdf"),
                        str(SCREENSHOTS / "lists-docx-sections-it")], check=True)


def test_docx_is_a4_with_the_letters_own_properties(italian):
    from docx.shared import Cm

    buffer = io.BytesIO()
    documents.write_docx(SignatoryList(italian, "it"), buffer)
    document = Document(io.BytesIO(buffer.getvalue()))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert document.core_properties.title == "Lettera congiunta sul clima"
    assert "python-docx" not in (document.core_properties.author + document.core_properties.comments)
    assert abs(section.left_margin - Cm(2.2)) < Cm(0.01)


def test_docx_of_a_right_to_left_version_runs_right_to_left(letter, sign):
    from docx.oxml.ns import qn

    LetterVersionFactory(letter=letter, language="fa", title="نامه مشترک", body="عالیجنابان،")
    sign("ARTICLE 19")
    buffer = io.BytesIO()
    documents.write_docx(SignatoryList(letter, "fa"), buffer)
    document = Document(io.BytesIO(buffer.getvalue()))
    assert all(p._p.pPr is not None and p._p.pPr.find(qn("w:bidi")) is not None for p in document.paragraphs)


@pytest.mark.parametrize(("paper", "docx_cm", "pdf_points"), [
    ("a4", (21.0, 29.7), "595.276 x 841.89 pts (A4)"),
    ("letter", (21.6, 27.9), "612 x 792 pts (letter)"),
])
def test_pdf_and_docx_follow_the_letters_paper_size(italian, tmp_path, paper, docx_cm, pdf_points):
    italian.paper_size = paper
    italian.save(update_fields=["paper_size"])

    buffer = io.BytesIO()
    documents.write_docx(SignatoryList(italian, "it"), buffer)
    section = Document(io.BytesIO(buffer.getvalue())).sections[0]
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(documents.render_pdf(SignatoryList(italian, "it")))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout

    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == docx_cm
    assert pdf_points in info
