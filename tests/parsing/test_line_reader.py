"""The line reader, one behaviour at a time: what each line is, and how an entry's parts are read."""

import pytest

from letters.countries import country_name, lookup_country, lookup_region
from letters.parsing import INDIVIDUAL, ORGANISATION, parse_list, propose_split, split_country
from letters.text import normalise_name
from tests.manage.conftest import read_list


def roles(result):
    return [line.role for line in result.lines]


def names(result):
    return [entry.name for entry in result.valid]


# --- headings ------------------------------------------------------------------------------------------------


def test_heading_without_colon_before_numbered_entries_becomes_a_section():
    result = parse_list("National organisations\n1. Conectas Direitos Humanos\n2. Justiça Global\n\n"
                        "Regional networks\n3. FORUM-ASIA\n")
    assert [(s.title, s.kind) for s in result.sections] == [("National organisations", ORGANISATION),
                                                            ("Regional networks", ORGANISATION)]
    assert [(e.section, e.number) for e in result.entries] == [
        ("National organisations", 1), ("National organisations", 2), ("Regional networks", 3)]


@pytest.mark.parametrize("heading, title, kind", [
    ("Organizações nacionais", "Organizações nacionais", ORGANISATION),
    ("Organisations signataires :", "Organisations signataires", ORGANISATION),
    ("Firmantes a título individual (afiliación a efectos de identificación):",
     "Firmantes a título individual (afiliación a efectos de identificación)", INDIVIDUAL),
    ("A. International organisations", "International organisations", ORGANISATION),
    ("I. Organisations nationales", "Organisations nationales", ORGANISATION),
    ("Einzelpersonen", "Einzelpersonen", INDIVIDUAL),
    ("Persone firmatarie", "Persone firmatarie", INDIVIDUAL),
])
def test_headings_in_any_language_open_a_section_of_their_kind(heading, title, kind):
    result = parse_list(f"Amnesty International\nHuman Rights Watch\n\n{heading}\nFIDH\nARTICLE 19\n")
    assert [(s.title, s.kind) for s in result.sections] == [(title, kind)]
    assert roles(result)[2] == "heading"


@pytest.mark.parametrize("heading", ["Signatories:", "Signataires :", "Firmantes:", "Signed by:",
                                     "Lista de firmantes", "Unterzeichnende", "Ondertekenaars"])
def test_a_heading_for_the_whole_list_is_not_a_section(heading):
    result = parse_list(f"{heading}\nAmnesty International\nFreedom House\n")
    assert roles(result)[0] == "list-heading"
    assert result.sections == [] and names(result) == ["Amnesty International", "Freedom House"]


def test_a_lone_heading_before_every_entry_heads_the_whole_list_but_keeps_its_kind():
    result = parse_list("Individual signatories\nMaría López, journalist\nJohn Smith\n")
    assert result.sections == [] and roles(result)[0] == "list-heading"
    assert [(e.name, e.kind, e.section) for e in result.entries] == [
        ("María López", INDIVIDUAL, ""), ("John Smith", INDIVIDUAL, "")]


def test_short_organisation_names_of_the_seed_lists_are_never_headings():
    text = "ARTICLE 19\nFIDH\nFreedom House\nMENA Rights Group\nCIDH AFRICA\nGlobal Justice Center\n"
    result = parse_list(text)
    assert set(roles(result)) == {"entry"} and len(result.valid) == 6


def test_a_country_line_before_entries_groups_them_and_gives_them_its_country():
    result = parse_list("Kenya\n1. Katiba Institute\n2. HAKI Africa\n\nUganda\n3. Chapter Four Uganda\n")
    assert [(e.name, e.country, e.section) for e in result.entries] == [
        ("Katiba Institute", "KE", "Kenya"), ("HAKI Africa", "KE", "Kenya"), ("Chapter Four Uganda", "UG", "Uganda")]


def test_an_unnumbered_line_where_the_numbering_skips_one_is_an_entry_that_lost_its_number():
    result = parse_list("1. Amnesty International\n2. FIDH\n\nHuman Rights Watch\n\n4. ARTICLE 19\n")
    assert names(result) == ["Amnesty International", "FIDH", "Human Rights Watch", "ARTICLE 19"]
    assert result.sections == []


# --- column headers ----------------------------------------------------------------------------------------------


def test_a_column_header_row_is_not_a_signatory_and_names_the_columns():
    result = parse_list("N°\tNom\tPays\tSite web\n1\tLigue Iteka\tBurundi\tligue-iteka.bi\n"
                        "2\tFIDH\tInternational\tfidh.org\n")
    assert roles(result)[0] == "header"
    assert [(e.number, e.name, e.country, e.note) for e in result.entries] == [
        (1, "Ligue Iteka", "BI", "ligue-iteka.bi"), (2, "FIDH", "XI", "fidh.org")]


