"""Each pasted line read on its own: its cells, its number or bullet, whether its words make a heading or a
column header. parsing_classify then gives every line its role with its neighbours in view; parsing_entries
reads an entry's parts.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from letters import parsing_words as words
from letters.countries import place_codes
from letters.parsing_model import INDIVIDUAL, ORGANISATION
from letters.text import clean_text

_BULLET = re.compile(r"^(?:[•·▪►▸‣◦●○■□➢➤→✓✔◆◇❖※]+|[-–—*>]+(?=\s))\s*")
_NUMBER = re.compile(r"^(?:\((\d{1,4})\)|\[(\d{1,4})\]|(\d{1,4})(?:\s*([.)\]:])|\s*([-–—])(?=\s)|(\s+)))\s*")
_LONE_NUMBER = re.compile(r"^[(\[]?(\d{1,4})[.)\]]?$")
_LETTER = re.compile(r"^([a-z])[.)]\s+")
_ENUMERATOR = re.compile(r"^(?:[A-Z]|[IVXLC]{1,6}|\d{1,2})[.)]\s+")
_FOOTER = re.compile(
    r"^(?:(?:page|pág(?:ina)?\.?|pagina|seite|blz\.?|p\.)\s*\d+(?:\s*(?:of|de|sur|di|von|van|/)\s*\d+)?"
    r"|[-–—]\s*\d+\s*[-–—]|\d+\s*(?:/|of|de|sur|di|von|van)\s*\d+"
    r"|\(?(?:continued|cont(?:inued)?\.?|cont'd|suite|continuaci[oó]n|continua(?:ção)?|fortsetzung)\)?)$", re.I)
_COLUMNS = re.compile(r"\s{2,}")
# The end of a line cut in the middle of a name (a PDF's wrapped line): a connector or an open parenthesis.
CUT_END = re.compile(r"(?:[-–,/&(+]|\b(?:and|of|for|the|on|in|against|de|del|des|du|la|le|les|los|las|da|do|das|"
                     r"dos|di|della|y|et|und|für|fur|pour|para|por|per|sur|sobre|contra|van|von|voor|to|with|"
                     r"à|al|au|aux|en))$")


@dataclass
class Heading:
    title: str
    kind: str = ""  # ORGANISATION, INDIVIDUAL or ""
    whole_list: bool = False  # "Signatories:", "Firmantes:" — not a section
    strong: bool = True  # from heading words or a colon, not only from where the line stands
    country: str = ""  # the heading is a country ("Kenya:")


@dataclass
class Raw:
    """One non-blank pasted line, read on its own; `role` is set by classify()."""

    line_no: int
    raw: str
    text: str  # the line cleaned (single spaces, no invisible characters)
    cells: list  # table cells when the line has columns, else [body]
    number: int | None = None
    marker: str = ""  # "number", "bullet", "letter", "" (none)
    bare_number: int | None = None  # "12 Name": a number only if the whole list is numbered that way
    bare_rest: str = ""  # the name after such a number
    lone_number: int | None = None
    blank_before: bool = False
    blank_after: bool = False
    role: str = ""
    why: str = ""
    heading: Heading | None = None
    columns: list | None = None  # a header's column roles (number, name, country, affiliation, note)
    header_kind: str = ""
    table_cells: list = field(default_factory=list)  # a Word table pasted one cell a line: the row's cells
    in_table: bool = False  # one of those cells (already in its row's table_cells)

    @property
    def body(self):
        return " ".join(self.cells) if len(self.cells) == 1 else self.cells[0]

    @property
    def is_row(self):
        return len(self.cells) > 1 or bool(self.table_cells)


@lru_cache(maxsize=1)
def _clean_table():
    """clean_text's character rules as one translate table (tabs and NBSP → space, invisible characters out)."""
    table = {ord(ch): " " for ch in "\t\r\n\u2028\u2029\xa0"}
    for code in range(0x3000):
        if code not in table and unicodedata.category(chr(code)) in ("Cf", "Cc", "Cs", "Co", "Cn"):
            table[code] = None
    return table


def clean_line(raw):
    """letters.text.clean_text, fast for the characters lists are written in (a 5,000-line list must be quick)."""
    if not raw or max(raw) >= "\u3000":
        return clean_text(raw)
    return " ".join(unicodedata.normalize("NFC", raw).translate(_clean_table()).split())


def read_lines(text):
    """Every non-blank line of `text`, read on its own."""
    raws, blank = [], True
    for line_no, raw in enumerate(text.split("\n"), start=1):
        cleaned = clean_line(raw)
        if not cleaned:
            blank = True
            if raws:
                raws[-1].blank_after = True
            continue
        raws.append(_read(line_no, raw, cleaned, blank))
        blank = False
    return raws


def _read(line_no, raw, text, blank_before):
    line = Raw(line_no=line_no, raw=raw, text=text, cells=[text], blank_before=blank_before)
    lone = _LONE_NUMBER.match(text)
    if lone:
        line.lone_number = int(lone.group(1))
        return line
    cells = _split_cells(raw) if "\t" in raw or "  " in text or "  " in raw.strip() else [text]
    if len(cells) > 1 and _LONE_NUMBER.match(cells[0]):
        line.number, line.marker = int(_LONE_NUMBER.match(cells[0]).group(1)), "number"
        cells = cells[1:]
    if len(cells) > 1 or line.number is not None:
        line.cells = cells
        return line
    _read_prefix(line, cells[0])
    return line


