"""Matching typed names to the directory, and suggesting duplicates with a real fuzzy matcher (rapidfuzz)."""

import pytest

from letters.matching import Matcher, cached_matcher, find_duplicates
from letters.models import Organisation
from letters.parsing import parse_list
from letters.services.directory import duplicate_pairs
from tests.factories import OrganisationFactory
from tests.manage.conftest import read_list

pytestmark = pytest.mark.django_db

NEAR_DUPLICATES = [
    ("BALAOOD Mindanaw", "BALAOB Mindanaw"),
    ("BALAOOD Mindanaw", "BALAOD Mindanaw"),
    ("BALAOB Mindanaw", "BALAOD Mindanaw"),
    ("Commonwealth Human Rights Initiative (CHRI)", "Commonwealth Human Rights Initiatives (CHRI)"),
    ("Asian Legal Resource Centre", "Asian Legal Resource Center"),
]
UNRELATED = [
    ("Human Rights Watch", "Human Rights House Foundation"),
    ("Human Rights Watch", "Human Rights Now"),
    ("Human Rights in China (HRIC)", "Chinese Human Rights Defenders"),
    ("ARTICLE 19", "Article 19 Eastern Africa"),
    ("International Commission of Jurists",
     "The Kenyan Section of the International Commission of Jurists (ICJ Kenya)"),
]


def _directory(names):
    return {name: OrganisationFactory(name=name) for name in names}


def _pairs(found):
    return {frozenset((a.name, b.name)) for a, b, _score in found}


def test_near_duplicates_from_published_letters_are_suggested():
    _directory({name for pair in NEAR_DUPLICATES for name in pair} | {name for pair in UNRELATED for name in pair})
    pairs = _pairs(find_duplicates())
    for a, b in NEAR_DUPLICATES:
        assert frozenset((a, b)) in pairs, (a, b)


def test_organisations_that_only_share_words_are_not_suggested_as_duplicates():
    _directory({name for pair in NEAR_DUPLICATES for name in pair} | {name for pair in UNRELATED for name in pair})
    pairs = _pairs(find_duplicates())
    for a, b in UNRELATED:
        assert frozenset((a, b)) not in pairs, (a, b)


def test_a_typed_name_close_to_a_directory_name_is_suggested_with_a_score_not_matched():
    _directory(["Asian Legal Resource Centre", "Human Rights House Foundation"])
    match = Matcher().match("Asian Legal Resource Center")
    assert match.organisation is None
    assert [(org.name, score >= 88) for org, score in match.suggestions] == [("Asian Legal Resource Centre", True)]
    assert Matcher().match("Human Rights Watch").suggestions == []


def test_same_name_apart_from_a_parenthesis_is_suggested():
    _directory(["DefendDefenders (East and Horn of Africa Human Rights Defenders Project)", "Human Rights Watch"])
    assert [o.name for o, _s in Matcher().match("DefendDefenders").suggestions] == [
        "DefendDefenders (East and Horn of Africa Human Rights Defenders Project)"]
    assert [o.name for o, _s in Matcher().match("Human Rights Watch (HRW)").suggestions] == ["Human Rights Watch"]


def test_matching_many_names_at_once_gives_the_same_answers_as_one_by_one():
    _directory(["Asian Legal Resource Centre", "Amnesty International", "Human Rights in China (HRIC)",
                "Conectas Direitos Humanos", "FIAN International"])
    names = ["Asian Legal Resource Center", "Amnesty International", "Human Rights in China", "Nobody At All",
             "Conectas Direitos Humanos FIAN International"]
    matcher = Matcher()
    many = matcher.match_many((name, "", "") for name in names)
    one = [matcher.match(name) for name in names]
    assert [(m.how, m.organisation, m.suggestions, m.possibly_two) for m in many] == [
        (m.how, m.organisation, m.suggestions, m.possibly_two) for m in one]
    assert many[4].possibly_two and many[3].is_new and not many[3].suggestions


def test_seed_003_missing_comma_is_flagged_as_probably_two_directory_organisations(demo):
    entries = parse_list(read_list("003")).entries
    matches = Matcher().match_many((entry.name, "", "") for entry in entries)
    flagged = [(entry.name, [org.name for org in match.possibly_two]) for entry, match in zip(entries, matches)
               if match.possibly_two]
    assert flagged == [(
        "Conectas Direitos Humanos DefendDefenders (East and Horn of Africa Human Rights Defenders Project)",
        ["Conectas Direitos Humanos", "DefendDefenders (East and Horn of Africa Human Rights Defenders Project)"],
    )]


def test_aliases_left_by_load_demo_match_exactly(demo):
    match = Matcher().match("BALAOOD Mindanaw")
    assert (match.how, match.organisation.name) == ("alias", "BALAOD Mindanaw")


def test_a_signer_email_from_another_known_organisation_is_flagged():
    OrganisationFactory(name="Human Rights Watch", email_domains="hrw.org")
    OrganisationFactory(name="Amnesty International", email_domains="amnesty.org")
    match = Matcher().match("Human Rights Watch", email="someone@amnesty.org")
    assert match.organisation.name == "Human Rights Watch" and match.domain_mismatch


def test_the_cached_matcher_sees_organisations_added_since():
    OrganisationFactory(name="First Organisation")
    assert cached_matcher().match("Second Organisation").is_new
    OrganisationFactory(name="Second Organisation")
    assert cached_matcher().match("Second Organisation").organisation.name == "Second Organisation"


def _shown():
    return {frozenset((a.name, b.name)) for a, b, _score in duplicate_pairs()}


def test_duplicate_pairs_follow_directory_changes_after_the_first_full_comparison():
    _directory(["Asian Legal Resource Centre", "BALAOD Mindanaw", "Human Rights Watch"])
    assert _shown() == set()
    OrganisationFactory(name="Asian Legal Resource Center")
    balaob = OrganisationFactory(name="Someone Else")
    assert _shown() == {frozenset(("Asian Legal Resource Centre", "Asian Legal Resource Center"))}
    balaob.name = "BALAOB Mindanaw"
    balaob.save()
    assert _shown() == {frozenset(("Asian Legal Resource Centre", "Asian Legal Resource Center")),
                        frozenset(("BALAOD Mindanaw", "BALAOB Mindanaw"))}
    Organisation.objects.filter(name="Asian Legal Resource Center").delete()
    assert _shown() == {frozenset(("BALAOD Mindanaw", "BALAOB Mindanaw"))}


def test_a_rename_that_ends_a_resemblance_removes_the_pair():
    _directory(["Asian Legal Resource Centre"])
    other = OrganisationFactory(name="Asian Legal Resource Center")
    assert len(_shown()) == 1
    other.name = "Completely Different Name"
    other.save()
    assert _shown() == set()
