"""Files that leave the system: every layout's content, type and name (export_output), and the ready-to-send
documents — one language version of a letter followed by its signatory list — as DOCX and PDF.

All render from exports.SignatoryList (the one export path). The PDF is WeasyPrint on an HTML template
(templates/letters/documents/letter.html) and never fetches anything: no base URL and a URL fetcher that refuses
every address, so a link or image in a letter body cannot make the server call out.
"""

import copy
import io
import logging
import re
from dataclasses import dataclass
from typing import Iterable

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext

from letters.exports import TEXT_LAYOUTS, ExportError
from letters.layouts import iter_text, text_direction
from letters.markdown import render_markdown
from letters.models.letters import interface_language
from letters.resources import iter_csv, iter_json, write_xlsx

DOCUMENT_LIST_LAYOUTS = ("lines", "numbered", "name-country", "name-dash", "name-paren")


class RemoteFetchRefused(Exception):
    pass


def refuse_fetch(url, *args, **kwargs):
    """Nothing is fetched, neither remote nor local: the template's styles are inline and it has no images."""
    raise RemoteFetchRefused(url)


def _refusing_fetcher():
    from weasyprint.urls import URLFetcher

    class RefusingFetcher(URLFetcher):
        # WeasyPrint catches the refusal and leaves the resource out (fail_on_errors is off).
        def fetch(self, url, headers=None):
            return refuse_fetch(url)

    return RefusingFetcher(allowed_protocols=(), allow_redirects=False)


def list_blocks(signatory_list, list_layout="lines"):
    """The list as blocks for a document: {"heading": text} / {"names": [...]} / {"unnamed": text}."""
    blocks, names = [], None
    for kind, value in signatory_list.events():
        if kind == "row":
            if names is None:
                names = []
                numbered = list_layout == "numbered" or signatory_list.numbers
                blocks.append({"names": names, "numbered": numbered, "start": value.position})
            names.append(_item(value, list_layout, signatory_list))
        else:
            names = None
            blocks.append({kind: value})
    return blocks


def _item(row, list_layout, signatory_list):
    from letters.layouts import entry_text

    return entry_text(row, list_layout, signatory_list.affiliation_style)


# Font stacks for the PDF (templates/letters/documents/letter.html): the fonts Debian installs for each script
# (fonts-dejavu-core, fonts-noto-core, fonts-noto-cjk; scripts/ensure-system-deps and the Dockerfile), the version's
# script first. DejaVu holds Latin, Greek and Cyrillic; Noto holds Arabic, Hebrew and CJK. Every stack names them
# all, because names keep their own script in every version (an Arabic name in the English list, and the reverse).
_SERIF = {"latin": '"DejaVu Serif", "Liberation Serif", "Noto Serif"', "arabic": '"Noto Naskh Arabic"',
          "hebrew": '"Noto Serif Hebrew"', "zh": '"Noto Serif CJK SC"', "ja": '"Noto Serif CJK JP"',
          "ko": '"Noto Serif CJK KR"'}
_SANS = {"latin": '"DejaVu Sans", "Liberation Sans", "Noto Sans"', "arabic": '"Noto Sans Arabic"',
         "hebrew": '"Noto Sans Hebrew"', "zh": '"Noto Sans CJK SC"', "ja": '"Noto Sans CJK JP"',
         "ko": '"Noto Sans CJK KR"'}
_SCRIPTS = {**dict.fromkeys(("ar", "fa", "ur", "ps", "ckb", "sd", "ug"), "arabic"),
            **dict.fromkeys(("he", "yi"), "hebrew"), "zh": "zh", "ja": "ja", "ko": "ko"}


def font_stacks(language):
    """{"serif": …, "sans": …}: CSS font-family lists with the fonts of `language`'s script first."""
    first = _SCRIPTS.get(language.split("-")[0], "latin")
    order = [first] + [script for script in _SERIF if script != first]
    return {"serif": ", ".join(_SERIF[script] for script in order) + ", serif",
            "sans": ", ".join(_SANS[script] for script in order) + ", sans-serif"}


