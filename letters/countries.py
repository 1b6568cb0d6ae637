"""Country names in and out of lists: "Hong Kong", "Suisse", "International" ↔ codes, per language."""

from functools import lru_cache

from django.utils import translation
from django_countries import countries

from letters.text import normalise_name

# Names lists use that are neither ISO short names nor their translations.
EXTRA_NAMES = {
    "usa": "US", "us": "US", "united states of america": "US", "estados unidos": "US", "etats unis": "US",
    "uk": "GB", "great britain": "GB", "england": "GB", "royaume uni": "GB", "reino unido": "GB",
    "republic of korea": "KR", "south korea": "KR", "korea": "KR", "coree du sud": "KR", "corea del sur": "KR",
    "hong kong": "HK", "hong kong sar": "HK", "russia": "RU", "iran": "IR", "syria": "SY", "vietnam": "VN",
    "palestine": "PS", "ivory coast": "CI", "cote d ivoire": "CI", "drc": "CD", "dr congo": "CD",
    "democratic republic of the congo": "CD", "the gambia": "GM", "gambia": "GM", "the netherlands": "NL",
    "tanzania": "TZ", "bolivia": "BO", "venezuela": "VE", "laos": "LA", "moldova": "MD", "burma": "MM",
    "global": "XI", "internacional": "XI", "worldwide": "XI", "regional": "XI",
    "mena": "XM", "middle east": "XM", "latin america": "XL", "latinoamerica": "XL", "amerique latine": "XL",
    "afrique": "XF", "africa": "XF", "asia pacific": "XS", "asie": "XS",
}


@lru_cache(maxsize=1)
def _name_index():
    index = {}
    for language in ("en", "fr", "es"):
        with translation.override(language):
            for code, name in countries:
                index.setdefault(normalise_name(str(name)), code)
    index.update(EXTRA_NAMES)
    return index


def lookup_country(text):
    """The code for a country as written in a list ("Switzerland", "Suisse", "International"), or ""."""
    key = normalise_name(text or "")
    if not key:
        return ""
    if key in EXTRA_NAMES:
        return EXTRA_NAMES[key]
    if len(key) == 2 and key.upper() in countries:
        # Two-letter words ("UK" aside) are too ambiguous in names to read as codes.
        return ""
    return _name_index().get(key, "")


def country_name(code, language):
    """The country's name in `language` ("Suisse" for CH in French); "" for no country."""
    if not code:
        return ""
    with translation.override(language):
        return str(countries.name(str(code)) or code)
