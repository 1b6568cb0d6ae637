"""Text layouts of a signatory list, as coalitions publish them: one name a line, numbered, "Name, Country",
an inline paragraph for a footnote, Markdown, and an HTML fragment. Each walks SignatoryList.events() (the one
export path, letters/exports.py) and is escaped for its medium.
"""

import re
from itertools import islice

from django.utils.html import escape
from django.utils.translation import gettext

from letters.exports import CHUNK, TEXT_LAYOUTS, ExportError


def render_text(signatory_list, layout):
    """The whole list as one string in a text layout (lines, numbered, name-country, inline, markdown, html)."""
    return "".join(iter_text(signatory_list, layout))


def iter_text(signatory_list, layout):
    """The list in a text layout, in chunks of many lines (for streaming and for stdout)."""
    if layout not in TEXT_LAYOUTS:
        raise ExportError(gettext("Unknown layout “%(layout)s”.") % {"layout": layout})
    if layout == "inline":
        return _inline(signatory_list)
    return _batched(_html_lines(signatory_list) if layout == "html" else _lines(signatory_list, layout))


def _batched(lines):
    while batch := list(islice(lines, CHUNK)):
        yield "\n".join(batch) + "\n"


def _line_label(row, layout):
    if layout == "numbered":
        return f"{row.position}. {row.label}"
    if layout == "name-country" and row.country_name:
        return f"{row.label}, {row.country_name}"
    if layout == "markdown":
        return "- " + markdown_escape(row.label)
    return row.label


def _lines(signatory_list, layout):
    """One name a line; a blank line before each heading and before the unnamed count."""
    markdown, first = layout == "markdown", True
    for kind, value in signatory_list.events():
        if kind == "row":
            yield _line_label(value, layout)
        else:
            if not first:
                yield ""
            yield ("### " if markdown and kind == "heading" else "") + (markdown_escape(value) if markdown else value)
            if markdown and kind == "heading":
                yield ""
        first = False


def _inline(signatory_list):
    """Comma-separated paragraphs ending with a full stop, as in a footnote; one paragraph per section."""
    paragraphs, names, heading = [], [], ""
    for kind, value in signatory_list.events():
        if kind == "heading":
            if names:
                paragraphs.append(heading + ", ".join(names) + ".")
            names, heading = [], value + ": "
        else:
            names.append(value.label if kind == "row" else value)
    if names:
        paragraphs.append(heading + ", ".join(names) + ".")
    if paragraphs:
        yield "\n\n".join(paragraphs) + "\n"


def _html_lines(signatory_list):
    """An escaped fragment: a <ul> per section, <h3> headings; safe to paste into any web page."""
    open_list = False
    for kind, value in signatory_list.events():
        if kind == "row":
            if not open_list:
                open_list = True
                yield '<ul class="signatories">'
            yield f"<li>{escape(value.label)}</li>"
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
