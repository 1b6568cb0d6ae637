"""Small, dependency-free helpers for organisation names.

Kept apart from matching.py (which needs rapidfuzz and the database) so that models can use them on save.
"""

import re
import unicodedata

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