def _split_cells(raw):
    """Tab-separated cells; or cells set apart by 2+ spaces when the line looks like a table row."""
    stripped = raw.replace("\xa0", " ").strip(" \r\n")
    if "\t" in stripped:
        cells = [clean_text(cell) for cell in stripped.split("\t")]
    else:
        cells = [clean_text(cell) for cell in _COLUMNS.split(stripped.strip())]
        if len(cells) > 1 and not (_LONE_NUMBER.match(cells[0]) or is_place(cells[-1])
                                   or all(words.header_role(c) for c in cells)):
            return [clean_text(stripped)]  # "Amnesty  International": a double space, not two columns
    while cells and not cells[-1]:
        cells.pop()
    while cells and not cells[0]:
        cells.pop(0)
    return cells or [clean_text(stripped)]


def _read_prefix(line, text):
    """Bullet, number ("1.", "1)", "(1)", "1 -") or letter ("a)") before the name."""
    unbulleted = _BULLET.sub("", text, count=1) if not is_footer(text) else text
    if unbulleted != text:
        line.marker, text = "bullet", unbulleted
    match = _NUMBER.match(text)
    if match:
        number = int(match.group(1) or match.group(2) or match.group(3))
        rest = text[match.end():]
        rest = rest[1:].lstrip() if rest[:1] in "-–" and match.group(4) else rest
        if match.group(6) is not None:  # "12 Name": only if the whole list is numbered that way
            line.bare_number, line.bare_rest = number, rest
        elif _number_fits(match, text, rest):
            line.number, line.marker, text = number, "number", rest
    else:
        letter = _LETTER.match(text)
        if letter:
            line.marker, text = "letter", text[letter.end():]
    line.cells = [text]


def _number_fits(match, text, rest):
    """"350.org" and "11.11.11" are names, "1.Amnesty" and "3. ..." are numbered."""
    delimiter = match.group(4) or match.group(5) or ("(" if match.group(1) or match.group(2) else "")
    if delimiter in ".)]:" and not text[match.start(4) + 1:match.start(4) + 2].isspace():
        return not rest[:1].isdigit() and not rest[:1].islower()
    return True


def is_footer(text):
    """"Page 2 of 3", "- 3 -", "2/5", "(continued)": what a document adds to every page."""
    return len(text) <= 30 and bool(_FOOTER.match(text))


def country_of_heading(title):
    """"Kenya" for a heading that is a country: its entries without a country of their own are in it."""
    country = place_codes(title)[0]
    return "" if country.startswith("X") else country


def is_place(text):
    """Whether `text` is a country, a region or a scope ("Kenya", "Southeast Asia", "Global", "Regional")."""
    country, _region, is_region = place_codes(text)
    return bool(country or is_region)


# --- headings and headers --------------------------------------------------------------------------------------


def heading_of(text):
    """A Heading when `text` reads as one on its own (heading words, or a short line ending with a colon)."""
    core = text.strip()
    colon = core.endswith(":")
    core = core.rstrip(":").rstrip()
    enumerated = _ENUMERATOR.match(core)
    title = core[enumerated.end():] if enumerated else core
    if not title or len(core) > 160:
        return None
    found = _lexicon_heading(title) if len(title) <= 120 else None
    if found:
        return found
    if colon and any(ch.isalpha() for ch in title):
        kinds = set(words.heading_words(title))
        kind = INDIVIDUAL if kinds & words.IND_HEADING else ORGANISATION if kinds & words.ORG_HEADING else ""
        return Heading(title=title, kind=kind, country=country_of_heading(title))
    return None


_HEADING_WORDS = words.ORG_HEADING | words.IND_HEADING | words.SIGN_HEADING | words.SCOPE_HEADING | words.SCOPE_CORE


def _lexicon_heading(title):
    content = [w for w in words.heading_words(title) if w not in words.GLUE]
    if not content:
        return None
    leftover = [w for w in content if w not in _HEADING_WORDS]
    place = bool(leftover) and is_place(" ".join(leftover))
    if leftover and not place:
        return None
    org, ind = bool(set(content) & words.ORG_HEADING), bool(set(content) & words.IND_HEADING)
    sign = bool(set(content) & words.SIGN_HEADING)
    scope_only = all(w in words.SCOPE_CORE for w in content) and len(content) <= 4
    if not (org or ind or sign or scope_only):
        return None
    if sign and not (org or ind or place or set(content) & (words.SCOPE_HEADING | words.SCOPE_CORE)):
        return Heading(title=title, whole_list=True)
    kind = INDIVIDUAL if ind and not org else ORGANISATION if org and not ind else ""
    return Heading(title=title, kind=kind)


def header_of(cells):
    """(column roles, kind) when every cell is a column name ("N° ⇥ Nom ⇥ Pays", "Organisation Name")."""
    roles = [words.header_role(cell) for cell in cells]
    unknown = [cell for cell, role in zip(cells, roles) if not role]
    if len(unknown) > (1 if len(cells) >= 3 else 0) or any(len(cell.split()) > 3 for cell in unknown):
        return None  # one unusual column name among known ones ("Organisation ⇥ Country ⇥ Sector focus") is fine
    roles = [role or "note" for role in roles]
    if len(cells) == 1 and (roles[0] != "name" or _lexicon_heading(cells[0])):
        return None  # "Signatories" is the list's heading; "Organisation Name" is a column
    names = [i for i, role in enumerate(roles) if role == "name"]
    individual = "affiliation" in roles or len(names) > 1 or any(
        set(words.key(cell).split()) & (words.IND_HEADING | {"individual"}) for cell in cells)
    if len(names) > 1:
        roles[names[1]] = "affiliation"  # "Name ⇥ Organisation": the organisation is the person's affiliation
    organisation = any(set(words.key(cell).split()) & {"organisation", "organization", "organizacion",
                                                           "organizacao", "organisatie", "organizzazione", "ngo",
                                                           "ong", "org", "entity", "institution"} for cell in cells)
    kind = INDIVIDUAL if individual else ORGANISATION if organisation else ""
    return roles, kind
