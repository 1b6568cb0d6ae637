"""What reading a list produces: entries (signatories), the sections they stand under, and a role for every line.

Kept apart from parsing.py so the reader's modules (parsing_lines, parsing_entries) can share these types
without importing each other in a circle; parsing.py re-exports them.
"""

from dataclasses import dataclass, field

ORGANISATION, INDIVIDUAL = "organisation", "individual"

# What a pasted line was read as (Line.role).
HEADING, LIST_HEADING, HEADER, ENTRY, CONTINUATION, NOISE, ERROR = (
    "heading", "list-heading", "header", "entry", "continuation", "noise", "error")


@dataclass
class Entry:
    """One signatory read from a list: its name as it must appear, and the parts the line gave besides."""

    line_no: int  # 1-based line in the pasted text (first line of the entry; inline lists: position)
    raw: str  # the line(s) as pasted
    name: str = ""
    country: str = ""  # ISO 3166-1 alpha-2, "XI" for an international scope, or ""
    country_text: str = ""  # the country or region as written ("Brasil", "Global", "UK")
    error: str = ""
    number: int | None = None  # the printed number, when numbered
    kind: str = ORGANISATION
    region: str = ""  # a region written where a country would stand, as written ("Latinoamérica", "Global")
    region_code: str = ""  # XI, XF, XM, XS, XE, XL, XN, XP (see letters.countries.lookup_region)
    affiliation: str = ""  # individuals: title and/or organisation, for identification purposes only
    note: str = ""  # a description column that is not part of the name
    section: str = ""  # the heading this entry stands under ("" none)
    several: bool = False  # probably several organisations run together: needs review
    split: list[str] = field(default_factory=list)  # proposed names when `several`
    split_countries: list[str] = field(default_factory=list)  # the country code read with each proposed name
    reading: str = ""  # how the line was read ("numbered table row: number, name, description")
    unplaced: str = ""  # words the reading placed nowhere, kept in `note` rather than lost (parsing.unaccounted)

    @property
    def ok(self):
        return not self.error


@dataclass
class Section:
    title: str  # heading as written, trailing colon (and any "A." / "II." enumerator) removed
    kind: str  # ORGANISATION, INDIVIDUAL or "" (unknown)
    line_no: int
    country: str = ""  # when the heading is a country ("Kenya:"), entries without one of their own take it


@dataclass
class Line:
    line_no: int
    raw: str
    role: str  # heading | list-heading | header | entry | continuation | noise | error
    why: str = ""  # shown in the preview


@dataclass
class ParseResult:
    layout: str  # predominant layout: lines | numbered | name-country | inline | table
    entries: list = field(default_factory=list)  # Entry objects in order, including those with errors
    sections: list = field(default_factory=list)  # Section objects in order
    lines: list = field(default_factory=list)  # one Line per non-blank input line

    @property
    def valid(self):
        return [e for e in self.entries if e.ok]

    @property
    def errors(self):
        return [e for e in self.entries if not e.ok]

    @property
    def review(self):
        """Entries that probably hold several organisations (separators lost): a coordinator must look."""
        return [e for e in self.entries if e.ok and e.several]
