"""Reading signatory lists as coordinators receive them: pasted from emails, documents and web pages.

Layouts (see DOMAIN.md): one name a line; numbered ("12. Name", "12⇥Name⇥Country"); "Name, Country",
"Name - Country", "Name (Country)"; and an inline comma-separated paragraph such as a footnote.
Parsing is pure (no database); matching the names to the directory is matching.py's job.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from letters.countries import lookup_country
from letters.text import clean_text

LAYOUTS = ("auto", "lines", "numbered", "name-country", "inline")
MAX_NAME_LENGTH = 300

_NUMBERED = re.compile(r"^\s*(\d{1,4})\s*(?:[.)]\s*|\t+|\s{2,})(.*)$")
_FOOTNOTE_MARK = re.compile(r"^\s*(?:[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\d{1,2}\s|\*+|\[\d+\])\s*")
_BULLET = re.compile(r"^\s*[-•*·▪–]\s+")
_PAREN_TAIL = re.compile(r"^(.*\S)\s*\(([^()]+)\)\s*$")


@dataclass
class Entry:
    """One signatory read from a list: the name as written, and a country when the layout gives one."""

    line_no: int
    raw: str
    name: str = ""
    country: str = ""  # a code ("CH", "XI") or ""
    country_text: str = ""  # the country as written ("Switzerland")
    error: str = ""

    @property
    def ok(self):
        return not self.error


@dataclass
class ParseResult:
    layout: str
    entries: list = field(default_factory=list)

    @property
    def valid(self):
        return [e for e in self.entries if e.ok]

    @property
    def errors(self):
        return [e for e in self.entries if not e.ok]


def parse_list(text, layout="auto"):
    """Split `text` into entries in the given layout (or the one detected); order is kept."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    if layout == "auto":
        layout = detect_layout(text)
    if layout == "inline":
        entries = _parse_inline(text)
    else:
        entries = [
            _parse_line(raw, line_no, layout)
            for line_no, raw in enumerate(text.split("\n"), start=1)
            if clean_text(raw)
        ]
    return ParseResult(layout=layout, entries=entries)


def detect_layout(text):
    lines = [line for line in text.split("\n") if clean_text(line)]
    if not lines:
        return "lines"
    if len(lines) <= 3 and max(line.count(",") for line in lines) >= 3:
        return "inline"
    numbered = sum(1 for line in lines if _NUMBERED.match(line))
    if numbered >= max(1, len(lines) * 0.6):
        return "numbered"
    with_country = sum(1 for line in lines if split_country(clean_text(line))[1])
    if with_country >= max(1, len(lines) * 0.6):
        return "name-country"
    return "lines"


def _parse_line(raw, line_no, layout):
    entry = Entry(line_no=line_no, raw=raw)
    text = clean_text(raw)
    if layout == "numbered":
        match = _NUMBERED.match(raw)
        if not match:
            entry.error = _("This line has no number.")
            return entry
        columns = [clean_text(col) for col in match.group(2).split("\t") if clean_text(col)]
        text = columns[0] if columns else ""
        if len(columns) > 1:
            entry.country_text = columns[1]
            entry.country = lookup_country(columns[1])
    else:
        text = _BULLET.sub("", text)
        if "\t" in raw:
            columns = [clean_text(col) for col in raw.split("\t") if clean_text(col)]
            text = columns[0]
            if len(columns) > 1 and lookup_country(columns[-1]):
                entry.country_text, entry.country = columns[-1], lookup_country(columns[-1])
        elif layout == "name-country":
            name, code, country_text = split_country(text)
            if not code:
                entry.name = text
                entry.error = _("No country found after the name (expected “Name, Country”).")
                return _check_name(entry)
            text, entry.country, entry.country_text = name, code, country_text
    entry.name = text
    return _check_name(entry)


def split_country(text):
    """("Name", code, "Country") when `text` ends with ", Country", " - Country" or " (Country)"."""
    for separator in (", ", " - ", " – ", " — "):
        if separator in text:
            name, tail = text.rsplit(separator, 1)
            code = lookup_country(tail)
            if code and name.strip():
                return name.strip(), code, tail.strip()
    match = _PAREN_TAIL.match(text)
    if match:
        code = lookup_country(match.group(2))
        if code:
            return match.group(1), code, match.group(2).strip()
    return text, "", ""


_split_country = split_country  # the name it had before it was made public


def _parse_inline(text):
    paragraph = clean_text(" ".join(text.split("\n")))
    paragraph = _FOOTNOTE_MARK.sub("", paragraph).rstrip(" .;")
    entries = []
    for position, piece in enumerate(_split_top_level(paragraph), start=1):
        piece = clean_text(piece)
        if position > 1 and piece.lower().startswith("and "):
            piece = piece[4:]
        entries.append(_check_name(Entry(line_no=position, raw=piece, name=piece)))
    return entries


def _split_top_level(paragraph):
    """Split on commas that are not inside parentheses ("Initiative (A, B), Next" stays two pieces)."""
    pieces, depth, current = [], 0, []
    for ch in paragraph:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if ch in ",;" and depth == 0:
            pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    pieces.append("".join(current))
    return [piece for piece in pieces if clean_text(piece)]


def _check_name(entry):
    if entry.error:
        return entry
    if not entry.name or not any(ch.isalnum() for ch in entry.name):
        entry.error = _("No name on this line.")
    elif entry.name.endswith(":"):
        # "Signatories:", "National organisations:" — a heading pasted with the list, not an organisation.
        entry.error = _("This looks like a heading, not a name.")
    elif len(entry.name) > MAX_NAME_LENGTH:
        entry.error = _("This name is longer than %(max)d characters.") % {"max": MAX_NAME_LENGTH}
    return entry
