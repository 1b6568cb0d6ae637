"""Ordering per language with ICU (issue 13): the expected orders are CLDR's, as ICU's documentation and the
CLDR collation charts show them; the project's own rules (quotes ignored, articles via sort names) stay on top."""

import pytest
from django.db import connection

from letters import collation
from letters.exports import SignatoryList
from letters.models import Signature

pytestmark = pytest.mark.django_db


def ordered(names, language):
    return collation.sorted_names(names, language)


def test_chinese_sorts_by_pinyin():
    # ā (阿), běi (北京), lǐ (李), wáng (王), zhāng (张): pinyin order, not code point order (张 < 李 by code point).
    assert ordered(["张", "李", "王", "阿", "北京"], "zh") == ["阿", "北京", "李", "王", "张"]
    assert ordered(["张", "李", "王", "阿", "北京"], "zh-hans") == ["阿", "北京", "李", "王", "张"]


def test_russian_sorts_yo_with_ye_and_cyrillic_before_latin():
    # CLDR Russian: Ё is Е with a secondary difference (so "Ёлка" < "Ель" by the next letter); Cyrillic first.
    assert ordered(["Яблоко", "Ель", "Ёлка", "Арбуз", "Жук", "Amnesty"], "ru") == [
        "Арбуз", "Ёлка", "Ель", "Жук", "Яблоко", "Amnesty",
    ]


def test_arabic_follows_the_arabic_alphabet_and_comes_before_latin():
    # alif (ا), bā' (ب), tā' (ت), jīm (ج), then Latin: CLDR's Arabic order puts the Arabic script first.
    assert ordered(["جمعية", "تحالف", "Amnesty", "بيت", "العفو"], "ar") == ["العفو", "بيت", "تحالف", "جمعية", "Amnesty"]


def test_spanish_puts_enye_after_n_as_a_letter_of_its_own():
    assert ordered(["Ñandutí", "Nuevo", "Nz", "Oso", "Naranja"], "es") == ["Naranja", "Nuevo", "Nz", "Ñandutí", "Oso"]
    # Everywhere else ñ is an n with an accent.
    assert ordered(["Ñandutí", "Nuevo", "Nz"], "en") == ["Ñandutí", "Nuevo", "Nz"]


def test_french_accents_only_break_ties_from_the_start_of_the_word():
    # ICU's own example (cote, coté, côte, côté): CLDR French (France) compares accents left to right.
    assert ordered(["côté", "cote", "côte", "coté"], "fr") == ["cote", "coté", "côte", "côté"]
    assert ordered(["Élan", "Eau", "Ecole", "École"], "fr") == ["Eau", "Ecole", "École", "Élan"]


def test_quotes_and_apostrophes_are_ignored_in_every_language():
    for language in ("en", "fr", "es", "ru", "ar", "zh"):
        assert collation.primary_key("People's Watch", language) == collation.primary_key("Peoples Watch", language)
        assert collation.primary_key("«Мемориал»", language) == collation.primary_key("Мемориал", language)


@pytest.mark.parametrize("language", ["en", "fr", "es", "ru", "ar", "zh"])
def test_the_list_export_orders_each_language_as_its_sort_keys_say(letter, sign, language):
    for name in ["Мемориал", "Amnesty", "人权观察", "مركز القاهرة", "Ñandutí", "Écoute", "Zeta", "阿拉伯"]:
        sign(name)

    rows = list(SignatoryList(letter, language).rows())

    keys = [collation.sort_key(row.sort_name, language) for row in rows]
    assert keys == sorted(keys) and len(rows) == 8


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keys names in its query: none are kept")
def test_names_are_keyed_once_and_again_only_when_they_change(letter, sign, monkeypatch):
    for name in ["Charlie Network", "Alpha Forum", "Bravo Centre"]:
        sign(name)
    keyed = []
    missing_keys = SignatoryList._missing_keys

    def counting_missing_keys(self, queryset):
        ids, versions, keys = missing_keys(self, queryset)
        keyed.extend(Signature.objects.get(pk=pk).organisation.name for pk in ids)
        return ids, versions, keys

    monkeypatch.setattr(SignatoryList, "_missing_keys", counting_missing_keys)
    first = [row.name for row in SignatoryList(letter, "en").rows()]
    again = [row.name for row in SignatoryList(letter, "en").rows()]
    assert first == again == ["Alpha Forum", "Bravo Centre", "Charlie Network"]
    assert sorted(keyed) == ["Alpha Forum", "Bravo Centre", "Charlie Network"]  # by the first export only

    keyed.clear()
    sign("Aardvark Alliance")
    charlie = Signature.objects.get(organisation__name="Charlie Network").organisation
    charlie.name = "Able Charlie Network"
    charlie.save()
    after = [row.name for row in SignatoryList(letter, "en").rows()]
    assert after == ["Aardvark Alliance", "Able Charlie Network", "Alpha Forum", "Bravo Centre"]
    assert sorted(keyed) == ["Aardvark Alliance", "Able Charlie Network"]
