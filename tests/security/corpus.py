"""Hostile input for the security tests, and the checks every export must pass with it.

HIDDEN_FORMULAS: spreadsheet formula starts behind characters that cleaning removes (control, zero-width, bidi,
BOM…): the guard must look at the value as the file will hold it. HOSTILE: at least 150 values a form field may
receive (control characters, NUL, zero-width and bidi characters, hidden formulas, 1 MB strings, CRLF in emails,
IDN domains and addresses, HTML/script markup). RAW_BODIES: request bodies that are not UTF-8 at all.
"""

import csv
import io
import json
import re
import unicodedata
from itertools import product

FORMULA_CHARS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# What hides a formula start until something removes it: C0/C1 controls, zero-width, joiners, BOM, soft hyphen,
# bidi overrides and isolates, a line separator, spaces and tabs.
HIDERS = ("\x01", "\x1b", "\x7f", "\x85", "\u200b", "\u200d", "\ufeff", "\u00ad", "\u202e", "\u2066", "\u2028",
          " \x07", "\t", "\u3000")
HIDDEN_FORMULAS = [f'{hider}{prefix}HYPERLINK("http://evil.example/{index}","x")'
                   for index, (prefix, hider) in enumerate(product(FORMULA_CHARS, HIDERS))]

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
MEGABYTE = "A" * 1_000_000

HOSTILE = [
    # control characters, one by one (C0, DEL, C1), inside an otherwise ordinary name
    *[f"Org{chr(code)}Name" for code in (*range(0x00, 0x20), 0x7F, 0x80, 0x85, 0x9B, 0x9F)],
    # zero-width, joiners, BOM, soft hyphen, bidi marks, embeddings, overrides and isolates
    *[f"Rights{ch}Watch" for ch in ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e",
                                     "\u200e", "\u200f", "\u061c", "\u202a", "\u202b", "\u202c", "\u202d",
                                     "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\ufff9", "\U000e0001")],
    "\u202egpj.exe Rights Org",
    "\u200b\u200d\ufeff",
    # formula starts, plain and hidden
    '=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)",
    "\uff1dSUM(1)", "\t=1", "\r=1", *HIDDEN_FORMULAS[::3],
    # NUL and friends
    "\x00", "Org\x00Name", "\x00=1", "a\x00" * 50,
    # line breaks of every kind
    "Line one\nLine two", "Line one\r\nLine two", "a\rb", "a\u2028b", "a\u2029b", "a\x0bb\x0cc",
    # markup
    SCRIPT, IMG, "<b>bold</b>", "</textarea><script>alert(2)</script>", "{{ 7*7 }}", "{% debug %}",
    "javascript:alert(1)", "&lt;script&gt;", "<!--", "]]>", "\"'`", "Fish & Chips",
    # SQL and format strings
    "Robert'); DROP TABLE letters_signature;--", "%(name)s %s {0} {name}", "\\", "' OR 1=1 --",
    # lengths
    "", " ", "   \t  ", "x", "A" * 301, "A" * 10_000, MEGABYTE,
    # scripts, emoji, combining marks, surrogate-like text
    "منظمة العفو الدولية", "שלום", "人权观察", "Пра́ва", "🌍 Climate Justice 🌱", "👩🏽‍⚖️ Lawyers",
    "Z\u0351\u0352\u0353a\u0354\u0355lgo", "e\u0301cole", "\ufffd\ufffd", "\U0010fffd",
    # emails and domains: CRLF header injection, IDN, odd forms
    "a@b.c\r\nBcc: victim@example.org", "victim@example.org\nSubject: hi", "user@exämple.org",
    "user@xn--exmple-cua.org",
    "δοκιμή@παράδειγμα.δοκιμή", "用户@例子.广告", "\"quoted\"@example.org", "a@b", "@example.org",
    f"{'x' * 300}@example.org", "user@example.org\x00", "USER@EXAMPLE.ORG ",
    # URLs
    "http://例子.测试", "https://xn--fsqu00a.xn--0zwm56d", "file:///etc/passwd", "//evil.example",
    "data:text/html,<script>alert(1)</script>", "http://127.0.0.1:8000/admin/",
]

# Request bodies that are not UTF-8 (a browser never sends them; a script may).
RAW_BODIES = [b"organisation_name=\xff\xfe\xfd&signer_email=a%40b.example", b"\xc3\x28=\xa0\xa1",
              b"name=%FF%FE%00", b"\x00\x00\x00"]

_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def invisible(ch):
    return unicodedata.category(ch) in _INVISIBLE


def visible_start(text):
    """`text` without leading spaces and invisible characters: what a tolerant spreadsheet would look at."""
    for index, ch in enumerate(text):
        if not (ch.isspace() or invisible(ch)):
            return text[index:]
    return ""


def starts_formula(text):
    return bool(text) and (text[0] in FORMULA_CHARS or text[0] in "\t\r"
                           or visible_start(text)[:1] in FORMULA_CHARS)


def assert_no_invisible(text, where, allowed="\n"):
    bad = sorted({f"U+{ord(ch):04X}" for ch in text if invisible(ch) and ch not in allowed})
    assert not bad, f"{where}: {bad} in {text[:200]!r}"


def check_xlsx(content, where="xlsx"):
    """No formula cell, no text cell that starts one (after leading invisibles); returns the text cells."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(content))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{where}: formula cell {cell.coordinate} {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not starts_formula(cell.value), f"{where}: {cell.coordinate} {cell.value!r}"
                    assert_no_invisible(cell.value, where)
                    texts.append(cell.value)
    return texts


def check_csv(text, where="csv"):
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    for row in rows:
        for cell in row:
            assert not starts_formula(cell), f"{where}: {cell!r}"
            assert_no_invisible(cell, where)
    return rows


def check_json(text, where="json"):
    data = json.loads(text)

    def walk(value):
        if isinstance(value, str):
            assert_no_invisible(value, where)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    return data


_MARKDOWN_MARKER = re.compile(r"^(?:- |### )")
# What no escaped output may contain: a live tag from the corpus.
_LIVE_MARKUP = re.compile(r"<(?:script|img|b|/textarea)\b", re.IGNORECASE)


def check_text(text, layout, where=None):
    """A text layout: no invisible characters; no line (nor tab-separated part) starts a formula; in Markdown
    and HTML the text after the marker or tag does not either, and HTML holds no live markup from the data."""
    where = where or layout
    assert_no_invisible(text, where, allowed="\n\t")
    for line in text.split("\n"):
        if layout == "html":
            assert not _LIVE_MARKUP.search(line), f"{where}: {line!r}"
            assert not starts_formula(line), f"{where}: {line!r}"
            continue
        if layout == "markdown":
            content = _MARKDOWN_MARKER.sub("", line)
            assert content[:1] not in ("=", "+", "-"), f"{where}: {line!r}"
            continue
        for part in line.split("\t"):
            assert not starts_formula(part), f"{where}: {line!r}"


def check_docx(content, where="docx"):
    from docx import Document

    document = Document(io.BytesIO(content))
    for paragraph in document.paragraphs:  # the letter's body may keep joiners and direction marks (clean_multiline)
        assert_no_invisible(paragraph.text, where, allowed="\n\t\u200c\u200d\u200e\u200f\u061c")
    return document


def check_pdf(content, where="pdf"):
    assert content.startswith(b"%PDF"), where
