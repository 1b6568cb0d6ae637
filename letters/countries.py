"""Country names in and out of lists: "Hong Kong", "Suisse", "International" ↔ codes, per language.

Reading: lists name countries in the letter's language or the organisation's own ("Brasil", "Moçambique",
"Deutschland"), so names are looked up in the CLDR territory names of many locales (Babel) plus the short forms
lists use (`EXTRA_NAMES`). Regions and scopes ("Global", "Southeast Asia", "Centroamérica") are read by
`lookup_region` into the project's pseudo-codes (XI, XF, XM, XS, XE, XL, XN, XP; see COUNTRIES_OVERRIDE).
"""

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from django.utils import translation
from django_countries import countries

from letters.parsing_words import key
from letters.text import normalise_name

# Names lists use that are neither ISO short names nor their CLDR translations.
EXTRA_NAMES = {
    "usa": "US", "us": "US", "u s": "US", "u s a": "US", "united states of america": "US", "estados unidos": "US",
    "etats unis": "US", "ee uu": "US", "eeuu": "US", "eua": "US",
    "uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "royaume uni": "GB", "reino unido": "GB",
    "republic of korea": "KR", "south korea": "KR", "korea": "KR", "coree du sud": "KR", "corea del sur": "KR",
    "hong kong": "HK", "hong kong sar": "HK", "russia": "RU", "russian federation": "RU", "iran": "IR",
    "syria": "SY", "vietnam": "VN", "viet nam": "VN", "palestine": "PS", "state of palestine": "PS",
    "occupied palestinian territory": "PS", "ivory coast": "CI", "cote d ivoire": "CI",
    "drc": "CD", "dr congo": "CD", "rdc": "CD", "rd congo": "CD", "r d congo": "CD",
    "democratic republic of the congo": "CD", "democratic republic of congo": "CD", "congo kinshasa": "CD",
    "republic of the congo": "CG", "congo brazzaville": "CG", "the gambia": "GM", "gambia": "GM",
    "the netherlands": "NL", "holland": "NL", "tanzania": "TZ", "bolivia": "BO", "venezuela": "VE",
    "laos": "LA", "lao pdr": "LA", "moldova": "MD", "burma": "MM", "czech republic": "CZ", "turkey": "TR",
    "turkiye": "TR", "swaziland": "SZ", "cape verde": "CV", "east timor": "TL", "macedonia": "MK",
    "uae": "AE", "ksa": "SA", "saudi": "SA", "prc": "CN", "rca": "CF", "brasil": "BR", "mexico": "MX",
    "mocambique": "MZ",
    # Regions, as lookup_country has always read them (lookup_region is the finer reading).
    "global": "XI", "internacional": "XI", "worldwide": "XI", "regional": "XI",
    "mena": "XM", "middle east": "XM", "latin america": "XL", "latinoamerica": "XL", "amerique latine": "XL",
    "afrique": "XF", "africa": "XF", "asia pacific": "XS", "asie": "XS",
}

# Locales whose CLDR territory names are read (the UN languages, the project's, and common list languages).
NAME_LOCALES = ("en", "fr", "es", "pt", "it", "de", "nl", "ca", "ar", "ru", "zh", "sv", "pl", "tr", "id", "sw")

# Regions and scopes written where a country would stand → (code, international?). Keys are normalise_name()d.
_INTERNATIONAL = (
    "international", "internacional", "internationale", "internacionais", "internazionale", "internationaal",
    "global", "globale", "globaal", "worldwide", "world", "world wide", "mondial", "mondiale", "monde", "mundial",
    "mundo", "mondo", "weltweit", "welt", "wereldwijd", "mondiaal", "multinational", "transnational",
)
# A regional scope that names no region ("Regional"): read as a region as written, with the code XI that
# lookup_country has always given "regional" (the project has no code for "several countries" but XI); it is no
# international scope, so the entry's country stays "" while its region code is XI.
_REGIONAL = ("regional", "regionales", "regionale", "regionais", "regionali", "regionaux", "multi country",
             "multicountry", "several countries", "multiple countries", "various countries", "varios paises",
             "plusieurs pays")
