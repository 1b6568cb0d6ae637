"""Documents in the six UN languages: the PDF draws Arabic and Chinese with fonts that have their glyphs (Noto),
Arabic runs right to left in the PDF and the DOCX with Latin names intact, and the list's words are the version's.
The PDFs' first pages are rendered to PNG in screenshots/ to be looked at."""

import io
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn

from letters import documents
from letters.exports import SignatoryList
from letters.layouts import text_direction
from letters.models import Letter, Organisation
from tests.factories import LetterVersionFactory

pytestmark = pytest.mark.django_db

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
SEED_000 = "hrc-elections-2021-asia-pacific"
CAIRO = "مركز القاهرة لدراسات حقوق الإنسان"
CHRD = "中国人权捍卫者"
HRIC = "Human Rights in China (HRIC)"
# Invisible direction marks: ours in the DOCX, and the embeddings pdftotext adds around each run of the other direction.
MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def world(letter, sign):
    """The letter with Arabic and Chinese versions that word nothing themselves, signed by organisations whose
    names are in Arabic, Chinese and Latin script, an individual, and one that may not be named."""
    LetterVersionFactory(letter=letter, language="ar", title="رسالة مشتركة بشأن المدافعين عن حقوق الإنسان",
                         addressee="إلى: الدول الأعضاء في مجلس حقوق الإنسان", date_line="1 كانون الأول/ديسمبر 2026",
                         body="أصحاب السعادة،\n\nنطلب منكم **حماية** المدافعين عن حقوق الإنسان.",
                         closing="مع خالص التقدير،")
    LetterVersionFactory(letter=letter, language="zh", title="关于人权捍卫者的联名信", addressee="致：人权理事会成员国",
                         date_line="2026年12月1日", body="各位阁下：\n\n我们请各国**保护**人权捍卫者。", closing="此致敬礼")
    sign(CAIRO, country="EG")
    sign(CHRD, country="CN")
    sign(HRIC, country="US")
    sign("Amnesty International", country="XI")
    sign("Ana Abad", kind=Organisation.Kind.INDIVIDUAL, affiliation="University of Geneva")
    sign("Unnamed partner", consent=False)
    return letter


def pdf_file(signatory_list, path):
    path.write_bytes(documents.render_pdf(signatory_list))
    return path


def pdf_fonts(path):
    """The names of the fonts embedded in the PDF, without their subset prefix and hyphens: "NotoNaskhArabic"."""
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return " ".join(line.split()[0].split("+")[-1].replace("-", "") for line in listing.splitlines()[2:])


def pdf_text(path):
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return MARKS.sub("", text)


