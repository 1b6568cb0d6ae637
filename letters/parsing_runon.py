"""Run-on blocks: several organisations whose separators were lost when the list was pasted.

"Greenpeace México Fundación Pachamama - Ecuador Amazon Watch Centro Mexicano…" must not become one long
organisation. A line is flagged when at least two *strong* signs of a new name stand inside it:
- a " - Country" tail followed by more capitalised words (two " - Country" tails with another name after the
  first flag a line however short: "Fundación Pachamama - Ecuador Colectivo Casa - Bolivia");
- a country or region followed by a capitalised word ("México Fundación");
- a word names start with in languages that put the kind of body first ("Fundación", "Centro", "Réseau"),
  after a capitalised word;
- a number "2." inside the line (a numbered list that lost its line breaks);
- three or more directory names in a row (when the directory's names are given).
Weaker signs (an English name's last word such as "Watch" before a capitalised word; a region after "el")
only refine the proposed split of a line already flagged, so that long single names such as "The Kenyan Section
of the International Commission of Jurists (ICJ Kenya)" are never flagged.
Where a person is expected (an individuals section), `reads_as_organisations` says when a line is no person's
"Name, title, Country" at all; parsing.py then reads it as organisations and proposes a split whatever its length.
"""

import re

from letters import parsing_words as words
from letters.countries import place_first_words
from letters.parsing_entries import find_tail, person_name_part, read_place, split_top_level

# Words that start a name in Spanish, Portuguese, French, Italian, Dutch or German (accents kept, lower case):
# unlike "Centre" or "Commission" in English, they do not end names.
START_WORDS = frozenset("""
fundación fundação fondation fondazione stichting asociación associação associazione associació asociatia
centro instituto institut istituto observatorio observatoire osservatorio colectivo coletivo collectif
collettivo comisión comissão commissione comité comitato consejo conselho conseil consiglio coordinadora
coordenação federación federação fédération federazione fondo fundo foro frente grupo groupe gruppo liga ligue
movimiento movimento mouvement rede réseau rete sindicato syndicat sindacato unión união unione alianza aliança
plataforma plateforme piattaforma programa proyecto projeto projet progetto servicio acción ação azione
amigos amis amici mujeres mulheres femmes campaña campanha campagne campagna iniciativa iniziativa greenpeace
amnesty oxfam oficina corporación corporação cooperativa
""".split())
# English words that often start a name ("Centre for…") but also end one ("Asian Legal Resource Centre").
WEAK_START_WORDS = frozenset("""
centre center association commission federation alliance forum initiative coalition union front programme
coordination campaign network institute foundation council committee
""".split())
_ENUMERATED = re.compile(r"^\d{1,3}[.)]$")
_DASHES = ("-", "–", "—")
_MAX_PLACE_WORDS = 3


_SMALL_WORDS = words.NAME_PARTICLES | words.CONNECTORS


def _capitalised(token):
    return token[:1].isupper() and token.lower() not in _SMALL_WORDS


def _place_at(tokens, index):
    """How many tokens from `index` name a country or region (longest first), or 0."""
    first = words.key(tokens[index]) if index < len(tokens) else ""
    if not first or first.split()[0] not in place_first_words():
        return 0
    for size in range(min(_MAX_PLACE_WORDS, len(tokens) - index), 0, -1):
        if read_place(" ".join(tokens[index:index + size])):
            return size
    return 0


def _worth_a_look(text):
    """A cheap filter so that ordinary names (and 5,000-line lists) never reach the token analysis."""
    if len(text) < 60 or split_top_level(text, ",;") != [text.strip()]:
        return False
    tokens = text.split()
    if len(tokens) < 8:
        return False
    for index in range(1, len(tokens)):
        token = tokens[index]
        if _ENUMERATED.match(token) or (token in _DASHES and index < len(tokens) - 2):
            return True
        if token.lower() in START_WORDS and _capitalised(tokens[index - 1]):
            return True
    return False


def _boundaries(tokens):
    """(strong, weak): token indexes where another organisation's name probably starts."""
    strong, weak, depth = set(), set(), 0
    for index, token in enumerate(tokens):
        if depth == 0 and index > 0:
            _signs_at(tokens, index, strong, weak)
        depth = max(0, depth + token.count("(") - token.count(")"))
    return strong, weak


def _signs_at(tokens, index, strong, weak):
    token, before = tokens[index], tokens[index - 1]
    if _ENUMERATED.match(token):
        strong.add(index)
    elif token in _DASHES:
        size = _place_at(tokens, index + 1)
        after = index + 1 + size
        if size and after < len(tokens) and _capitalised(tokens[after]):
            strong.add(after)
    elif before not in _DASHES:
        size = _place_at(tokens, index) if token[:1].isupper() else 0
        after = index + size
        if size and after < len(tokens) and _capitalised(tokens[after]) and tokens[after] not in _DASHES:
            (strong if _capitalised(before) else weak).add(after)
        if _capitalised(before) and token.lower() in START_WORDS:
            strong.add(index)
        elif _capitalised(before) and token.lower() in WEAK_START_WORDS:
            weak.add(index)
        elif words.key(before) in words.ORG_ENDS and _capitalised(token) \
                and words.key(token) not in words.ORG_ENDS:
            weak.add(index)


