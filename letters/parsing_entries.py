"""Reading one entry's parts: name, country or region, an individual's affiliation, a description column.

A tail is read as a country only when it is one (or a region): "(FEU)", "(radioecologicadelsur.org)" or
" – APC" stay in the name. Whether an organisation's country tail is split off is decided per section by
parsing.py (see `find_tail`), because published lists keep a country inside some names.
"""

import re
from dataclasses import dataclass

from letters import parsing_words as words
from letters.countries import place_codes
from letters.parsing_model import INDIVIDUAL, ORGANISATION

_TAIL_SEPARATOR = re.compile(r",\s*|\s+[-–—|]\s+")
_PLACE_JOINS = (" / ", "/", " & ", " and ", " y ", " et ", " e ", " und ", " en ")
# First words of an individual's affiliation ("Jonas Lindqvist, journalist, Sweden").
JOB_WORDS = frozenset("""
professor professora profesora profesor professeur professeure professorin hoogleraar catedratica catedratico
director directora directeur directrice direttore direttrice direktor direktorin executive president presidente
presidenta chair chairperson member miembro membre membro mitglied coordinator coordinadora coordinador
coordinatrice coordinateur founder fundadora fundador fondatrice fondateur cofounder co founder senior
lecturer researcher investigadora investigador chercheuse chercheur ricercatore ricercatrice forscher
forscherin onderzoeker journalist journaliste periodista jornalista giornalista journalistin lawyer abogada
abogado avocate avocat advogada advogado avvocata avvocato rechtsanwalt rechtsanwaltin advocaat activist
activista militante attivista aktivistin former ex ancien ancienne antiguo antigua expert experta experto
consultant consultora consultor writer escritora escritor ecrivain scrittrice scrittore author autora autor
doctor doctora medecin medico medica physician economist economista historian historiadora historiador
sociologist sociologa sociologo anthropologist antropologa antropologo fellow independent retired
defender defensora defensor head jefa jefe chief deputy vice secretary secretaria secretario general
""".split())


@dataclass
class Place:
    country: str = ""
    country_text: str = ""
    region: str = ""
    region_code: str = ""
    city: str = ""  # a city written before the country ("Nairobi" in "X, Nairobi, Kenya"), with find_tail(cities=)


def read_place(text):
    """A Place when `text` is a country, a region or a scope ("Brasil", "Latinoamérica", "UK / Europe")."""
    text = text.strip(" .;")
    if len(text) > 48:
        return None
    country, region, is_region = place_codes(text)
    if is_region:
        return Place(country=country, country_text=text, region=text, region_code=region)
    if country:
        return Place(country=country, country_text=text)
    return _read_places(text)


def _read_places(text):
    """"UK / Europe", "Kenya and Uganda": the first country (and the first region) named."""
    for join in _PLACE_JOINS:
        if join in text:
            places = [read_place(part) for part in text.split(join)]
            if all(places):
                country = next((p.country for p in places if p.country and p.country != "XI"), "")
                region = next((p for p in places if p.region), Place())
                return Place(country=country or region.country, country_text=text, region=region.region,
                             region_code=region.region_code)
    return None


def find_tail(text, cities=False):
    """(name, Place) when `text` ends with a country or region: ", Country", " - Country", " (Country)".

    The shortest tail wins, so "Asia Pacific Forum on Women, Law and Development / APWLD - Asia Pacific" keeps its
    comma and "Name (ACRONYM) (Country)" keeps its acronym. With `cities`, a city before the country
    ("X, Nairobi, Kenya", "X (Nairobi, Kenya)") goes with the tail, in Place.city (see _city_before).
    """
    text = text.rstrip()
    if text.endswith(")"):
        start = _opening(text)
        if start > 0:
            inside, name = text[start + 1:-1], text[:start].rstrip(" ,-–—")
            place = read_place(inside)
            if not place and cities and "," in inside:
                city, _comma, country = inside.rpartition(",")
                place = read_place(country) if _city_like(city.strip()) else None
                if place:
                    place.city = city.strip()
            if place and name:
                return name, place
            return None  # "(FEU)", "(radioecologicadelsur.org)": part of the name
    for match in reversed(list(_TAIL_SEPARATOR.finditer(text))):
        tail = text[match.end():]
        if len(tail) > 60:
            break
        name = text[:match.start()].rstrip()
        place = read_place(tail) if tail.count("(") == tail.count(")") else None
        if place and name and any(ch.isalnum() for ch in name):
            return _city_before(name, place) if cities else (name, place)
    return None