def document_context(signatory_list, list_layout="lines"):
    version = signatory_list.letter.version(signatory_list.language)
    version = version and version.clean_texts()  # DOCX (XML) cannot hold control characters: clean older rows
    # The document's own words are in the version's language: the interface catalogue of that language (the
    # letter language "zh" reads the interface's "zh-hans"), unless the version words the list itself.
    with translation.override(interface_language(signatory_list.language)):
        heading = (version and version.signatories_label) or gettext("Signatories")
        bidi = translation.get_language_bidi()
        blocks = list_blocks(signatory_list, list_layout)
        revision_line = _revision_line(version)
    return {
        "revision_line": revision_line,
        "letter": signatory_list.letter,
        "version": version,
        "language": signatory_list.language,
        "bidi": bidi,
        "direction": "rtl" if bidi else "ltr",
        "body": render_markdown(version.body if version else ""),
        "signatories_heading": heading,
        "blocks": blocks,
        "long_list": signatory_list.count() > 30,
        "paper": PAPER_SIZES[signatory_list.letter.paper_size],
    }


def _revision_line(version):
    """"Text: revision 3 of 24 Nov 2026" (in the version's language) once the text has changed after opening,
    so that a document says which text its signatories signed; "" while it is the first text."""
    latest = version.revisions.order_by("-number").first() if version else None
    if latest is None or latest.number < 2:
        return ""
    return gettext("Text: revision %(number)s of %(date)s") % {
        "number": latest.number, "date": date_format(localtime(latest.created_at), "DATE_FORMAT")}


# Page size and margins per Letter.PaperSize: (width, height) in cm and the PDF's @page size keyword.
PAPER_SIZES = {"a4": {"cm": (21.0, 29.7), "css": "A4"}, "letter": {"cm": (21.59, 27.94), "css": "letter"}}


def render_pdf(signatory_list, list_layout="lines"):
    """PDF bytes of the letter in the list's language with the list under it."""
    # WeasyPrint logs every step at INFO (even on import): noise in the server log for each download.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML

    context = document_context(signatory_list, list_layout)
    context["fonts"] = font_stacks(signatory_list.language)
    for block in context["blocks"]:
        if "names" in block:
            # Each name in its own direction (<bdi dir>): "Human Rights in China (HRIC)" in an Arabic list.
            block["entries"] = [(name, text_direction(name) or context["direction"]) for name in block["names"]]
    html = render_to_string("letters/documents/letter.html", context)
    return HTML(string=html, base_url=None, url_fetcher=_refusing_fetcher()).write_pdf()


# --- DOCX -----------------------------------------------------------------------------------------------------

_INLINE = re.compile(r"(\*\*[^*]+\*\*|\*[^*]+\*|__[^_]+__|_[^_]+_)")
_BULLET = re.compile(r"^\s*[-*+]\s+")
_NUMBER = re.compile(r"^\s*\d+[.)]\s+")
_HEADING = re.compile(r"^(#{1,6})\s+")


