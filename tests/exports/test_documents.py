"""Ready-to-send documents: DOCX and PDF of a letter version with its list; the PDF fetches nothing."""

import io
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext
from docx import Document

from letters import documents
from letters.exports import SignatoryList
from letters.models import Letter, Organisation

pytestmark = pytest.mark.django_db

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
SEED_000 = "hrc-elections-2021-asia-pacific"


def docx_text(signatory_list, **options):
    buffer = io.BytesIO()
    documents.write_docx(signatory_list, buffer, **options)
    return [paragraph.text for paragraph in Document(io.BytesIO(buffer.getvalue())).paragraphs]


def test_docx_has_the_version_then_the_list(letter, sign):
    sign("Amnesty International", country="XI")
    sign("Ana Abad", kind=Organisation.Kind.INDIVIDUAL, affiliation="University of Geneva")
    version = letter.version("fr")
    version.title, version.body = "Lettre conjointe", "Excellences,\n\nNous **demandons** :\n\n- un vote\n- un rejet"
    version.save()

    text = docx_text(SignatoryList(letter, "fr"), list_layout="numbered")

    assert text[0] == "Lettre conjointe"
    assert "Nous demandons :" in text and "un vote" in text and "un rejet" in text
    with translation.override("fr"):
        heading = gettext("Signatories")
    assert text.index("Sincerely,") < text.index(heading) < text.index("1. Amnesty International")
    assert text[-1] == "2. Ana Abad (University of Geneva)"


def test_pdf_of_seed_000_in_french_first_and_last_page(tmp_path):
    call_command("load_demo", "--no-users", stdout=io.StringIO())
    letter = Letter.objects.get(slug=SEED_000)

    pdf = documents.render_pdf(SignatoryList(letter, "fr"))

    path = tmp_path / "seed000-fr.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Candidats du Groupe Asie Pacifique" in text and "25 mai 2021" in text
    assert text.index("Sincèrement,") < text.index("Amnesty International") < text.index(
        "Urgent Action Fund for Women's Human Rights")
    assert "BALAOD Mindanaw" in text and "BALAOOD" not in text
    pages = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
        if line.startswith("Pages:")))
    SCREENSHOTS.mkdir(exist_ok=True)
    for page, name in ((1, "exports-pdf-seed000-fr-first"), (pages, "exports-pdf-seed000-fr-last")):
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-singlefile", "-f", str(page), "-l", str(page), str(path),
                        str(SCREENSHOTS / name)], check=True)
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 5000


def test_the_pdf_fetches_nothing(letter, sign, monkeypatch):
    """Even markup that asks for a remote image or stylesheet is refused, and the PDF still renders."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    asked = []
    monkeypatch.setattr(documents, "refuse_fetch", lambda url: asked.append(url) or (_ for _ in ()).throw(
        documents.RemoteFetchRefused(url)))
    monkeypatch.setattr(URLFetcher, "open", lambda *a, **k: pytest.fail("a resource was fetched"))
    sign("Amnesty International")
    html = ('<link rel="stylesheet" href="http://127.0.0.1:9/x.css"><img src="http://127.0.0.1:9/logo.png">'
            '<p style="background: url(file:///etc/passwd)">text</p>')

    pdf = HTML(string=html, base_url=None, url_fetcher=documents._refusing_fetcher()).write_pdf()
    letter_pdf = documents.render_pdf(SignatoryList(letter, "en"))

    assert pdf.startswith(b"%PDF") and letter_pdf.startswith(b"%PDF")
    assert "http://127.0.0.1:9/logo.png" in asked and "file:///etc/passwd" in asked