_REGIONS = {
    "XF": ("africa", "afrique", "afrika", "pan african", "panafrican", "pan africain", "panafricain",
           "panafricano", "panafricana", "pan africano", "pan africana", "panafrikanisch", "sub saharan africa",
           "subsaharan africa", "afrique subsaharienne", "africa subsahariana", "east africa", "eastern africa",
           "west africa", "western africa", "southern africa", "central africa", "horn of africa",
           "afrique de l ouest", "afrique de l est", "afrique centrale", "afrique australe", "africa occidental",
           "africa oriental", "africa austral", "africa central", "great lakes", "grands lacs"),
    "XM": ("mena", "middle east", "middle east and north africa", "north africa", "middle east north africa",
           "moyen orient", "moyen orient et afrique du nord", "afrique du nord", "maghreb", "mashreq",
           "medio oriente", "oriente medio", "oriente medio y norte de africa", "norte de africa", "oriente medio",
           "nahost", "naher osten", "nordafrika", "midden oosten", "arab region", "arab world", "monde arabe",
           "mundo arabe", "gulf", "gulf region", "golfe", "swana", "wana"),
    "XS": ("asia", "asie", "asien", "azie", "asia pacific", "asia and the pacific", "asie pacifique",
           "asia pacifico", "asia y el pacifico", "asien pazifik", "southeast asia", "south east asia",
           "south asia", "east asia", "central asia", "north east asia", "northeast asia", "asean",
           "asie du sud est", "asie du sud", "asie centrale", "sudeste asiatico", "asia sudoriental",
           "sud est asiatico",
           "sudostasien", "sudasien", "zentralasien", "asia central", "asia del sur", "asia meridional",
           "sul da asia", "asia oriental", "asie de l est", "indo pacific"),
    "XE": ("europe", "europa", "european union", "eu", "union europeenne", "union europea", "uniao europeia",
           "unione europea", "europaische union", "europese unie", "western europe", "eastern europe",
           "central europe", "central and eastern europe", "balkans", "western balkans", "eurasia",
           "europe de l est", "europe de l ouest", "europa oriental", "europa occidental", "osteuropa",
           "westeuropa", "caucasus", "south caucasus", "nordic countries", "scandinavia"),
    "XL": ("latin america", "latinoamerica", "latino america", "america latina", "amerique latine",
           "lateinamerika", "latijns amerika", "america llatina", "latin america and the caribbean",
           "america latina y el caribe", "amerique latine et caraibes", "central america",
           "centroamerica", "centro america", "america central", "amerique centrale", "mittelamerika",
           "midden amerika", "mesoamerica", "caribbean", "the caribbean", "caribe", "el caribe", "caraibes",
           "caraibi", "karibik", "caribisch gebied", "south america", "sudamerica", "suramerica",
           "america del sur", "america do sul", "amerique du sud", "sudamerika", "zuid amerika", "andes",
           "andean region", "region andina", "amazonia", "amazonie", "cono sur", "abya yala"),
    "XN": ("north america", "northern america", "norteamerica", "america del norte", "america do norte",
           "amerique du nord", "nordamerika", "noord amerika", "nord america", "america del nord"),
    "XP": ("pacific", "the pacific", "pacific islands", "pacifique", "pacifico", "pazifik", "oceania", "oceanie",
           "ozeanien", "oceanie", "australasia", "melanesia", "polynesia", "micronesia"),
}
# CLDR's own region codes (UN M49) → the project's, so every locale's name for them is read too.
_M49 = {
    "001": "XI", "002": "XF", "011": "XF", "014": "XF", "017": "XF", "018": "XF", "202": "XF", "015": "XM",
    "145": "XM", "142": "XS", "143": "XS", "030": "XS", "034": "XS", "035": "XS", "150": "XE", "151": "XE",
    "154": "XE", "155": "XE", "039": "XE", "EU": "XE", "419": "XL", "005": "XL", "013": "XL", "029": "XL",
    "021": "XN", "009": "XP", "053": "XP", "054": "XP", "057": "XP", "061": "XP",
}