def write_docx(signatory_list, stream, list_layout="lines"):
    """Write a DOCX of the letter in the list's language with the list under it to a binary stream."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    context = document_context(signatory_list, list_layout)
    version, document = context["version"], Document()
    document.add_heading(version.title if version else signatory_list.letter.title, level=1)
    if version and version.date_line:
        document.add_paragraph(version.date_line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if version and version.addressee:
        _add_runs(document.add_paragraph(), version.addressee.replace("\n", " "), bold=True)
    _add_markdown(document, version.body if version else "")
    if version and version.closing:
        document.add_paragraph(version.closing)
    if context["revision_line"]:
        document.add_paragraph(context["revision_line"])
    document.add_heading(context["signatories_heading"], level=2)
    for block in context["blocks"]:
        _add_block(document, block, context["direction"])
    _set_up(document, signatory_list, context)
    document.save(stream)


def _set_up(document, signatory_list, context):
    """The letter's paper size (A4 unless it says US Letter) with the PDF's margins, the letter's own document properties
    instead of python-docx's defaults, the version's language, and right-to-left paragraphs for Arabic, Farsi,
    Hebrew… versions."""
    from docx.shared import Cm

    for section in document.sections:
        width, height = context["paper"]["cm"]
        section.page_width, section.page_height = Cm(width), Cm(height)
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin = section.bottom_margin = Cm(2.0)
    properties = document.core_properties
    version = context["version"]
    properties.title = version.title if version else signatory_list.letter.title
    properties.author = properties.last_modified_by = "Coalition"
    properties.language = signatory_list.language
    properties.comments = properties.subject = properties.keywords = ""
    _set_language(document, signatory_list.language, context["bidi"])
    _set_directions(document, context["bidi"])


# Word picks fonts (and Han glyph shapes) by the text's language: Chinese must not be drawn as Japanese.
_WORD_LANGUAGES = {"zh": "zh-CN", "ja": "ja-JP", "ko": "ko-KR"}


def _set_language(document, language, bidi):
    """The document's default language (docDefaults): Word's spelling, hyphenation and font choice by script."""
    from docx.oxml.ns import qn

    tag = _WORD_LANGUAGES.get(language, language)
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = defaults.find(qn("w:lang"))
    if lang is None:
        lang = defaults.makeelement(qn("w:lang"), {})
        defaults.append(lang)  # the last of the template's default run properties
    slot = "w:bidi" if bidi else "w:eastAsia" if language in _WORD_LANGUAGES else "w:val"
    lang.set(qn(slot), tag)


# In a w:bidi paragraph, Word reads w:jc "left"/"right" as its start/end: a paragraph with no w:jc starts at the
# right margin, and the date line (jc "right", as in the PDF's text-align: end) goes to the left one.
_AFTER_PARAGRAPH_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                         "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                         "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                         "w:pPrChange")
_AFTER_SECTION_BIDI = ("w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")


def _set_directions(document, bidi):
    """Right-to-left documents: every paragraph and the section run right to left (w:bidi), and each run whose text
    is right to left, or has no direction of its own (numbers, punctuation), is marked w:rtl, with its bold and
    italics for complex scripts (Word draws Arabic with w:bCs/w:iCs, not w:b/w:i). Runs of Latin text stay
    left to right: Word lays out their brackets and full stops left to right (the names of an Arabic list).
    Left-to-right documents: runs of right-to-left text (an Arabic name in the English list) are marked w:rtl.
    Elements go in the schema's order (Word refuses a file whose w:bidi comes before w:pStyle)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    body = document.element.body
    for paragraph in body.iter(qn("w:p")):
        if bidi:
            properties = paragraph.get_or_add_pPr()
            if properties.find(qn("w:bidi")) is None:
                properties.insert_element_before(OxmlElement("w:bidi"), *_AFTER_PARAGRAPH_BIDI)
        for run in paragraph.iter(qn("w:r")):
            direction = text_direction("".join(text.text or "" for text in run.iter(qn("w:t"))))
            if direction == "rtl" or (bidi and direction is None):
                _run_right_to_left(run)
    if bidi:
        for section in document.sections:
            if section._sectPr.find(qn("w:bidi")) is None:
                section._sectPr.insert_element_before(OxmlElement("w:bidi"), *_AFTER_SECTION_BIDI)


def _run_right_to_left(run):
    properties = run.get_or_add_rPr()
    properties.get_or_add_rtl()
    if properties.b is not None and properties.b.val:
        properties.get_or_add_bCs()
    if properties.i is not None and properties.i.val:
        properties.get_or_add_iCs()


def _add_block(document, block, direction):
    if "heading" in block:
        document.add_heading(block["heading"], level=3)
    elif "unnamed" in block:
        document.add_paragraph().add_run(block["unnamed"]).italic = True
    else:
        # Plain text numbers rather than Word's list numbering: they survive copy and paste unchanged.
        names = [_keep_direction(name, direction) for name in block["names"]]
        texts = [f"{number}. {name}" if block["numbered"] else name
                 for number, name in enumerate(names, start=block["start"])]
        _add_list_paragraphs(document, texts, bidi=direction == "rtl")


_MARKS = {"ltr": "\u200e", "rtl": "\u200f"}  # LEFT-TO-RIGHT MARK, RIGHT-TO-LEFT MARK (invisible)


def _keep_direction(name, direction):
    """A name written in the other direction than the document's ("Human Rights in China (HRIC)" in an Arabic
    list), with an invisible mark of its own direction where it begins or ends with punctuation: without it,
    editors that apply the Unicode bidi algorithm to the whole paragraph (LibreOffice, Google Docs) move the
    closing bracket to the other end ("(Human Rights in China (HRIC"). Word needs no mark (the run is not rtl)."""
    own = text_direction(name)
    if own is None or own == direction:
        return name
    mark = _MARKS[own]
    if text_direction(name[:1]) != own:
        name = mark + name
    if text_direction(name[-1:]) != own:
        name += mark
    return name


