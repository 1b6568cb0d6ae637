"""The fast paths of a 100,000-row CSV export (issue 11) give exactly what the slow ones gave.

- SignatoryResource.csv_text joins plain cells with commas instead of calling csv.writer on values(): byte for
  byte the same text for any row, hostile or not (a line that is not plain goes through values() and csv.writer);
- collation.tie_runs and primary_keyer find ties and strip quotes with C-level helpers: same results as the plain
  Python they replaced;
- the sort key skips its look-ups for a name shown as the directory has it: same order as with every look-up.
"""

import csv
import io
import random

import pytest

from letters import collation
from letters.exports import Row, SignatoryList
from letters.ordering import effective_sort_name, fast_values, letter_name, without_article
from letters.models import Organisation
from letters.resources import iter_csv, signatory_resource
from letters.text import default_sort_name
from tests.security.corpus import HIDDEN_FORMULAS, HOSTILE

pytestmark = pytest.mark.django_db

# Characters that matter to csv.writer (delimiter, quote, line ends), to the formula guard (starts, spaces,
# invisibles, full-width signs) and to clean_cell (controls), plus ordinary letters.
ALPHABET = (*"ab Zé,\"'=+-@|;\t\r\n", "\x00", "\x85", "\u200b", "\u202e", "\u3000", "\xa0", "\uff1d", "\uff0b",
            "\u2028", "’")


