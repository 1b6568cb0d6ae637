"""Country names and their order come from CLDR (Babel) and ICU: everyday names, per language, no typos
(issue 12 item 6; issue 13: the six UN languages and any letter language)."""

import pytest
from django.utils import translation

from letters.countries import country_name, country_names, sorted_country_names
from letters.forms.public import CountrySelect

UN_LANGUAGES = ["en", "fr", "es", "ar", "zh-hans", "ru"]


def names_in_order(language):
    return [name for _code, name in sorted_country_names(language)]


def test_spanish_lists_chad_under_c_by_its_everyday_name():
    names = names_in_order("es")
    assert country_name("TD", "es") == "Chad"
    assert names.index("Canadá") < names.index("Chad") < names.index("Chile")
    assert not any(name.startswith("República del Chad") for name in names)


def test_french_lists_chad_under_t():
    names = names_in_order("fr")
    assert country_name("TD", "fr") == "Tchad"
    assert names.index("Tanzanie") < names.index("Tchad") < names.index("Thaïlande")


@pytest.mark.parametrize(("code", "language", "name"), [
    ("TT", "en", "Trinidad and Tobago"), ("TT", "es", "Trinidad y Tobago"), ("MH", "fr", "Îles Marshall"),
    ("NR", "en", "Nauru"), ("NR", "fr", "Nauru"), ("HK", "en", "Hong Kong"), ("PS", "es", "Palestina"),
    ("CD", "en", "Democratic Republic of the Congo"), ("MH", "ru", "Маршалловы Острова"),
    ("CH", "ar", "سويسرا"), ("CH", "zh-hans", "瑞士"), ("CH", "ru", "Швейцария"), ("CH", "pt", "Suíça"),
    ("CH", "de", "Schweiz"),
])
def test_everyday_cldr_names_without_the_old_typos(code, language, name):
    assert country_name(code, language) == name


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_every_un_language_names_every_country_in_its_own_words(language):
    names = country_names(language)
    english = country_names("en")
    assert len(names) > 240
    if language != "en":
        translated = [code for code in names if not code.startswith("X") and names[code] != english[code]]
        assert len(translated) > 120  # many names are spelled alike in Latin-script languages ("Canada")


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_countries_are_sorted_by_the_pages_language(language):
    from letters.collation import sort_key

    names = names_in_order(language)
    assert names == sorted(names, key=lambda name: sort_key(name, language))


def test_chinese_country_list_follows_pinyin():
    names = names_in_order("zh-hans")
    # 阿富汗 (Āfùhàn, Afghanistan) near the start, 中国 (Zhōngguó) near the end.
    assert names.index("阿富汗") < 10 and names.index("中国") > len(names) - 20


def test_the_sign_on_forms_country_menu_uses_the_same_names_and_order():
    with translation.override("es"):
        html = CountrySelect().render("country", "")
    assert html.index(">Canadá<") < html.index(">Chad<") < html.index(">Chile<")
    assert "Trinidad y Tobago" in html and "yTobago" not in html


def test_the_country_menu_groups_are_labelled_regions_then_countries():
    with translation.override("es"):
        html = CountrySelect().render("country", "")
    labels = [part.split('"')[0] for part in html.split('<optgroup label="')[1:]]
    assert labels == ["Internacional y regiones", "Países"]