def _known_spans(tokens, known_names):
    """[(start, end)] of directory names found left to right, longest first at each position."""
    spans, index = [], 0
    while index < len(tokens):
        for end in range(min(len(tokens), index + 15), index, -1):
            if words.key(" ".join(tokens[index:end])) in known_names:
                spans.append((index, end))
                index = end
                break
        else:
            index += 1
    return spans


def looks_run_on(text, known_names=None):
    """Whether `text` probably holds several organisations whose separators were lost."""
    tokens = text.split()
    if _several_tails(tokens):
        return True
    worth = _worth_a_look(text)
    if not worth and not known_names:
        return False
    strong, _weak = _boundaries(tokens) if worth else (set(), set())
    if len(strong) >= 2:
        return True
    if known_names and len(tokens) >= 6:
        spans = _known_spans(tokens, known_names)
        covered = sum(end - start for start, end in spans)
        return len(spans) >= 3 and covered >= len(tokens) * 0.6
    return False


def _several_tails(tokens):
    """Two or more " - Country" tails, another name after the first ("A - Ecuador B - Bolivia"), however short."""
    if sum(token in _DASHES for token in tokens) < 2:
        return False
    tails, inside = 0, False
    for index, token in enumerate(tokens[:-1]):
        size = _place_at(tokens, index + 1) if token in _DASHES else 0
        if size:
            tails += 1
            after = index + 1 + size
            inside = inside or (after < len(tokens) and _capitalised(tokens[after]))
    return tails >= 2 and inside


def reads_as_organisations(text, known_names=None):
    """Whether `text`, standing where a person is expected, is no person's "Name, title, Country" but one or more
    organisations: a run-on block (see looks_run_on, which counts two " - Country" tails); or, in the part a person's
    name would stand in, a word organisation names start with ("Fundación", "Centro") after capitalised words
    that are not a person's name ("Greenpeace México Fundación Pachamama"), or first ("Colectivo Casa - Bolivia").
    """
    if looks_run_on(text, known_names):
        return True
    head = person_name_part(text).split()
    if head and head[0].lower() in START_WORDS:
        return True
    for index in range(1, len(head)):
        if head[index].lower() not in START_WORDS and words.key(head[index]) not in words.ORG_STARTS:
            continue
        before = head[:index]
        if not all(_capitalised(token) or token.lower() in _SMALL_WORDS for token in before):
            continue
        joined = " ".join(before)
        if any(_place_at(before, at) for at in range(len(before))) or set(words.key(joined).split()) & words.ORG_WORDS:
            return True  # "Greenpeace México Fundación…", "Amazon Watch Centro…"
        if len(before) >= 2 and not words.looks_like_person(joined):
            return True  # a lone given name before "Centro" ("Carlos Centro Ruiz") may still be a person's
    return False


def propose_split(text, known_names=None):
    """The names a run-on block probably holds, in order (their " - Country" tails removed)."""
    return [name for name, _country in propose_split_with_countries(text, known_names)]


def propose_split_with_countries(text, known_names=None):
    """[(name, country code)] for a run-on block; commas and semicolons, when present, are the separators."""
    pieces = split_top_level(text, ",;")
    if len(pieces) < 2:
        tokens = text.split()
        strong, weak = _boundaries(tokens)
        numbers = {index for index in strong if _ENUMERATED.match(tokens[index])}
        cuts = numbers or strong | weak  # "1. A 2. B": the numbers say where every name starts
        for start, end in _known_spans(tokens, known_names) if known_names else []:
            cuts = {cut for cut in cuts if not start < cut < end} | {start, end}
        cuts = sorted(cut for cut in cuts if 0 < cut < len(tokens))
        pieces = [" ".join(tokens[a:b]) for a, b in zip([0, *cuts], [*cuts, len(tokens)])]
    return [_name_and_country(piece) for piece in pieces if _name_and_country(piece)[0]]


def _name_and_country(piece):
    tokens = piece.split()
    if tokens and _ENUMERATED.match(tokens[0]):
        piece = " ".join(tokens[1:])
    tail = find_tail(piece)
    if tail:
        return tail[0], tail[1].country
    return piece.strip(), ""


def several_by_commas(text):
    """"Amnesty International, Human Rights Watch, Oxfam Novib" on one line of a one-name-a-line list."""
    if text.count(",") + text.count(";") < 2:
        return False
    pieces = split_top_level(text, ",;")
    names = [piece for piece in pieces if not read_place(piece)]
    if len(names) < 3 or words.looks_like_person(names[0]):
        return False
    return all(_name_like(piece) for piece in names)


def _name_like(piece):
    tokens = piece.split()
    if not tokens[0][:1].isupper():
        return False
    if len(tokens) == 1:  # "FIDH", "DefendDefenders": an acronym or a made-up word, not "Gays"
        return tokens[0].isupper() or any(ch.isupper() for ch in tokens[0][1:])
    return True