def _add_list_paragraphs(document, texts, bidi=False):
    """One paragraph per name, each a copy of the first placed after the previous one: add_paragraph() looks
    for the end of the body every time, which makes a 100,000-name list take minutes. In a right-to-left
    document the copies are right to left already (_set_directions then only marks the runs)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if not texts:
        return
    template = previous = document.add_paragraph(" ", style="No Spacing")._p  # " ": an empty text has no run
    if bidi:
        template.get_or_add_pPr().insert_element_before(OxmlElement("w:bidi"), *_AFTER_PARAGRAPH_BIDI)
    template.find(qn("w:r")).find(qn("w:t")).text = texts[0]
    for text in texts[1:]:
        element = copy.deepcopy(template)
        element.find(qn("w:r")).find(qn("w:t")).text = text  # names are one clean line: no tabs or breaks
        previous.addnext(element)
        previous = element


def _add_markdown(document, text):
    """The small Markdown subset letters use: paragraphs, headings, bullet and numbered lists, bold, italics."""
    for paragraph in re.split(r"\n\s*\n", (text or "").strip()):
        lines = paragraph.split("\n")
        if all(_BULLET.match(line) for line in lines):
            for line in lines:
                _add_runs(document.add_paragraph(style="List Bullet"), _BULLET.sub("", line))
        elif all(_NUMBER.match(line) for line in lines):
            for line in lines:
                _add_runs(document.add_paragraph(style="List Number"), _NUMBER.sub("", line))
        elif _HEADING.match(paragraph):
            level = len(_HEADING.match(paragraph).group(1))
            document.add_heading(_HEADING.sub("", paragraph).replace("\n", " "), level=min(level + 1, 4))
        elif paragraph:
            _add_runs(document.add_paragraph(), " ".join(line.strip() for line in lines))


def _add_runs(paragraph, text, bold=False):
    for part in _INLINE.split(text):
        if not part:
            continue
        strong = part[:2] in ("**", "__") and part[-2:] == part[:2] and len(part) > 4
        emphasis = not strong and part[:1] in ("*", "_") and part[-1:] == part[:1] and len(part) > 2
        run = paragraph.add_run(part[2:-2] if strong else part[1:-1] if emphasis else part)
        run.bold = bold or strong or None
        run.italic = emphasis or None


def document_filename(signatory_list, extension):
    suffix = "-addendum" if signatory_list.source == "addendum" else ""
    return f"{signatory_list.letter.slug}-{signatory_list.language}{suffix}.{extension}"


@dataclass
class Output:
    chunks: Iterable  # str chunks for text formats, one bytes chunk for binary ones
    content_type: str
    filename: str
    binary: bool


TEXT_TYPES = {"html": ("text/html", "html"), "markdown": ("text/markdown", "md")}
BINARY_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def export_output(signatory_list, layout, list_layout="lines", bom=False, progress=None):
    """The list in `layout`, ready to send to a browser or a file (the dashboard, the admin and the CLI).

    `progress(rows_done)`: called now and then while an XLSX is written (background exports, letters.tasks).
    """
    base = document_filename(signatory_list, "")[:-1]
    if layout in TEXT_LAYOUTS:
        content_type, extension = TEXT_TYPES.get(layout, ("text/plain", "txt"))
        return Output(iter_text(signatory_list, layout), f"{content_type}; charset=utf-8",
                      f"{base}-{layout}.{extension}", False)
    if layout == "csv":
        return Output(iter_csv(signatory_list, bom=bom), "text/csv; charset=utf-8", f"{base}.csv", False)
    if layout == "json":
        return Output(iter_json(signatory_list), "application/json", f"{base}.json", False)
    if layout not in BINARY_TYPES:
        raise ExportError(gettext("Unknown layout “%(layout)s”.") % {"layout": layout})
    return Output([_binary(signatory_list, layout, list_layout, progress)], BINARY_TYPES[layout],
                  f"{base}.{layout}", True)


def _binary(signatory_list, layout, list_layout, progress=None):
    if layout == "pdf":
        return render_pdf(signatory_list, list_layout)
    buffer = io.BytesIO()
    if layout == "xlsx":
        write_xlsx(signatory_list, buffer, progress=progress)
    else:
        write_docx(signatory_list, buffer, list_layout)
    return buffer.getvalue()
