"""Small, dependency-free helpers for organisation names.

Kept apart from matching.py (which needs rapidfuzz and the database) so that models can use them on save.
"""

import re
import unicodedata
from functools import lru_cache
from operator import attrgetter

# Leading articles that lists ignore when sorting ("The Rights Practice" under R). Longest first.
LEADING_ARTICLES = ("the ", "les ", "los ", "las ", "la ", "le ", "el ", "l'", "l’")

_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−"), "-")
_QUOTES = dict.fromkeys(map(ord, "‘’‚‛′`´"), "'")
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]")
# Invisible or direction-changing characters that must never reach a list (RLO, zero-width, BOM…).
_INVISIBLE = {"Cf", "Cc", "Cs", "Co", "Cn"}


def clean_text(value):
    """Return `value` as a single line fit to publish: NFC, no control/format characters, single spaces.

    Right-to-left overrides or zero-width characters in a name can make it render as something else
    on the published letter, so they are removed rather than stored.
    """
    if value is None:
        return ""
    value = unicodedata.normalize("NFC", str(value))
    value = "".join(" " if ch in "\t\r\n\u2028\u2029\xa0" else ch for ch in value)
    value = "".join(ch for ch in value if unicodedata.category(ch) not in _INVISIBLE)
    return _SPACES.sub(" ", value).strip()


# Kept in multi-line text (Markdown bodies, messages, notes): joiners and direction marks that Persian, Arabic and
# Indic scripts need to spell words right. Neither can hide a formula nor reverse text as an override does.
_KEPT_IN_MULTILINE = {"\u200c", "\u200d", "\u200e", "\u200f", "\u061c"}
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")


def clean_multiline(value):
    """Return `value` fit to store as several lines: NFC, newlines kept (CR LF → LF), tabs kept, no other
    control characters, no zero-width or direction-override characters (RLO, LRI…), no surrogates or BOM.

    Spaces inside a line are left alone (Markdown indents lists with them); leading and trailing blank space
    of the whole text is removed.
    """
    if value is None:
        return ""
    value = _LINE_BREAKS.sub("\n", unicodedata.normalize("NFC", str(value)))
    value = "".join(
        ch for ch in value
        if ch in "\n\t" or ch in _KEPT_IN_MULTILINE or unicodedata.category(ch) not in _INVISIBLE
    )
    return value.strip()


def clean_cell(value):
    """clean_text for a value on its way out (an export cell or line), fast when it is already clean.

    Values are cleaned on save, but rows written before that rule, or by bulk writes that skip save(), may still
    hold control characters: XLSX and DOCX cannot store them, and one before "=" hid a formula from the guard.
    """
    if not value or value.isprintable():
        return value
    return clean_text(value)


def clean_attributes(obj, names, cleaner=None):
    """Clean the string attributes `names` of `obj` in place (clean_cell unless `cleaner` is given); returns obj."""
    cleaner = cleaner or clean_cell
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, str) and value:
            cleaned = cleaner(value)
            if cleaned is not value:
                setattr(obj, name, cleaned)
    return obj


# The text fields of an export row (letters.exports.Row) that come from what people typed.
ROW_TEXT_FIELDS = ("name", "acronym", "country_name", "affiliation", "sort_name", "signer_name", "signer_email",
                   "section", "region", "note")


_ROW_TEXTS = attrgetter(*ROW_TEXT_FIELDS)


def clean_row(row):
    """An export row with every text field one clean line (fast when already clean): the one export path calls
    this for every row, so no layout (text, CSV, XLSX, JSON, DOCX, PDF) meets a control character."""
    # Almost every row is clean already (names are cleaned on save): one C-level check of all ten fields
    # instead of ten calls; only a row that fails it goes field by field.
    if all_printable(_ROW_TEXTS(row)):
        return row
    return clean_attributes(row, ROW_TEXT_FIELDS)


