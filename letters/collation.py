"""Locale-aware sort keys for signatory names, in pure Python (pyuca's Unicode collation table + CLDR tailorings).

Why not pyuca's own `sort_key`: it costs ~30 µs a name, 3 s for a 100,000-name list. Here a name's primary key
(letters only: case, accents and apostrophes ignored) is built by C-level calls, and the finer levels (accents,
then case) are only computed for names whose primary keys are equal:
- every character's weights are looked up once, lazily, and cached;
- primary weights get order-preserving, prefix-free byte codes: one byte for the ~94 weights of the Latin-1
  letters, digits and punctuation, a lead byte (placed between those) plus two bytes for every other weight. A
  Latin-1 name is then encoded and translated through a 256-byte table in well under a microsecond; any other
  name takes the per-character path, with the same codes, so both kinds of keys compare correctly.

Deliberate departures from the raw Unicode table, because coordinators expect them:
- apostrophes and quotation marks are ignored ("People's" sorts with "Peoples", "L’Enfant" with "L'Enfant"),
  and so are Spanish opening marks (¿ ¡);
- Spanish puts "ñ" after "n" as a letter of its own (CLDR's only tailoring among the languages we publish in;
  French, English and Portuguese use the root order; Chinese sorts by code point, not pinyin).
Contractions of the table (mostly non-Latin scripts) are not applied. PostgreSQL's ICU collations would do this
in the database, but only on PostgreSQL: this module gives the same order on SQLite and PostgreSQL.
"""

import threading
import unicodedata
from bisect import bisect_right

IGNORED = "'’‘‛‚`´\"“”„‟«»‹›¿¡"
# Characters outside Latin-1 that are ignored anyway: removed before the fast path is tried.
_IGNORED_WIDE = [ch for ch in IGNORED if ord(ch) > 0xFF]
# language → {letter: the letter whose weights it takes; it sorts right after that letter}.
TAILORINGS = {"es": {"ñ": "n", "Ñ": "N"}}

_lock = threading.RLock()
_state = {}


def _collator():
    if "collator" not in _state:
        with _lock:
            if "collator" not in _state:
                from pyuca import Collator

                _state["collator"] = Collator()
    return _state["collator"]


def _weights(char, level):
    elements = _collator().collation_elements(unicodedata.normalize("NFD", char))
    return [element[level] for element in elements if len(element) > level and element[level]]


def _common_weights():
    """Sorted primary weights that get one-byte codes: those of single Latin-1 characters."""
    if "common" not in _state:
        weights = set()
        for codepoint in range(0x20, 0x100):
            primary = _weights(chr(codepoint), 0)
            if len(primary) == 1:
                weights.add(primary[0])
        _state["common"] = sorted(weights)
        _state["codes"] = {weight: 2 * i + 2 for i, weight in enumerate(_state["common"])}
    return _state["common"], _state["codes"]


def _encode_primary(weight, tailored=False):
    """Even bytes 2…188 for common weights; odd lead byte (the gap it falls in) + 2 bytes for the others.

    A tailored letter (ñ) takes the gap just after its base letter's code, with the base weight as its two
    bytes: every real weight in that gap is larger, so it comes first there.
    """
    common, codes = _common_weights()
    if weight in codes and not tailored:
        return bytes((codes[weight],))
    return bytes((2 * bisect_right(common, weight) + 1,)) + weight.to_bytes(2, "big")


def _language(language):
    language = (language or "en").split("-")[0].lower()
    return language if language in TAILORINGS else "root"  # untailored languages share one cache


class _PrimaryTable(dict):
    """character → its primary byte codes, filled on first use."""

    def __init__(self, language):
        super().__init__()
        self.tailoring = TAILORINGS.get(language, {})

    def __missing__(self, char):
        if char in IGNORED:
            value = b""
        else:
            base = self.tailoring.get(char, char)
            weights = _weights(base, 0)
            tailored = char in self.tailoring
            value = b"".join(_encode_primary(w, tailored and i == 0) for i, w in enumerate(weights))
        self[char] = value  # dict assignment is atomic under the GIL: concurrent fills agree
        return value


class _LevelTable(dict):
    """ord(character) → its secondary (accents) or tertiary (case) weights as a string, for str.translate."""

    def __init__(self, level, language):
        super().__init__()
        self.level, self.tailoring = level, TAILORINGS.get(language, {})

    def __missing__(self, codepoint):
        char = chr(codepoint)
        weights = [] if char in IGNORED else _weights(self.tailoring.get(char, char), self.level)
        value = "".join(chr(weight + 2) for weight in weights)
        self[codepoint] = value
        return value


def _tables(language):
    language = _language(language)
    tables = _state.get(("tables", language))
    if tables is None:
        with _lock:
            tables = _state.get(("tables", language)) or _build_tables(language)
            _state[("tables", language)] = tables
    return tables


def _build_tables(language):
    primary = _PrimaryTable(language)
    fast, delete = bytearray(256), bytearray()
    for byte in range(256):
        char = chr(byte)
        code = primary[char]
        if not code:
            delete.append(byte)
        elif len(code) == 1 and char not in primary.tailoring:
            fast[byte] = code[0]
        # else: 0, "take the slow path" (ß, æ, fractions, a tailored letter)
    return {"primary": primary, "fast": bytes(fast), "delete": bytes(delete),
            "levels": (_LevelTable(1, language), _LevelTable(2, language))}


def primary_keyer(language):
    """A function name → bytes ordering names by their letters alone (case, accents, apostrophes ignored).

    Get it once per list: looking the tables up per name would cost as much as the key itself.
    """
    tables = _tables(language)
    fast, delete, table, wide = tables["fast"], tables["delete"], tables["primary"], _IGNORED_WIDE

    def primary_key(text):
        for char in wide:
            if char in text:
                text = text.replace(char, "")
        try:
            key = text.encode("latin-1").translate(fast, delete)
            if 0 not in key:
                return key
        except UnicodeEncodeError:
            pass
        return b"".join([table[char] for char in unicodedata.normalize("NFC", text)])

    return primary_key


def primary_key(text, language):
    return primary_keyer(language)(text)


def sort_key(text, language):
    """The full key: letters, then accents, then case, then the text itself (so the order is total)."""
    text = unicodedata.normalize("NFC", text)
    secondary, tertiary = _tables(language)["levels"]
    return primary_key(text, language), text.translate(secondary), text.translate(tertiary), text


def sorted_names(names, language):
    """`names` in collation order for `language` (for small lists and tests)."""
    return sorted(names, key=lambda name: sort_key(name, language))


def tie_runs(keys, order):
    """Runs (start, end) in `order` (indices into `keys`) whose keys are equal: they need the full key."""
    runs, start = [], 0
    for i in range(1, len(order) + 1):
        if i == len(order) or keys[order[i]] != keys[order[start]]:
            if i - start > 1:
                runs.append((start, i))
            start = i
    return runs