def test_an_individuals_header_starts_an_individuals_part_with_affiliations():
    result = parse_list("Organisation Name\nGreenpeace India\nOxfam India\n\nIndividual Name\tDesignation\n"
                        "Meera Krishnan\tProfessor of Law\n")
    assert [s.kind for s in result.sections] == [ORGANISATION, INDIVIDUAL]
    person = result.entries[-1]
    assert (person.kind, person.name, person.affiliation) == (INDIVIDUAL, "Meera Krishnan", "Professor of Law")


def test_a_description_column_is_a_note_never_part_of_the_name():
    result = parse_list("1\tGreenpeace International\tA global campaigning organisation.\n"
                        "2\tOxfam International\tA confederation of 21 organisations.\n")
    assert [(e.name, e.note, e.country) for e in result.entries][0] == (
        "Greenpeace International", "A global campaigning organisation.", "")


def test_a_word_table_pasted_one_cell_a_line_gives_one_entry_a_row():
    result = parse_list("No.\nName\nCountry\n1\nConectas Direitos Humanos\nBrazil\n2\nDefendDefenders\nUganda\n")
    assert [(e.number, e.name, e.country) for e in result.entries] == [
        (1, "Conectas Direitos Humanos", "BR"), (2, "DefendDefenders", "UG")]
    assert roles(result)[:3] == ["header"] * 3


# --- continuations and noise ---------------------------------------------------------------------------------------


def test_wrapped_lines_from_a_pdf_continue_the_entry_above():
    text = ("1. Asian Forum for Human Rights and\nDevelopment (FORUM-ASIA)\n2. International Federation for Human "
            "Rights\n(FIDH)\n3. Business & Human Rights Resource\nCentre\n4. Freedom House\n")
    result = parse_list(text)
    assert names(result) == ["Asian Forum for Human Rights and Development (FORUM-ASIA)",
                             "International Federation for Human Rights (FIDH)",
                             "Business & Human Rights Resource Centre", "Freedom House"]
    assert result.entries[0].raw == "1. Asian Forum for Human Rights and\nDevelopment (FORUM-ASIA)"
    assert roles(result).count("continuation") == 3


def test_a_lowercase_organisation_name_on_its_own_line_is_not_a_continuation():
    result = parse_list("Amnesty International\nmedica mondiale\nterre des hommes\n")
    assert names(result) == ["Amnesty International", "medica mondiale", "terre des hommes"]


@pytest.mark.parametrize("noise", ["Page 2 of 3", "- 3 -", "12", "Página 2 de 4", "------", "(continued)"])
def test_page_footers_separators_and_lone_numbers_are_noise(noise):
    result = parse_list(f"1. Amnesty International\n{noise}\n2. Freedom House\n")
    assert roles(result) == ["entry", "noise", "entry"] and names(result) == ["Amnesty International",
                                                                             "Freedom House"]


AI = "Amnesty International"


@pytest.mark.parametrize("line, number, name", [
    (f"1. {AI}", 1, AI), (f"2) {AI}", 2, AI), (f"(3) {AI}", 3, AI), (f"4 - {AI}", 4, AI), (f"5.- {AI}", 5, AI),
    (f"• {AI}", None, AI), (f"▪ {AI}", None, AI), (f"– {AI}", None, AI), (f"{AI}\xa0 ", None, AI),
    ("350.org", None, "350.org"), ("11.11.11", None, "11.11.11"), ("3IN - Inclusão", None, "3IN - Inclusão"),
])
def test_numbers_bullets_and_spaces_around_the_name_are_removed(line, number, name):
    entry = parse_list(line).entries[0]
    assert (entry.number, entry.name) == (number, name)


# --- countries and regions ---------------------------------------------------------------------------------------


def test_country_tails_are_split_where_most_of_the_section_has_one():
    result = parse_list("WaterAid - UK\nNatural Resources Defense Council - USA\nFundación Pachamama (Ecuador)\n"
                        "Amazon Watch")
    assert [(e.name, e.country) for e in result.entries] == [
        ("WaterAid", "GB"), ("Natural Resources Defense Council", "US"), ("Fundación Pachamama", "EC"),
        ("Amazon Watch", "")]


def test_country_tails_stay_in_the_names_where_few_entries_of_the_section_have_one():
    result = parse_list(read_list("002"))
    assert "Bytes for All, Pakistan" in names(result) and not any(e.country for e in result.entries)


def test_the_majority_rule_is_decided_per_section():
    text = ("International organisations\nOxfam International\nAmnesty International\nEndorois Welfare Council (Kenya)"
            "\n\nNational organisations\nInstituto Socioambiental (Brasil)\nJustiça Ambiental (Moçambique)\n")
    result = parse_list(text)
    assert [(e.name, e.country) for e in result.entries] == [
        ("Oxfam International", ""), ("Amnesty International", ""), ("Endorois Welfare Council (Kenya)", ""),
        ("Instituto Socioambiental", "BR"), ("Justiça Ambiental", "MZ")]