def reference_csv(resource, rows):
    """What iter_csv wrote before the fast path: csv.writer over values() of each row."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(resource.values(row) for row in rows)
    return buffer.getvalue()


def random_text(rng):
    if rng.random() < 0.5:  # mostly plain, so that whole chunks take the fast path too
        return rng.choice(["Réseau Ñandutí", "Human Rights Watch", "", "CH", "University of Geneva", "x@y.org"])
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 6)))


def random_row(rng, position):
    texts = [random_text(rng) for _ in range(10)]
    signed = rng.choice([None, "2026-11-24T05:40:02Z"])
    return Row(position, *texts[:4], rng.choice(["organisation", "individual", "other"]), texts[4], rng.random() < 0.2,
               signed, signed, rng.random() < 0.1, position, "", None, signer_name=texts[5], signer_email=texts[6],
               section=texts[7], section_rank=0, region=texts[8], note=texts[9])


@pytest.mark.parametrize("contacts", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_csv_text_writes_what_csv_writer_wrote_for_any_row(letter, contacts, seed):
    rng = random.Random(seed)
    resource = signatory_resource(SignatoryList(letter, "fr", include_contacts=contacts))
    chunks = [[random_row(rng, n) for n in range(1, rng.randint(1, 40))] for _ in range(60)]
    plain = [Row(n, f"Name {n}", "", "Suisse", "CH", "organisation", "", False, None, None, False, n, "", None)
             for n in range(1, 50)]
    for rows in [*chunks, plain]:
        assert resource.csv_text(rows) == reference_csv(resource, rows)


@pytest.mark.parametrize("value", [*HOSTILE, *HIDDEN_FORMULAS, "a,b", 'say "hi"', " lead", "x\r\ny", None])
def test_csv_text_cleans_neutralises_and_quotes_each_hostile_value_as_values_did(letter, value):
    resource = signatory_resource(SignatoryList(letter, "en", include_contacts=True))
    plain = Row(1, "Plain", "", "Suisse", "CH", "organisation", "", False, None, None, False, 1, "", None)
    for field in ("name", "acronym", "country_name", "affiliation", "region", "note", "signer_email"):
        row = Row(2, "Plain", "", "Suisse", "CH", "organisation", "", False, None, None, False, 2, "", None)
        setattr(row, field, value)
        assert resource.csv_text([plain, row]) == reference_csv(resource, [plain, row]), (field, value)


def test_iter_csv_of_a_messy_list_matches_csv_writer_over_values(letter, sign):
    sign("Amnesty, International", affiliation="x", kind=Organisation.Kind.INDIVIDUAL)
    sign('The "Quoted" Collective', fr="Le Collectif « cité »")
    sign("=1+1 Network", override="+41 Override")
    sign("Plain Org", country="FR", lead=True)
    sign("Ctrl\x01Org\u200b", email="a,b@c.example")
    signatory_list = SignatoryList(letter, "fr", include_contacts=True)
    resource = signatory_resource(signatory_list)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(resource.get_export_headers())
    writer.writerows(resource.values(row) for row in signatory_list.rows(cleaned=False))
    expected = buffer.getvalue()
    assert "".join(iter_csv(SignatoryList(letter, "fr", include_contacts=True), bom=True)) == expected
    assert expected.count("\r\n") == 6


def test_an_empty_list_is_its_header_line(letter):
    text = "".join(iter_csv(SignatoryList(letter, "en")))
    assert text.endswith("\r\n") and text.count("\r\n") == 1


def reference_tie_runs(keys, order):
    runs, start = [], 0
    for i in range(1, len(order) + 1):
        if i == len(order) or keys[order[i]] != keys[order[start]]:
            if i - start > 1:
                runs.append((start, i))
            start = i
    return runs


def test_tie_runs_finds_every_run_of_equal_keys():
    rng = random.Random(11)
    for _ in range(2000):
        keys = [bytes([rng.randint(0, 3)]) * rng.randint(0, 2) for _ in range(rng.randint(0, 25))]
        order = sorted(range(len(keys)), key=keys.__getitem__)
        assert collation.tie_runs(keys, order) == reference_tie_runs(keys, order)


@pytest.mark.parametrize("language", ["en", "fr", "es", "de", "zh"])
def test_primary_keys_ignore_exactly_the_quotes_and_marks_listed(language):
    rng = random.Random(language)
    alphabet = ("a", "B", "é", "e\u0301", " ", "-", ".", "ñ", *collation.IGNORED)
    primary = collation.primary_keyer(language)
    reference = collation._collator(language, collation.icu.Collator.PRIMARY).getSortKey
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        assert primary(text) == reference(text.translate(collation._DELETE)), text


@pytest.mark.parametrize("language", ["en", "fr", "zh"])
def test_keying_many_names_at_once_gives_each_the_key_it_gets_alone(language):
    """primary_keys (one regex pass over the names joined by NUL) agrees with primary_keyer name by name, also
    when a name holds a NUL itself (SQLite text can) and when no name has a mark to strip."""
    rng = random.Random(language)
    alphabet = ("a", "B", "é", " ", "ñ", "国", *collation.IGNORED)
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(2000)]
    primary = collation.primary_keyer(language)
    for batch in (texts, ["plain", "names", ""], ["a\0’b", "c'd"], []):
        assert collation.primary_keys(batch, language) == [primary(text) for text in batch]


def test_the_fast_article_rule_drops_what_the_directorys_rule_drops():
    """ordering.without_article (for names already clean) agrees with text.default_sort_name name by name."""
    for name in ["The Egyptian Initiative", "THE RIGHTS PRACTICE", "Theatre for Peace", "The", "L’Union", "L'Ami",
                 "Les Amis", "Lesotho Network", "La", "La Red", "El Sur", "Elders", "Los Andes", "Las Mujeres",
                 "Le Monde", "Amnesty", "", "l’", "The  Spaced"]:
        assert without_article(name) == default_sort_name(name), name


def test_the_shown_and_sort_names_are_those_of_the_full_rule_whichever_source_gives_them(letter, sign):
    """The shortcut for a name shown as the directory has it (sort key and rows) agrees with the full rule: the
    letter's name in the language → the override → the display name → the canonical name, articles dropped."""
    names = ["Les Amis", "Zeta", "Alpha", "Éclair", "The Beta", "delta", "Gamma", "L’Union", "El Sur"]
    for index, name in enumerate(names):
        signature = sign(name, **({"fr": f"La {name}"} if index % 3 == 0 else {}),
                         override=f"{name} bis" if index % 3 == 1 else "")
        if index in (5, 6):
            signature.names = {"fr": "Les Omega"} if index == 5 else {"en": "Only English"}
            signature.save()
    signatory_list = SignatoryList(letter, "fr")
    display = signatory_list._display_names
    expected = {}
    fields = ("pk", "name_override", "organisation_id", "organisation__name", "organisation__sort_name", "names")
    for pk, override, org_id, org_name, org_sort, names in fast_values(signatory_list._listed(), fields):
        shown = (names and letter_name(names, "fr")) or override or display.get(org_id) or org_name
        expected[pk] = (shown, effective_sort_name(shown, org_name, org_sort))
    rows = list(signatory_list.rows())
    assert {row.signature_id: (row.name, row.sort_name) for row in rows} == expected
    by_rule = sorted(expected, key=lambda pk: (collation.primary_key(expected[pk][1], "fr"),
                                               collation.sort_key(expected[pk][1], "fr"), expected[pk][0], pk))
    assert [row.signature_id for row in rows] == by_rule
    assert "Les Omega" in {row.name for row in rows}
