"""Locale-aware sort keys for signatory names: ICU collation (CLDR rules per language), with our own rules on top.

ICU (the `pyicu-wheels` package, which bundles the ICU library) gives every language its CLDR order: pinyin for
Chinese, Spanish "ñ" after "n", Russian and Arabic alphabets, French accents. Its sort keys are bytes computed in
C (well under a microsecond a name), so a 100,000-name list is keyed and sorted in a fraction of a second
(`bench/bench_collation.py`). The keys are plain bytes, so SQLite (where the export query calls `primary_keyer`)
and PostgreSQL (where the rows are keyed in Python) give one and the same order; PostgreSQL's own ICU collations
would only exist on one of the two.

Two levels, as before:
- `primary_keyer(language)`: letters alone (case and accents ignored), the key most names are sorted by;
- `sort_key(text, language)`: the full key (accents, then case, then the text itself), only for names whose primary
  keys are equal.

The project's rules on top of CLDR, because coordinators expect them:
- apostrophes and quotation marks are ignored ("People's" sorts with "Peoples", "L’Enfant" with "L'Enfant"),
  and so are Spanish opening marks (¿ ¡);
- leading articles ("The", "Les", "El") are dropped before a name gets here (sort names, `text.default_sort_name`).
"""

import re
import threading
import unicodedata
from itertools import compress, count, islice
from operator import eq

import icu

# Stored with every name's key (models/sortkeys.py): an upgraded ICU may order names differently, and keys stored
# under another version are computed again. Bump the number after it when the rules here or the choice of the name
# a row sorts under (ordering.effective_sort_name, without_article, text.LEADING_ARTICLES) change: stored keys then
# stop matching.
VERSION = f"icu{icu.ICU_VERSION}-1"

IGNORED = "'’‘‛‚`´\"“”„‟«»‹›¿¡"
_DELETE = str.maketrans("", "", IGNORED)
# For the primary keys of 100,000 names: a regex finds these about 2× faster than frozenset.isdisjoint (a 1-character
# str per character) and removes them 3× faster than str.translate with a dict (a lookup per character).
_IGNORED_RE = re.compile("[" + re.escape(IGNORED) + "]")

# ICU collators are cheap to use but not documented as safe to share between threads: one set per thread.
_local = threading.local()


def icu_locale(language):
    """The ICU locale for a Django language code ("zh-hans" → zh_Hans); an unknown code falls back to the root."""
    return icu.Locale.forLanguageTag((language or "en").replace("_", "-"))


def _collator(language, strength):
    cache = getattr(_local, "collators", None)
    if cache is None:
        cache = _local.collators = {}
    key = ((language or "en").lower(), strength)
    collator = cache.get(key)
    if collator is None:
        collator = icu.Collator.createInstance(icu_locale(language))
        collator.setStrength(strength)
        # Canonically equivalent texts (a precomposed "é" and "e" + combining accent) get the same key.
        collator.setAttribute(icu.UCollAttribute.NORMALIZATION_MODE, icu.UCollAttributeValue.ON)
        cache[key] = collator
    return collator


def primary_keyer(language):
    """A function name → bytes ordering names by their letters alone (case, accents, apostrophes ignored).

    Get it once per list: it binds the language's collator, so each call is one regex scan and one C call.
    """
    get_key = _collator(language, icu.Collator.PRIMARY).getSortKey
    search, sub = _IGNORED_RE.search, _IGNORED_RE.sub

    def primary_key(text):
        # Most names have no quote or apostrophe: only those pay for a copy without them.
        return get_key(sub("", text) if search(text) else text)

    return primary_key


def primary_keys(texts, language):
    """[primary_keyer(language)(text) for text in texts], faster for many: the ignored marks are removed from all
    texts in one regex pass (joined by NUL, which no database text holds), and ICU is mapped over them in C."""
    if not texts:
        return []
    joined = "\0".join(texts)
    if _IGNORED_RE.search(joined):
        stripped = _IGNORED_RE.sub("", joined).split("\0")
        texts = stripped if len(stripped) == len(texts) else [_IGNORED_RE.sub("", text) for text in texts]
    return stripped_primary_keys(texts, language)


def stripped_primary_keys(texts, language):
    """primary_keys() of texts that hold none of the IGNORED marks (the database removed them): ICU alone."""
    return list(map(_collator(language, icu.Collator.PRIMARY).getSortKey, texts))


def primary_key(text, language):
    return primary_keyer(language)(text)


def sort_key(text, language):
    """The full key: letters, then accents, then case (ICU's tertiary key), then the text itself: a total order."""
    key = _collator(language, icu.Collator.TERTIARY).getSortKey(text.translate(_DELETE))
    return key, unicodedata.normalize("NFC", text)


def sorted_names(names, language):
    """`names` in collation order for `language` (for small lists, menus and tests)."""
    return sorted(names, key=lambda name: sort_key(name, language))


def tie_runs(keys, order):
    """Runs (start, end) in `order` (indices into `keys`) whose keys are equal: they need the full key.

    Neighbours are compared by map() and compress() in C: a Python loop over 100,000 positions cost more than the
    sort itself, and ties are rare, so only the positions of equal neighbours reach Python."""
    ranked = list(map(keys.__getitem__, order))
    runs = []
    for i in compress(count(), map(eq, ranked, islice(ranked, 1, None))):  # ranked[i] == ranked[i + 1]
        if runs and runs[-1][1] == i + 1:
            runs[-1] = (runs[-1][0], i + 2)
        else:
            runs.append((i, i + 2))
    return runs
