"""Reading signatory lists as coordinators receive them: pasted from emails, documents, PDFs and web pages.

The list is read line by line (parsing_lines, parsing_classify): every line gets a role — heading, heading of
the whole list, column header, entry, continuation of the entry above, noise — and every entry's parts are read
(parsing_entries): number, name, country or region, an individual's affiliation, a description column. Layouts
mix in one block (numbered entries under plain headings, a table then a plain list), so the layout reported is
only the predominant one. Decisions:

- Country tails follow the section's majority: published lists keep a country inside a few names ("Endorois
  Welfare Council (Kenya)"), so a tail is split off only where at least half of the section's organisations
  carry one. A table column is always a column.
- A line that probably holds several organisations (separators lost) is flagged `several`, with a proposed
  split (parsing_runon); it is never silently one long name.
- A line under an individuals heading that names organisations (run together, or "Colectivo Casa - Bolivia") is
  never a person: it is an organisation, flagged when several, and stands in no section (parsing_runon).
- Nothing a line says disappears: every cell or part ends up in the number, name, country or region,
  affiliation or note (a table column that is no place is an individual's affiliation, an organisation's note);
  `unaccounted` checks it, and whatever a reading would leave out is kept in the note and said so.
- Nothing is refused whole: a line that cannot be read is an entry with an `error`, the rest is kept.
- A forced layout ("numbered", "name-country") is strict as before: lines that do not fit it are errors.
Parsing is pure (no database); matching the names to the directory is matching.py's job.
"""

import re

from django.utils import translation
from django.utils.translation import gettext as _

from letters.parsing_classify import classify
from letters.parsing_entries import (find_tail, is_person_row, kind_of, read_person, read_place,
                                     split_top_level)
from letters.parsing_lines import read_lines
from letters.parsing_model import (CONTINUATION, ENTRY, ERROR, HEADER, HEADING, INDIVIDUAL, LIST_HEADING,
                                   ORGANISATION, Entry, Line, ParseResult, Section)
from letters.parsing_runon import (looks_run_on, propose_split, propose_split_with_countries, reads_as_organisations,
                                   several_by_commas)
from letters.parsing_words import key
from letters.text import clean_text

__all__ = ["LAYOUTS", "MAX_NAME_LENGTH", "ORGANISATION", "INDIVIDUAL", "Entry", "Section", "Line", "ParseResult",
           "parse_list", "split_country", "propose_split", "unaccounted"]

LAYOUTS = ("auto", "lines", "numbered", "name-country", "inline")
MAX_NAME_LENGTH = 300