def line_as_drawn(path, first_word):
    """The words of the line that holds `first_word`, left to right as drawn on the page: pdftotext's own text
    reorders a Latin line in an Arabic page (")Human Rights in China (HRIC"), the glyphs' positions do not."""
    listing = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    words = [(float(y), float(x), word) for x, y, word in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', listing)]
    line = next(y for y, _x, word in words if word == first_word)
    return " ".join(word for y, _x, word in sorted(words, key=lambda w: w[1]) if abs(y - line) < 1)


def look_at(path, name):
    """The first page as a PNG in screenshots/, for a person (or a reviewer) to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", "-f", "1", "-l", "1", str(path),
                    str(SCREENSHOTS / name)], check=True)
    assert (SCREENSHOTS / f"{name}.png").stat().st_size > 5000


def docx(signatory_list):
    buffer = io.BytesIO()
    documents.write_docx(signatory_list, buffer)
    return Document(io.BytesIO(buffer.getvalue()))


def test_a_text_has_the_direction_of_its_first_letter_with_one():
    assert [text_direction(text) for text in (CAIRO, CHRD, HRIC, "12. ", "١٢ (CIHRS)")] == [
        "rtl", "ltr", "ltr", None, "ltr"]


def test_the_pdf_of_the_arabic_version_draws_arabic_with_noto_right_to_left(world, tmp_path):
    path = pdf_file(SignatoryList(world, "ar"), tmp_path / "world-ar.pdf")

    fonts = pdf_fonts(path)
    assert "NotoNaskhArabic" in fonts or "NotoSansArabic" in fonts
    text = pdf_text(path)
    assert "رسالة مشتركة بشأن المدافعين" in text and CAIRO in text and CHRD in text
    assert line_as_drawn(path, "Human") == HRIC  # a Latin name in an Arabic list keeps its brackets in place
    assert line_as_drawn(path, "Abad") == "Ana Abad (University of Geneva)"
    html = documents.render_to_string("letters/documents/letter.html", {
        **documents.document_context(SignatoryList(world, "ar")), "fonts": documents.font_stacks("ar")})
    assert 'dir="rtl"' in html and "direction: rtl" in html
    look_at(path, "exports-pdf-i18n-ar-mixed-names")


def test_the_pdf_of_the_chinese_version_draws_chinese_with_noto_cjk(world, tmp_path):
    path = pdf_file(SignatoryList(world, "zh"), tmp_path / "world-zh.pdf")

    assert "NotoSerifCJK" in pdf_fonts(path) or "NotoSansCJK" in pdf_fonts(path)
    text = pdf_text(path)
    assert "关于人权捍卫者的联名信" in text and CHRD in text and CAIRO in text and HRIC in text
    look_at(path, "exports-pdf-i18n-zh-mixed-names")


@pytest.mark.parametrize("language, title, font", [
    ("ar", "مرشحو مجموعة آسيا والمحيط الهادئ", "Arabic"),
    ("zh", "亚太集团2021年联合国人权理事会选举候选国", "CJK"),
    ("ru", "Кандидаты Группы государств Азии и Тихого океана", "DejaVu"),
])
def test_the_demo_letter_in_arabic_chinese_and_russian_as_pdf(language, title, font, tmp_path):
    call_command("load_demo", "--no-users", stdout=io.StringIO())
    letter = Letter.objects.get(slug=SEED_000)

    path = pdf_file(SignatoryList(letter, language), tmp_path / f"seed000-{language}.pdf")

    assert font in pdf_fonts(path)
    text = pdf_text(path)
    heading = letter.version(language).signatories_label
    assert title in " ".join(text.split()) and heading in text
    assert "Asian Forum for Human Rights and Development (FORUM-ASIA)" in text
    assert "Commonwealth Human Rights Initiative (CHRI)" in text
    look_at(path, f"exports-pdf-i18n-seed000-{language}")


def test_the_docx_of_the_arabic_version_runs_right_to_left_with_latin_names_intact(world):
    document = docx(SignatoryList(world, "ar"))

    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    for paragraph in document.paragraphs:
        properties = paragraph._p.pPr
        assert properties is not None and properties.find(qn("w:bidi")) is not None, paragraph.text
        # Word reads jc "right" in a bidi paragraph as its end (the left margin): only the date line has it, as the
        # PDF prints it at the end; every other paragraph starts, and is aligned, at the right margin.
        if paragraph.text == "1 كانون الأول/ديسمبر 2026":
            assert paragraph.alignment == documents_alignment("RIGHT")
        else:
            assert paragraph.alignment is None, paragraph.text
        # The schema's order: w:pStyle first (Word rejects a w:bidi before it).
        assert properties[0].tag in (qn("w:pStyle"), qn("w:bidi"))
    assert section._sectPr.find(qn("w:bidi")).getnext().tag == qn("w:docGrid")

    runs = {run.text: run for paragraph in document.paragraphs for run in paragraph.runs}
    title = "رسالة مشتركة بشأن المدافعين عن حقوق الإنسان"
    assert runs[title].font.rtl and runs[CAIRO].font.rtl
    assert runs["حماية"].bold and runs["حماية"]._r.rPr.find(qn("w:bCs")) is not None  # bold in Arabic script
    texts = [MARKS.sub("", paragraph.text) for paragraph in document.paragraphs]
    assert HRIC in texts and "Amnesty International" in texts and CHRD in texts
    hric = next(run for text, run in runs.items() if MARKS.sub("", text) == HRIC)
    assert not hric.font.rtl and hric.text == HRIC + "\u200e"  # its ")" stays at its end in any editor
    assert not runs["Amnesty International"].font.rtl
    unnamed = next(run for run in runs.values() if run.italic)
    assert unnamed.font.rtl and unnamed._r.rPr.find(qn("w:iCs")) is not None


def documents_alignment(name):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    return getattr(WD_ALIGN_PARAGRAPH, name)


def test_the_docx_of_the_chinese_version_is_chinese_left_to_right(world):
    document = docx(SignatoryList(world, "zh"))

    assert not any(paragraph._p.pPr is not None and paragraph._p.pPr.find(qn("w:bidi")) is not None
                   for paragraph in document.paragraphs)
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"  # Han characters drawn as Chinese
    texts = [MARKS.sub("", paragraph.text) for paragraph in document.paragraphs]
    assert "关于人权捍卫者的联名信" in texts and CHRD in texts and CAIRO in texts and HRIC in texts
    cairo = next(run for paragraph in document.paragraphs for run in paragraph.runs if CAIRO in run.text)
    assert cairo.font.rtl  # an Arabic name in a left-to-right list is still laid out right to left


def test_the_list_words_are_the_versions_own_else_the_catalogue_of_its_language(world, monkeypatch):
    version = world.version("ar")
    version.signatories_label, version.organisations_label = "الموقعون", "المنظمات"
    version.individuals_label = "الأفراد (الانتماء لأغراض التعريف فقط)"
    version.unnamed_label = "ومنظمات لا يمكن ذكر أسمائها لأسباب أمنية: {count}"
    version.save()

    texts = [paragraph.text for paragraph in docx(SignatoryList(world, "ar")).paragraphs]
    assert {"الموقعون", "المنظمات", "الأفراد (الانتماء لأغراض التعريف فقط)",
            "ومنظمات لا يمكن ذكر أسمائها لأسباب أمنية: 1"} <= set(texts)
    assert "Signatories" not in texts

    # Without its own words, the Chinese version reads the interface's Chinese catalogue (zh-hans), not "zh"
    # (which Django has not: it would print English even once the catalogue is translated).
    monkeypatch.setattr(documents, "gettext", lambda message: f"[{translation.get_language()}] {message}")
    assert documents.document_context(SignatoryList(world, "zh"))["signatories_heading"] == "[zh-hans] Signatories"