def all_printable(texts):
    """Whether every value in `texts` is a str that clean_cell() would return unchanged (str.isprintable():
    no control, format (zero-width, bidi), surrogate, private-use or unassigned character, no line break, tab or
    space other than " "). False, never an error, when one is not a str: the caller then takes its slow path."""
    try:
        return "".join(texts).isprintable()
    except TypeError:
        return False


# What a spreadsheet may run as a formula when a cell (or a pasted line) starts with it: OWASP's list, plus the
# full-width forms that East Asian input methods type and some spreadsheets read as the ASCII ones.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def starts_like_formula(value):
    """Whether `value` would start a formula, also behind leading spaces or invisible characters
    (some spreadsheets and every clean-up step drop those, leaving the "=" first)."""
    if not value:
        return False
    if value.startswith(FORMULA_STARTS):
        return True
    first = value[0]
    if first.isprintable() and not first.isspace():
        return False
    for ch in value:
        if ch.isspace() or not ch.isprintable():
            if ch in "\t\r":
                return True
            continue
        return ch in FORMULA_STARTS
    return False


def neutralise(value):
    """A cell (or a pasted line) a spreadsheet shows as text: a leading ' before a formula start (OWASP's advice).

    Clean first (clean_cell), then neutralise: the other order let a control character hide the "=" until the
    XLSX writer removed it.
    """
    return "'" + value if starts_like_formula(value) else value


def neutralise_line(line):
    """A line of a plain-text layout, safe to paste into a spreadsheet: the line and each tab-separated part of
    it (the table layout) start no formula."""
    if "\t" in line:
        return "\t".join(neutralise(part) for part in line.split("\t"))
    return neutralise(line)


def export_cell(value):
    """A text value as it goes into a CSV/XLSX cell: cleaned, then neutralised. Non-text values pass through."""
    return neutralise(clean_cell(value)) if isinstance(value, str) else value


# What may start a formula at the beginning of a cell: FORMULA_STARTS, or a space that may hide one (see
# starts_like_formula). \t and \r are not printable, so plain_cells sends them to the slow path anyway.
_RISKY_FIRST = frozenset(" " + "".join(start for start in FORMULA_STARTS if start.isprintable()))
# The same after the "|" that joins the texts of a row (a "|" inside a text only makes the check stricter).
# The pattern starts with a literal so that the regex engine scans for it at C speed: "(?:^|\|)[…]" was 6× slower.
_RISKY_AFTER_BAR = re.compile("\\|[" + re.escape("".join(sorted(_RISKY_FIRST))) + "]")


def plain_cells(texts):
    """Whether export_cell() would return every value in `texts` unchanged: all printable (so clean) and none
    starting like a formula. Two C-level calls per row instead of one Python call per cell; a row that fails
    (rare: a hostile or old value, or a false alarm from a "|") goes through export_cell cell by cell."""
    try:
        joined = "|".join(texts)  # one string for both checks ("|" is printable)
    except TypeError:
        return False
    return joined.isprintable() and joined[:1] not in _RISKY_FIRST and not _RISKY_AFTER_BAR.search(joined)


def strip_accents(value):
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def default_sort_name(name):
    """The name without a leading article: "The Egyptian Initiative…" → "Egyptian Initiative…"."""
    name = clean_text(name)
    lowered = name.lower().translate(_QUOTES)
    for article in LEADING_ARTICLES:
        if lowered.startswith(article) and len(name) > len(article):
            return name[len(article) :].lstrip()
    return name


# Matching a long list asks for the same names' keys several times (exact match, fuzzy pass, base names).
@lru_cache(maxsize=65536)
def normalise_name(name):
    """A key under which two spellings of one name compare equal.

    Case, accents, punctuation, dashes, "&"/"and" and spacing are ignored, so "Association for Progressive
    Communications – APC" and "association for progressive communications - apc" give the same key.
    """
    value = strip_accents(clean_text(name)).casefold()
    value = value.translate(_DASHES).translate(_QUOTES).replace("&", " and ")
    value = _PUNCT.sub(" ", value)
    return _SPACES.sub(" ", value).strip()


def email_domain(email):
    return email.rsplit("@", 1)[-1].strip().lower() if email and "@" in email else ""