def parse_list(text, layout="auto", language=None, known_names=None):
    """Read `text` into entries, in order; `layout` other than "auto" is applied strictly (see module doc)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    raws = classify(read_lines(text))
    if layout == "inline" or (layout == "auto" and _looks_inline(raws)):
        return _parse_inline(raws)
    reader = _Reader(layout, language, known_names)
    for raw in raws:
        reader.take(raw)
    return reader.finish()


def split_country(text):
    """("Name", code, "Country") when `text` ends with ", Country", " - Country" or " (Country)"."""
    tail = find_tail(text)
    if not tail:
        return text, "", ""
    name, place = tail
    return name, place.country or place.region_code, place.country_text


_split_country = split_country  # the name it had before it was made public


class _Reader:
    """Turns classified lines into sections and entries, keeping track of the section and columns in force."""

    def __init__(self, layout, language, known_names):
        self.layout, self.language, self.known = layout, language, known_names
        self.result = ParseResult(layout="lines")
        self.section, self.columns, self.header_kind = None, None, ""
        self.drafts = []

    def take(self, raw):
        self.result.lines.append(Line(line_no=raw.line_no, raw=raw.raw, role=raw.role, why=raw.why))
        if self.layout in ("numbered", "name-country") and raw.role in (HEADING, LIST_HEADING):
            raw.role = ENTRY  # a forced layout is strict: the line is read (and refused) as an entry
        if raw.role == HEADING:
            self._open(Section(title=raw.heading.title, kind=raw.heading.kind, line_no=raw.line_no,
                               country=raw.heading.country))
        elif raw.role == HEADER:
            self._header(raw)
        elif raw.role == ENTRY:
            self.drafts.append(_Draft(raw, self.section, self.columns, self.header_kind, self.known))
        elif raw.role == CONTINUATION and self.drafts and not raw.in_table:
            self.drafts[-1].add(raw)

    def _open(self, section):
        self.result.sections.append(section)
        self.section, self.columns, self.header_kind = section, None, ""

    def _header(self, raw):
        if raw.columns is None:
            return  # the second and later cells of a header pasted one cell a line
        self.columns, kind = raw.columns, raw.header_kind
        fresh = self.section is not None and not any(d.section is self.section for d in self.drafts)
        if fresh and not self.section.kind:
            self.section.kind = kind
        elif kind and not fresh and (self.section is None or self.section.kind != kind):
            title = _individuals_title(self.language) if kind == INDIVIDUAL else _organisations_title(self.language)
            self._open(Section(title=title, kind=kind, line_no=raw.line_no))
            self.columns = raw.columns
        self.header_kind = kind

    def finish(self):
        entries = [draft.read(self.layout) for draft in self.drafts]
        _apply_tails(self.drafts, self.layout)
        labels = _labels()
        for draft in self.drafts:
            draft.finish(self.known, labels)
        self._drop_whole_list_section()
        self.result.entries = entries
        self.result.layout = _predominant(self.drafts)
        _mark_errors(self.result)
        return self.result

    def _drop_whole_list_section(self):
        """A lone section before every entry heads the whole list ("Liste des organisations signataires"): its
        entries keep the kind and country it gave them, but it is no section of the list."""
        sections = self.result.sections
        if len(sections) != 1 or not self.drafts or self.drafts[0].section is not sections[0]:
            return
        for draft in self.drafts:
            draft.entry.section = ""
        for line in self.result.lines:
            if line.line_no == sections[0].line_no and line.role == HEADING:
                line.role, line.why = LIST_HEADING, _("heading of the whole list")
        sections.clear()


def _individuals_title(language):
    with translation.override(language or translation.get_language()):
        return _("Individuals")


def _organisations_title(language):
    with translation.override(language or translation.get_language()):
        return _("Organisations")


class _Draft:
    """An entry's lines gathered, then its parts read."""

    def __init__(self, raw, section, columns, header_kind, known_names=None):
        self.raw, self.section, self.columns, self.header_kind = raw, section, columns, header_kind
        self.known = known_names
        self.lines = [raw.raw]
        self.cells = list(raw.table_cells) if raw.table_cells else list(raw.cells)
        self.tail, self.entry, self.kept_tail, self.run_on = None, None, False, False

    def add(self, raw):
        """A continuation line: the wrapped end of the name (or of the last cell)."""
        self.lines.append(raw.raw)
        index = 0 if len(self.cells) == 1 or not self.cells[-1] else len(self.cells) - 1
        joined = self.cells[index]
        glue = "" if joined.endswith("-") and raw.text[:1].islower() else " "
        joined = joined[:-1] if glue == "" else joined
        self.cells[index] = clean_text(joined + glue + raw.text)

    def read(self, layout):
        raw = self.raw
        self.entry = entry = Entry(line_no=raw.line_no, raw="\n".join(self.lines), number=raw.number,
                                   section=self.section.title if self.section else "")
        if layout == "numbered" and raw.number is None:
            entry.name, entry.error = clean_text(raw.text), _("This line has no number.")
            return entry
        section_kind = self.section.kind if self.section else ""
        if len(self.cells) > 1:
            _read_row(entry, self.cells, self.columns, section_kind or self.header_kind)
        else:
            self._read_text(entry, self.cells[0] if self.cells else "", section_kind)
        return entry

    def _read_text(self, entry, text, section_kind):
        entry.kind = kind_of(text, section_kind, self.header_kind)
        if entry.kind == INDIVIDUAL and reads_as_organisations(text, self.known):
            # Organisations (often several run together) pasted under the individuals: never a person, and
            # checked for several names whatever the section (see _check_several). Nor are they put in the
            # individuals' section, which would publish them under "Individuals": they stand in no section, for
            # the coordinator to place (the preview shows them without a heading).
            entry.kind, self.run_on, entry.section = ORGANISATION, True, ""
        if entry.kind == INDIVIDUAL:
            entry.name, entry.affiliation, place = read_person(text)
            _set_place(entry, place)
            return
        entry.name = text
        self.tail = find_tail(text, cities=True)

    def finish(self, known_names, labels):
        entry, raw = self.entry, self.raw
        if entry.error:
            return
        if entry.kind == ORGANISATION and len(self.cells) == 1:
            _check_several(entry, self.cells[0], known_names, forced=self.run_on)
        if not entry.country and not entry.region and self.section and self.section.country:
            entry.country, entry.country_text = self.section.country, self.section.title
        _keep_the_rest(entry)
        entry.reading = _reading(entry, raw, self, labels)
        _check_name(entry)