def _locales():
    for code in NAME_LOCALES:
        try:
            yield Locale.parse(code)
        except (UnknownLocaleError, ValueError):  # a Babel without that locale's data: fewer names, no failure
            continue


@lru_cache(maxsize=1)
def _name_index():
    index = {}
    for language in ("en", "fr", "es"):
        with translation.override(language):
            for code, name in countries:
                index.setdefault(normalise_name(str(name)), code)
    for locale in _locales():
        for code, name in locale.territories.items():
            if len(code) == 2 and code.isalpha() and code in countries:
                index.setdefault(normalise_name(name), code)
    index.update(EXTRA_NAMES)
    return index


@lru_cache(maxsize=1)
def _region_index():
    index = {key: ("XI", True) for key in _INTERNATIONAL}
    index.update({key: ("XI", False) for key in _REGIONAL})
    for code, names in _REGIONS.items():
        index.update({name: (code, False) for name in names})
    for locale in _locales():
        for m49, code in _M49.items():
            name = locale.territories.get(m49)
            if name:
                index.setdefault(normalise_name(name), (code, code == "XI"))
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


def lookup_region(text):
    """(region code, international?) for a region or scope written where a country would stand; ("", False).

    "Global", "Worldwide", "Internacional" → ("XI", True); "Southeast Asia" → ("XS", False); "Centroamérica" →
    ("XL", False). "Regional" names no region but is a scope: ("XI", False), as lookup_country reads it ("XI").
    """
    key = normalise_name(text or "")
    if not key or len(key) > 60:
        return "", False
    return _region_index().get(key, ("", False))


@lru_cache(maxsize=1)
def place_first_words():
    """The first word of every country, region and scope name (keys): a quick "cannot start a place" test."""
    keys = set(_name_index()) | set(_region_index()) | set(EXTRA_NAMES)
    return frozenset(key.split()[0] for key in keys if key)


def place_codes(text):
    """(country code, region code, region?) for `text`: ("KE", "", False) for "Kenya", ("XI", "XI", True) for
    "Global", ("", "XS", True) for "Southeast Asia", ("", "XI", True) for "Regional", ("", "", False) for neither."""
    if not text or len(text) > 48:
        return "", "", False
    return _place_codes(key(text))


@lru_cache(maxsize=65536)
def _place_codes(key):
    if not key or len(key.split()) > 7:
        return "", "", False
    if key in _region_index():
        region, international = _region_index()[key]
        return ("XI" if international else ""), region, True
    if key in EXTRA_NAMES:
        code = EXTRA_NAMES[key]
    elif len(key) == 2:
        return "", "", False  # two-letter words ("UK" aside) are too ambiguous in names to read as codes
    else:
        code = _name_index().get(key, "")
    if code.startswith("X"):  # a region lookup_country knows under a spelling lookup_region does not
        return ("XI" if code == "XI" else ""), code, True
    return code, "", False