def test_a_parenthesis_that_is_no_country_stays_in_the_name():
    result = parse_list("Fundación Ecológica Universal (FEU) (Argentina)\nRadio Ecológica del Sur (radio.org)\n"
                        "Colectivo Casa (Bolivia)\n")
    assert [(e.name, e.country) for e in result.entries] == [
        ("Fundación Ecológica Universal (FEU)", "AR"), ("Radio Ecológica del Sur (radio.org)", ""),
        ("Colectivo Casa", "BO")]


@pytest.mark.parametrize("tail, country, region, code", [
    ("Global", "XI", "Global", "XI"), ("Worldwide", "XI", "Worldwide", "XI"), ("Pan-African", "", "Pan-African", "XF"),
    ("MENA", "", "MENA", "XM"), ("Southeast Asia", "", "Southeast Asia", "XS"),
    ("Asia-Pacific", "", "Asia-Pacific", "XS"),
    ("Centroamérica", "", "Centroamérica", "XL"), ("Amérique latine", "", "Amérique latine", "XL"),
    ("Caribbean", "", "Caribbean", "XL"), ("Europa", "", "Europa", "XE"), ("North America", "", "North America", "XN"),
    ("Pacific", "", "Pacific", "XP"), ("Regional", "", "Regional", "XI"),
])
def test_regions_written_where_a_country_would_stand_are_kept_as_written(tail, country, region, code):
    entry = parse_list(f"Alpha Rights Network - {tail}\nBeta Rights Network - Kenya").entries[0]
    read = (entry.name, entry.country, entry.region, entry.region_code)
    assert read == ("Alpha Rights Network", country, region, code)


@pytest.mark.parametrize("written, code", [
    ("Brasil", "BR"), ("México", "MX"), ("Moçambique", "MZ"), ("Deutschland", "DE"), ("Suisse", "CH"),
    ("Republic of Korea", "KR"), ("UAE", "AE"), ("DRC", "CD"), ("Hong Kong", "HK"), ("Palestine", "PS"),
    ("Россия", "RU"), ("Nederland", "NL"), ("Itália", "IT"), ("UK", "GB"), ("USA", "US"),
])
def test_countries_are_read_in_english_local_languages_and_short_forms(written, code):
    assert lookup_country(written) == code


def test_two_letter_codes_other_than_well_known_ones_are_not_countries():
    assert lookup_country("IN") == "" and lookup_country("DE") == ""
    assert parse_list("Alpha Group - IN\nBeta Group - DE").entries[0].name == "Alpha Group - IN"


def test_lookup_region_gives_the_project_codes_and_says_which_are_international():
    assert lookup_region("Global") == ("XI", True) and lookup_region("Latinoamérica") == ("XL", False)
    assert lookup_region("Kenya") == ("", False)


def test_country_name_and_lookup_country_keep_their_old_answers():
    assert country_name("CH", "fr") == "Suisse" and country_name("", "fr") == ""
    assert lookup_country("International") == "XI" and lookup_country("mena") == "XM"
    assert split_country("Endorois Welfare Council (Kenya)") == ("Endorois Welfare Council", "KE", "Kenya")


# --- individuals -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("line, name, affiliation, country", [
    ("Lucía Fernández Ortega / Catedrática, Universidad de Salamanca", "Lucía Fernández Ortega",
     "Catedrática, Universidad de Salamanca", ""),
    ("Prof. Hannah Okafor, former UN Independent Expert, Nigeria", "Prof. Hannah Okafor",
     "former UN Independent Expert", "NG"),
    ("Jonas Lindqvist, journalist, Dagens Nyheter, Sweden", "Jonas Lindqvist", "journalist, Dagens Nyheter", "SE"),
    ("Sra. Ana María de la Cruz", "Sra. Ana María de la Cruz", "", ""),
])
def test_individuals_are_read_from_their_shape_outside_any_section(line, name, affiliation, country):
    entry = parse_list(line).entries[0]
    assert (entry.kind, entry.name, entry.affiliation, entry.country) == (INDIVIDUAL, name, affiliation, country)


def test_under_an_individuals_heading_name_and_parenthesis_give_the_affiliation():
    result = parse_list("Organisations\nOxfam\nFIDH\n\nIndividuals\nJean Dupont (Université de Genève)\n"
                        "Amal Haddad, Lebanon\nEsteban Morales Díaz\n")
    assert [(e.kind, e.name, e.affiliation, e.country) for e in result.entries[2:]] == [
        (INDIVIDUAL, "Jean Dupont", "Université de Genève", ""), (INDIVIDUAL, "Amal Haddad", "", "LB"),
        (INDIVIDUAL, "Esteban Morales Díaz", "", "")]