def _read_row(entry, cells, columns, kind):
    """A table row: the name cell, then country, affiliation and description columns (by header if any).

    Every non-empty cell ends up somewhere: a cell that is neither a country nor a region (even under a
    "Country" header, or a second place after the first) is an individual's affiliation, an organisation's
    note — never dropped."""
    roles = [role for role in (columns or []) if role != "number"]
    roles += ["?"] * (len(cells) - len(roles))
    name_at = roles.index("name") if "name" in roles[:len(cells)] else 0
    entry.name = cells[name_at]
    others = [cell for index, cell in enumerate(cells) if index != name_at and cell]
    entry.kind = INDIVIDUAL if kind == INDIVIDUAL or kind_of(entry.name, kind) == INDIVIDUAL or (
        not kind and is_person_row(entry.name, others)) else ORGANISATION
    notes, affiliations = [], []
    for index, (cell, role) in enumerate(zip(cells, roles)):
        if index == name_at or not cell:
            continue
        place = read_place(cell) if role in ("country", "?") else None
        if place and not (entry.country or entry.region):
            _set_place(entry, place)
        elif place:
            notes.append(cell)  # a second country ("Kenya ⇥ Uganda"): kept, as a description
        elif role in ("affiliation", "name") or (role in ("?", "country") and entry.kind == INDIVIDUAL):
            affiliations.append(cell)
        else:
            notes.append(cell)
    entry.affiliation, entry.note = ", ".join(affiliations), " ".join(notes)


def unaccounted(entry):
    """The words of an entry's line found in none of its parts (number, name, country or region, affiliation,
    note, proposed split): [] when nothing the line says was lost. Words are compared normalised, and a word
    counts when it stands anywhere in the parts (so a word wrapped with a hyphen, "Develop-" / "ment", counts)."""
    parts = [entry.name, entry.country_text, entry.region, entry.affiliation, entry.note, *entry.split]
    if entry.number is not None:
        parts.append(str(entry.number))
    found = key(" ".join(parts)).replace(" ", "")
    return [token for token in entry.raw.split() if any(word not in found for word in key(token).split())]


def _keep_the_rest(entry):
    """A safety net: whatever the reading left out is kept as the entry's description, and said so (Entry.unplaced),
    so that nothing a line says silently disappears. The readers above place every part; this should not fire."""
    if entry.error:
        return
    rest = unaccounted(entry)
    if rest:
        entry.unplaced = " ".join(rest)
        entry.note = f"{entry.note} {entry.unplaced}".strip()


def _set_place(entry, place):
    if place:
        entry.country, entry.country_text = place.country, place.country_text
        entry.region, entry.region_code = place.region, place.region_code


def _apply_tails(drafts, layout):
    """Split organisations' country tails off where at least half the section's organisations carry one."""
    by_section = {}
    for draft in drafts:
        if draft.entry.kind == ORGANISATION and len(draft.cells) == 1 and not draft.entry.error:
            by_section.setdefault(id(draft.section), []).append(draft)
    for group in by_section.values():
        with_tail = sum(1 for draft in group if draft.tail)
        split = layout == "name-country" or (layout != "lines" and with_tail * 2 >= len(group))
        for draft in group:
            if draft.tail and split:
                # "X, Nairobi, Kenya": the tail comes off with its city, and the city is kept as the description
                # (an organisation's name as published is "X"; the city locates it, as a description column
                # would). Where the section keeps its tails in the names, the city stays there too: the whole
                # line is the name, as published.
                draft.entry.name = draft.tail[0]
                _set_place(draft.entry, draft.tail[1])
                draft.entry.note = draft.tail[1].city
            elif layout == "name-country":
                draft.entry.error = _("No country found after the name (expected “Name, Country”).")
            draft.kept_tail = bool(draft.tail) and not split


def _check_several(entry, text, known_names, forced=False):
    """`forced`: the line was read as organisations where a person stood; a split into two or more is proposed
    even when the run-on signs alone would not flag it."""
    if forced or looks_run_on(text, known_names) or several_by_commas(text):
        pairs = propose_split_with_countries(text, known_names)
        if len(pairs) > 1:
            entry.several, entry.name = True, text
            entry.country = entry.country_text = entry.region = entry.region_code = ""
            entry.split = [name for name, _code in pairs]
            entry.split_countries = [code for _name, code in pairs]


def _check_name(entry):
    if entry.error:
        return entry
    if not entry.name or not any(ch.isalnum() for ch in entry.name):
        entry.error = _("No name on this line.")
    elif entry.name.endswith(":") and not entry.several:
        # "Signatories:" read as an entry (inline lists, forced layouts): a heading, not an organisation.
        entry.error = _("This looks like a heading, not a name.")
    elif len(entry.name) > MAX_NAME_LENGTH and not (entry.several and max(map(len, entry.split)) <= MAX_NAME_LENGTH):
        entry.error = _("This name is longer than %(max)d characters.") % {"max": MAX_NAME_LENGTH}
    return entry