def _city_before(name, place):
    """"X, Nairobi" before ", Kenya": (X, Place with city "Nairobi"); else (name, place) unchanged."""
    head, comma, city = name.rpartition(",")
    if comma and head.strip() and _city_like(city.strip()):
        place.city = city.strip()
        return head.rstrip(" ,"), place
    return name, place


def _city_like(text):
    """One to three capitalised words that are neither a place nor words organisations' names use ("Nairobi",
    "São Paulo", "Cape Town"): "Law and Development", "Justice" or "Africa Division" are no city."""
    tokens = text.split()
    if not 1 <= len(tokens) <= 3 or read_place(text):
        return False
    if not all(words.is_name_word(token) for token in tokens) or not tokens[0][:1].isupper():
        return False
    if any(token.lower() in words.CONNECTORS and token.lower() not in words.NAME_PARTICLES for token in tokens):
        return False
    keys = words.key(text).split()
    return not any(key in words.ORG_WORDS or key in JOB_WORDS for key in keys) and not any(
        read_place(token) for token in tokens)


def _opening(text):
    """Index of the "(" that the final ")" closes, or -1."""
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        if text[index] == ")":
            depth += 1
        elif text[index] == "(":
            depth -= 1
            if depth == 0:
                return index
    return -1


def split_top_level(text, separators=",;"):
    """Split on separators that are not inside parentheses ("Initiative (A, B), Next" stays two pieces)."""
    if not any(separator in text for separator in separators):
        return [text.strip()] if text.strip() else []
    if "(" not in text and "[" not in text:
        pieces = re.split("[" + re.escape(separators) + "]", text)
        return [piece.strip() for piece in pieces if piece.strip()]
    pieces, depth, current = [], 0, []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if ch in separators and depth == 0:
            pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    pieces.append("".join(current))
    return [piece.strip() for piece in pieces if piece.strip()]


# --- people ----------------------------------------------------------------------------------------------------


def is_person_line(text, section_kind):
    """Whether a line outside an individuals section still reads as a person's: title, "Name / affiliation"…"""
    prefix = words.title_prefix(text)
    first = re.split(r"\s*(?:,|/|\(|\s[-–—]\s)\s*", text, maxsplit=1)[0]
    if prefix and words.looks_like_person(first):
        return True
    if section_kind == ORGANISATION:
        return False
    if " / " in text and words.looks_like_person(text.split(" / ", 1)[0]):
        return True
    parts = split_top_level(text, ",")
    if len(parts) >= 3 and words.looks_like_person(parts[0]):
        second = parts[1].split()[0]
        return second[:1].islower() or second.lower().strip(".") in JOB_WORDS
    return False


# JOB_WORDS that qualify a job rather than name one ("Independent think tank" describes an organisation).
_JOB_QUALIFIERS = frozenset("former ex ancien ancienne antiguo antigua independent senior executive retired vice "
                            "deputy general head chief member".split())


def names_a_job(text):
    """Whether a cell reads as a person's job ("Professor of Law, Chennai", "Public health researcher")."""
    first_part = split_top_level(text, ",;")[0] if text else ""
    keys = words.key(first_part).split()
    jobs = JOB_WORDS - _JOB_QUALIFIERS
    return bool(keys) and (keys[0] in jobs or keys[-1] in jobs)


def is_person_row(name, other_cells):
    """A table row of unknown kind whose name is a person's and another cell names a job: an individual."""
    return words.looks_like_person(name) and any(names_a_job(cell) for cell in other_cells)


def read_person(text):
    """(name, affiliation, Place or None) from "Name / affiliation", "Name, title, organisation, Country"…"""
    name, rest = _split_person(text)
    if not rest:
        return name, "", None
    place = read_place(rest)
    if place:
        return name, "", place
    tail = find_tail(rest)
    if tail:
        return name, tail[0], tail[1]
    return name, rest, None


def person_name_part(text):
    """The part of `text` read_person would take as the person's name."""
    return _split_person(text)[0]


def _split_person(text):
    if " / " in text:
        name, rest = text.split(" / ", 1)
        return name.strip(), rest.strip()
    parts = split_top_level(text, ",")
    if len(parts) > 1:
        return parts[0], ", ".join(parts[1:])
    for dash in (" – ", " — ", " - "):
        if dash in text:
            name, rest = text.split(dash, 1)
            return name.strip(), rest.strip()
    if text.endswith(")") and _opening(text) > 0:
        start = _opening(text)
        return text[:start].strip(), text[start + 1:-1].strip()
    return text, ""


def kind_of(text, section_kind, header_kind=""):
    kind = section_kind or header_kind
    if kind == INDIVIDUAL or is_person_line(text, kind):
        return INDIVIDUAL
    return ORGANISATION
