"""Text layouts of a signatory list, as coalitions publish them: one name a line, numbered, "Name, Country",
"Name - Country", "Name (Country)", a numbered table (number ⇥ name ⇥ country or description), an inline
paragraph for a footnote, Markdown, and an HTML fragment. Each walks SignatoryList.events() (the one
export path, letters/exports.py) and is escaped for its medium.
"""

import re
import unicodedata
from itertools import islice

from django.utils.html import escape
from django.utils.translation import gettext

from letters.exports import CHUNK, PLACE_SEPARATORS, TEXT_LAYOUTS, ExportError
from letters.text import neutralise_line


def text_direction(text):
    """ "rtl" or "ltr" by the first letter with a strong direction (Unicode's rule P2), None when there is none
    (digits and punctuation only)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


def render_text(signatory_list, layout):
    """The whole list as one string in a text layout (lines, numbered, name-country, inline, markdown, html)."""
    return "".join(iter_text(signatory_list, layout))


def iter_text(signatory_list, layout):
    """The list in a text layout, in chunks of many lines (for streaming and for stdout)."""
    if layout not in TEXT_LAYOUTS:
        raise ExportError(gettext("Unknown layout “%(layout)s”.") % {"layout": layout})
    if layout == "inline":
        return _inline(signatory_list)
    if layout in ("html", "markdown"):  # lines start with markup; the text in them is escaped
        return _batched(_html_lines(signatory_list) if layout == "html" else _lines(signatory_list, layout))
    return _batched(map(neutralise_line, _lines(signatory_list, layout)))  # pasted into spreadsheets too


def _batched(lines):
    while batch := list(islice(lines, CHUNK)):
        yield "\n".join(batch) + "\n"


def entry_text(row, layout, affiliation_style="paren"):
    """One signatory as a layout writes it, without its number: the name (with an individual's affiliation in
    the list's style) and, for the place layouts, the region as listed or the country after it."""
    name = row.label_as(affiliation_style)
    if layout == "table":
        return "\t".join(part for part in (name, row.place or row.note) if part)
    if layout in PLACE_SEPARATORS and row.place:
        before, after = PLACE_SEPARATORS[layout]
        return f"{name}{before}{row.place}{after}"
    return name


def _line_label(row, layout, signatory_list):
    text = entry_text(row, layout, signatory_list.affiliation_style)
    if layout == "table":
        return f"{row.position}\t{text}"
    if layout == "numbered" or signatory_list.numbers:
        text = f"{row.position}. {text}"
    if layout == "markdown":
        return "- " + markdown_escape(text)
    return text


def _lines(signatory_list, layout):
    """One name a line; a blank line before each heading and before the unnamed count."""
    markdown, first = layout == "markdown", True
    for kind, value in signatory_list.events():
        if kind == "row":
            yield _line_label(value, layout, signatory_list)
        else:
            if not first:
                yield ""
            yield ("### " if markdown and kind == "heading" else "") + (markdown_escape(value) if markdown else value)
            if markdown and kind == "heading":
                yield ""
        first = False


# An inline list's comma, full stop and heading colon where the language does not use the Latin ones. Written here
# because CLDR's list patterns (Babel) join with "and" (Arabic's middle pattern too), which a footnote of 140 names
# does not; these are the enumeration marks those scripts use.
INLINE_PUNCTUATION = {
    "ar": ("، ", ".", ": "), "fa": ("، ", ".", ": "), "ur": ("، ", "۔", ": "),
    "zh": ("、", "。", "："), "ja": ("、", "。", "："),
    "fr": (", ", ".", "\u00a0: "),  # French sets a (no-break) space before a colon
}
LATIN_PUNCTUATION = (", ", ".", ": ")


def inline_punctuation(language):
    """(comma, full stop, heading colon) of an inline list in `language` ("zh-hans" as "zh")."""
    return INLINE_PUNCTUATION.get((language or "").lower().split("-")[0].split("_")[0], LATIN_PUNCTUATION)


def _inline(signatory_list):
    """Comma-separated paragraphs ending with a full stop, as in a footnote; one paragraph per section. The
    punctuation is the list language's (Arabic "،", Chinese "、" and "。")."""
    comma, stop, colon = inline_punctuation(signatory_list.language)
    paragraphs, names, heading = [], [], ""
    for kind, value in signatory_list.events():
        if kind == "heading":
            if names:
                paragraphs.append(heading + comma.join(names) + stop)
            names, heading = [], value + colon
        else:
            names.append(value.label_as(signatory_list.affiliation_style) if kind == "row" else value)
    if names:
        paragraphs.append(heading + comma.join(names) + stop)
    if paragraphs:
        yield "\n\n".join(map(neutralise_line, paragraphs)) + "\n"


def _html_lines(signatory_list):
    """An escaped fragment: a <ul> per section, <h3> headings; safe to paste into any web page."""
    open_list = False
    for kind, value in signatory_list.events():
        if kind == "row":
            if not open_list:
                open_list = True
                yield '<ul class="signatories">'
            yield f"<li>{escape(value.label_as(signatory_list.affiliation_style))}</li>"
            continue
        if open_list:
            open_list = False
            yield "</ul>"
        if kind == "heading":
            yield f"<h3>{escape(value)}</h3>"
        else:
            yield f'<p class="signatories-unnamed">{escape(value)}</p>'
    if open_list:
        yield "</ul>"


# "<" as an entity: not every Markdown flavour honours a backslash before it (Python-Markdown does not).
_MD_SPECIAL = str.maketrans({**{ch: "\\" + ch for ch in "\\`*_[]>#|~"}, "<": "&lt;"})
_MD_ENTITY = re.compile(r"&(#?\w+;)")
_MD_LIST_NUMBER = re.compile(r"^(\d+)([.)])")


def markdown_escape(text):
    """Text that Markdown prints as is: no emphasis, link, HTML, entity, heading, or number read as a list."""
    text = _MD_ENTITY.sub(r"&amp;\1", text).translate(_MD_SPECIAL)
    text = _MD_LIST_NUMBER.sub(r"\1\\\2", text)
    return "\\" + text if text[:1] in ("+", "-", "=") else text