def _labels():
    """The words of Entry.reading, translated once per list rather than once per line."""
    return {
        "cells": _("table row, one cell a line"), "row": _("table row"), "numbered": _("numbered line"),
        "line": _("line"), "number": _("number"), "name": _("name"), "country": _("country"),
        "region": _("region"), "affiliation": _("affiliation"), "note": _("description"),
        "kept": _("country kept in the name, as in most of this section"),
        "several": _("probably several organisations run together"), "format": _("%(shape)s: %(parts)s"),
        "rest": _("“%(text)s” not read as any part, kept as description"),
    }


def _reading(entry, raw, draft, labels):
    """"numbered table row: number, name, description" — how the line was read, for the preview."""
    shape = ("cells" if raw.table_cells else "row" if len(draft.cells) > 1
             else "numbered" if raw.number is not None else "line")
    parts = ["number"] if entry.number is not None else []
    parts.append("name")
    parts += ["country"] if entry.country and entry.country != "XI" else []
    parts += ["region"] if entry.region else ["country"] if entry.country == "XI" else []
    parts += ["affiliation"] if entry.affiliation else []
    parts += ["note"] if entry.note else []
    reading = labels["format"] % {"shape": labels[shape], "parts": ", ".join(labels[part] for part in parts)}
    if draft.kept_tail and not entry.several:
        reading += " — " + labels["kept"]
    if entry.unplaced:
        reading += " — " + labels["rest"] % {"text": entry.unplaced}
    if entry.several:
        reading += " — " + labels["several"]
    return reading


def _predominant(drafts):
    entries = [draft.entry for draft in drafts if not draft.entry.error] or [draft.entry for draft in drafts]
    if not entries:
        return "lines"
    share = len(entries) * 0.6
    if sum(e.number is not None for e in entries) >= share:
        return "numbered"
    if sum(bool(e.country or e.region) for e in entries) >= share:
        return "name-country"
    if sum(len(d.cells) > 1 for d in drafts) >= len(drafts) * 0.5:
        return "table"
    return "lines"


def _mark_errors(result):
    """The lines of entries that could not be read get the role "error" and the reason."""
    errors = {entry.line_no: entry.error for entry in result.entries if entry.error}
    for line in result.lines:
        if line.line_no in errors and line.role in (ENTRY, HEADING, LIST_HEADING):
            line.role, line.why = ERROR, errors[line.line_no]


# --- a paragraph of names separated by commas (a footnote) ---------------------------------------------------


# Commas and semicolons of the scripts that have their own (Arabic ، ؛, Chinese and Japanese 、，；), and full stops
# (。, Urdu ۔): a footnote exported in those languages (layouts.INLINE_PUNCTUATION) reads back.
INLINE_SEPARATORS = ",;،؛、，；"
INLINE_STOPS = (".", "。", "۔")


def _looks_inline(raws):
    """One to three lines, one of them with five or more comma-separated names (or four ending "and X.")."""
    body = [raw for raw in raws if raw.role not in (HEADING, LIST_HEADING, "noise")]
    if not body or len(body) > 3 or any(raw.is_row for raw in body):
        return False
    for raw in body:
        pieces = split_top_level(raw.text, INLINE_SEPARATORS)
        if len(pieces) >= 5 or (len(pieces) >= 4 and (raw.text.endswith(INLINE_STOPS) or " and " in pieces[-1]
                                                      or pieces[-1].startswith("and "))):
            return not (len(pieces) <= 5 and kind_of(raw.text, "") == INDIVIDUAL)
    return False


def _parse_inline(raws):
    result = ParseResult(layout="inline")
    body = []
    for raw in raws:
        heading = raw.role in (HEADING, LIST_HEADING)
        result.lines.append(Line(line_no=raw.line_no, raw=raw.raw, role=raw.role if heading else ENTRY,
                                 why=raw.why if heading else _("part of a paragraph of names")))
        if not heading:
            body.append(raw.text)
    paragraph = _FOOTNOTE.sub("", clean_text(" ".join(body))).rstrip(" ;" + "".join(INLINE_STOPS))
    for position, piece in enumerate(split_top_level(paragraph, INLINE_SEPARATORS), start=1):
        piece = clean_text(piece)
        if position > 1 and piece.lower().startswith("and "):
            piece = piece[4:]
        elif position == 1 and piece.lower().startswith("signed by "):
            piece = piece[len("signed by "):]
        entry = Entry(line_no=position, raw=piece, name=piece, reading=_("part of a paragraph of names"))
        result.entries.append(_check_name(entry))
    return result


_FOOTNOTE = re.compile(r"^\s*(?:[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\d{1,2}\s|\*+|\[\d+\])\s*")