def test_organisation_names_that_look_like_two_words_are_not_people():
    result = parse_list("Natural Justice / Justice Naturelle\nFriends of the Earth Malaysia / Sahabat Alam Malaysia\n")
    assert {e.kind for e in result.entries} == {ORGANISATION}


# --- run-on blocks ---------------------------------------------------------------------------------------------------


RUN_ON = ("Greenpeace México Fundación Pachamama - Ecuador Amazon Watch Centro Mexicano de Derecho Ambiental - México "
          "Fondo de Acción Urgente para América Latina y el Caribe Oil Change International Colectivo Casa - Bolivia")


def test_a_run_on_block_is_flagged_with_a_proposed_split_and_its_countries():
    entry = parse_list(RUN_ON).entries[0]
    assert entry.ok and entry.several and entry.name == RUN_ON
    assert entry.split == ["Greenpeace México", "Fundación Pachamama", "Amazon Watch",
                           "Centro Mexicano de Derecho Ambiental",
                           "Fondo de Acción Urgente para América Latina y el Caribe", "Oil Change International",
                           "Colectivo Casa"]
    assert entry.split_countries == ["", "EC", "", "MX", "", "", "BO"]


def test_known_directory_names_guide_the_split():
    fondo = "Fondo de Acción Urgente para América Latina y el Caribe"
    known = {normalise_name(n) for n in (fondo, "Greenpeace México")}
    assert propose_split(RUN_ON, known)[4] == fondo
    known = {normalise_name(n) for n in ("Amnesty International", "Human Rights Watch", "Freedom House")}
    entry = parse_list("Amnesty International Human Rights Watch Freedom House", known_names=known).entries[0]
    assert entry.several and entry.split == ["Amnesty International", "Human Rights Watch", "Freedom House"]


def test_a_numbered_list_that_lost_its_line_breaks_is_split_at_the_numbers():
    text = "1. Amnesty International 2. Human Rights Watch 3. International Commission of Jurists"
    entry = parse_list(text).entries[0]
    assert entry.several and entry.split == ["Amnesty International", "Human Rights Watch",
                                             "International Commission of Jurists"]


def test_several_names_on_one_line_of_a_one_name_a_line_list_are_flagged():
    entry = parse_list("Amnesty International, Human Rights Watch, Oxfam Novib\nFIDH\nFreedom House").entries[0]
    assert entry.several and entry.split == ["Amnesty International", "Human Rights Watch", "Oxfam Novib"]


@pytest.mark.parametrize("seed", ["000", "001", "002", "004"])
def test_long_seed_names_are_never_flagged_as_run_on(seed):
    assert not parse_list(read_list(seed)).review


def test_long_seed_names_are_not_flagged_even_with_known_directory_names():
    known = {normalise_name(n) for n in ("Conectas Direitos Humanos", "DefendDefenders", "Amnesty International")}
    assert not parse_list(read_list("003"), known_names=known).review
    text = ("The Kenyan Section of the International Commission of Jurists (ICJ Kenya)\n"
            "International Planned Parenthood Federation Western Hemisphere Region")
    assert not parse_list(text, known_names=known).review


# --- nothing refused whole ------------------------------------------------------------------------------------------


def test_every_non_blank_line_gets_a_role_and_errors_a_reason():
    text = "Signatories:\n\n1. Amnesty International\n3. ...\nPage 1 of 2\n2. Freedom House\n"
    result = parse_list(text)
    assert [(line.line_no, line.role) for line in result.lines] == [
        (1, "list-heading"), (3, "entry"), (4, "error"), (5, "noise"), (6, "entry")]
    assert result.errors[0].line_no == 4 and result.lines[2].why == result.errors[0].error


def test_a_forced_numbered_layout_reports_unnumbered_lines_as_errors():
    result = parse_list("1. Alpha Group\nNational organisations:\n2. Beta Group\n", "numbered")
    assert names(result) == ["Alpha Group", "Beta Group"]
    assert [(e.line_no, "number" in e.error) for e in result.errors] == [(2, True)]


def test_every_entry_says_how_it_was_read():
    entry = parse_list("1\tGreenpeace International\tA global campaigning organisation.\n"
                       "2\tOxfam International\tA confederation.").entries[0]
    assert entry.reading == "table row: number, name, description"


def test_a_run_on_block_under_an_individuals_heading_is_still_flagged_not_read_as_a_person():
    result = parse_list(f"Individuals\nAna Souza / abogada\nTomás Echeverría / Greenpeace España\n{RUN_ON}\n")
    assert [(e.kind, e.several) for e in result.entries][-1] == (ORGANISATION, True)