# CLDR's standard names are everyday names ("Chad", "Tchad") but for a few territories whose standard name is a
# political formula lists never use ("Hong Kong SAR China", "Congo - Kinshasa") or an abbreviation ("Маршалловы
# о-ва"): those read as coalitions' lists write them. CLDR has "short"/"variant" forms for some of them, which
# Babel does not load. (language, code) → name; the language's base code, as Babel names locales.
EVERYDAY_NAMES = {
    ("en", "HK"): "Hong Kong", ("fr", "HK"): "Hong Kong", ("es", "HK"): "Hong Kong", ("ar", "HK"): "هونغ كونغ",
    ("ru", "HK"): "Гонконг", ("zh", "HK"): "中国香港",
    ("en", "MO"): "Macao", ("fr", "MO"): "Macao", ("es", "MO"): "Macao", ("ar", "MO"): "ماكاو", ("ru", "MO"): "Макао",
    ("zh", "MO"): "中国澳门",
    ("en", "PS"): "Palestine", ("fr", "PS"): "Palestine", ("es", "PS"): "Palestina", ("ar", "PS"): "فلسطين",
    ("ru", "PS"): "Палестина", ("zh", "PS"): "巴勒斯坦",
    ("en", "CD"): "Democratic Republic of the Congo", ("fr", "CD"): "République démocratique du Congo",
    ("ar", "CD"): "جمهورية الكونغو الديمقراطية", ("ru", "CD"): "Демократическая Республика Конго",
    ("zh", "CD"): "刚果民主共和国",
    ("en", "CG"): "Republic of the Congo", ("fr", "CG"): "République du Congo", ("es", "CG"): "República del Congo",
    ("ar", "CG"): "جمهورية الكونغو", ("ru", "CG"): "Республика Конго", ("zh", "CG"): "刚果共和国",
    ("en", "TT"): "Trinidad and Tobago", ("en", "AG"): "Antigua and Barbuda", ("en", "BA"): "Bosnia and Herzegovina",
    ("en", "KN"): "Saint Kitts and Nevis", ("en", "VC"): "Saint Vincent and the Grenadines",
    ("en", "ST"): "São Tomé and Príncipe", ("en", "PM"): "Saint Pierre and Miquelon", ("en", "WF"): "Wallis and Futuna",
    ("ru", "MH"): "Маршалловы Острова", ("ru", "SB"): "Соломоновы Острова",
    ("en", "TC"): "Turks and Caicos Islands", ("en", "HM"): "Heard Island and McDonald Islands",
}
# Russian CLDR abbreviates "острова" (islands) in territory names.
# (States keep "Острова" capitalised, as the UN writes them: EVERYDAY_NAMES.)
_ABBREVIATIONS = {"ru": ((" о-ва", " острова"), ("о-ва ", "Острова "), (" о-в", " остров"), ("о-в ", "Остров "))}


def _babel_locale(language):
    """The Babel locale for a Django language code (zh-hans → zh_Hans); None when Babel has no data for it."""
    try:
        return Locale.parse((language or "en").replace("-", "_"), sep="_")
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse((language or "en").split("-")[0])
        except (UnknownLocaleError, ValueError):
            return None


@lru_cache(maxsize=64)
def country_names(language):
    """{code: name in `language`} for every country and the project's regions (XI, XF…).

    Countries: CLDR territory names (Babel), everyday forms (EVERYDAY_NAMES), in any language Babel knows, letter
    languages without an interface included. Regions and scopes: the interface's translations (settings'
    COUNTRIES_OVERRIDE), English where the interface does not speak the language."""
    locale = _babel_locale(language)
    territories = locale.territories if locale else {}
    base = (language or "en").split("-")[0].lower()
    with translation.override(language):
        names = {}
        for code, fallback in countries:
            name = None if code.startswith("X") else EVERYDAY_NAMES.get((base, code)) or territories.get(code)
            for short, full in _ABBREVIATIONS.get(base, ()) if name else ():
                name = name.replace(short, full)
            names[code] = name or str(fallback)
    return names


def country_name(code, language):
    """The country's name in `language` ("Suisse" for CH in French, "Tchad" for TD); "" for no country."""
    if not code:
        return ""
    return country_names(language).get(str(code)) or str(code)


@lru_cache(maxsize=64)
def sorted_country_names(language):
    """((code, name), …) of the countries (regions left out) in the alphabetical order of `language` (ICU)."""
    from letters.collation import sort_key

    names = country_names(language)
    return tuple(sorted(((code, name) for code, name in names.items() if not code.startswith("X")),
                        key=lambda pair: sort_key(pair[1], language)))


@lru_cache(maxsize=64)
def sorted_region_names(language):
    """((code, name), …) of the project's regions: "International" first, then the others alphabetically."""
    from letters.collation import sort_key

    names = country_names(language)
    regions = [(code, name) for code, name in names.items() if code.startswith("X")]
    return tuple(sorted(regions, key=lambda pair: (pair[0] != "XI", sort_key(pair[1], language))))
