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
from django.utils.translation import gettext

from letters.exports import TEXT_LAYOUTS, ExportError
from letters.layouts import iter_text
from letters.markdown import render_markdown
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


def document_context(signatory_list, list_layout="lines"):
    version = signatory_list.letter.version(signatory_list.language)
    version = version and version.clean_texts()  # DOCX (XML) cannot hold control characters: clean older rows
    with translation.override(signatory_list.language):
        heading = (version and version.signatories_label) or gettext("Signatories")
        bidi = translation.get_language_bidi()
    return {
        "letter": signatory_list.letter,
        "version": version,
        "language": signatory_list.language,
        "bidi": bidi,
        "body": render_markdown(version.body if version else ""),
        "signatories_heading": heading,
        "blocks": list_blocks(signatory_list, list_layout),
        "long_list": signatory_list.count() > 30,
    }


def render_pdf(signatory_list, list_layout="lines"):
    """PDF bytes of the letter in the list's language with the list under it."""
    # WeasyPrint logs every step at INFO (even on import): noise in the server log for each download.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML

    html = render_to_string("letters/documents/letter.html", document_context(signatory_list, list_layout))
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
    document.add_heading(context["signatories_heading"], level=2)
    for block in context["blocks"]:
        _add_block(document, block)
    _set_up(document, signatory_list, context)
    document.save(stream)


def _set_up(document, signatory_list, context):
    """A4 with the PDF's margins (coalitions print on A4 almost everywhere), the letter's own document properties
    instead of python-docx's defaults, and right-to-left paragraphs for Arabic, Farsi, Hebrew… versions."""
    from docx.shared import Cm

    for section in document.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin = section.bottom_margin = Cm(2.0)
    properties = document.core_properties
    version = context["version"]
    properties.title = version.title if version else signatory_list.letter.title
    properties.author = properties.last_modified_by = "Coalition"
    properties.language = signatory_list.language
    properties.comments = properties.subject = properties.keywords = ""
    if context["bidi"]:
        _right_to_left(document)


def _right_to_left(document):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for paragraph in document.paragraphs:
        properties = paragraph._p.get_or_add_pPr()
        if properties.find(qn("w:bidi")) is None:
            properties.insert(0, OxmlElement("w:bidi"))
        if paragraph.alignment is None:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for section in document.sections:
        section._sectPr.append(OxmlElement("w:bidi"))


def _add_block(document, block):
    if "heading" in block:
        document.add_heading(block["heading"], level=3)
    elif "unnamed" in block:
        document.add_paragraph().add_run(block["unnamed"]).italic = True
    else:
        # Plain text numbers rather than Word's list numbering: they survive copy and paste unchanged.
        texts = [f"{number}. {name}" if block["numbered"] else name
                 for number, name in enumerate(block["names"], start=block["start"])]
        _add_list_paragraphs(document, texts)


def _add_list_paragraphs(document, texts):
    """One paragraph per name, each a copy of the first placed after the previous one: add_paragraph() looks
    for the end of the body every time, which makes a 100,000-name list take minutes."""
    from docx.oxml.ns import qn

    if not texts:
        return
    template = previous = document.add_paragraph(" ", style="No Spacing")._p  # " ": an empty text has no run
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
