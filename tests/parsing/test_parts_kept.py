"""Nothing a line says may silently disappear: every cell or part of an entry line ends up in its number, name,
country or region, affiliation or note (or the line is flagged); and lines that hold organisations are never
read as people."""

import json
from pathlib import Path

import pytest

from letters import parsing
from letters.countries import lookup_country, lookup_region, place_codes
from letters.parsing import INDIVIDUAL, ORGANISATION, parse_list, split_country, unaccounted

HERE = Path(__file__).resolve()
LIST_FOLDERS = (HERE.parents[1] / "fixtures" / "lists", HERE.parents[3] / "shared" / "lists",
                HERE.parents[2] / "letters" / "demo" / "lists")
IND = "Individuals (affiliation for identification purposes only)"
RUN_ON = ("Greenpeace México Fundación Pachamama - Ecuador Amazon Watch Centro Mexicano de Derecho Ambiental - México "
          "Colectivo Casa - Bolivia")


def _read(entry):
    return entry.number, entry.kind, entry.name, entry.country, entry.affiliation, entry.note


# --- 1. a numbered table of individuals keeps its third column -------------------------------------------------


@pytest.mark.parametrize("rows", [
    "7\tMeera Krishnan\tProfessor of Law, Chennai\n8\tDr. Arjun Patel\tPublic health researcher\n",
    "7    Meera Krishnan    Professor of Law, Chennai\n8    Dr. Arjun Patel    Public health researcher\n",
    "7\nMeera Krishnan\nProfessor of Law, Chennai\n8\nDr. Arjun Patel\nPublic health researcher\n",
    "No.\tName\tCountry\n7\tMeera Krishnan\tProfessor of Law, Chennai\n8\tDr. Arjun Patel\tPublic health researcher\n",
    "No.\tName\tCountry\n7\tMeera Krishnan\tProfessor of Law, Chennai\n8\tDr. Arjun Patel\tPublic health researcher\n"
    "9\tGrace Wanjiru\tKenya\n",
], ids=["tabs", "spaces", "one-cell-a-line", "country-header", "country-header-with-a-country"])
def test_the_third_column_of_a_numbered_individuals_table_is_the_affiliation(rows):
    result = parse_list(f"National organisations\n\n1\tCentre for Environmental Justice\tSri Lanka\n"
                        f"2\tZimbabwe Lawyers for Human Rights\tZimbabwe\n\n{IND}\n\n{rows}")
    people = [entry for entry in result.entries if entry.section == IND]
    assert [_read(entry) for entry in people[:2]] == [
        (7, INDIVIDUAL, "Meera Krishnan", "", "Professor of Law, Chennai", ""),
        (8, INDIVIDUAL, "Dr. Arjun Patel", "", "Public health researcher", "")]
    assert all(entry.country == "KE" and not entry.affiliation for entry in people[2:])


def test_after_an_individuals_header_a_column_that_is_no_place_is_the_affiliation():
    result = parse_list("Name\tDesignation\tCountry\nMeera Krishnan\tProfessor of Law\tChennai office\n")
    assert _read(result.entries[0]) == (None, INDIVIDUAL, "Meera Krishnan", "", "Professor of Law, Chennai office",
                                        "")


def test_in_an_organisations_section_a_column_that_is_no_place_is_a_note():
    result = parse_list("Organisations\n\nNo.\tName\tCountry\n1\tKenya Human Rights Commission\tKenya\n"
                        "2\tCentre for Environmental Justice\tNationwide network of 40 groups\n")
    assert [_read(entry) for entry in result.entries] == [
        (1, ORGANISATION, "Kenya Human Rights Commission", "KE", "", ""),
        (2, ORGANISATION, "Centre for Environmental Justice", "", "", "Nationwide network of 40 groups")]


def test_a_second_place_column_is_kept_as_a_note():
    entry = parse_list("No.\tName\tCountry\tCountry\n1\tAfrican Centre for Justice\tSudan\tUganda\n").entries[0]
    assert (entry.country, entry.note) == ("SD", "Uganda")


def test_a_row_of_no_known_kind_whose_other_cell_names_a_job_is_a_person():
    result = parse_list("No.\tName\tCountry\n7\tMeera Krishnan\tProfessor of Law, Chennai\n"
                        "8\tMédecins Sans Frontières\tIndependent medical humanitarian organisation\n")
    assert [(entry.kind, entry.affiliation, entry.note) for entry in result.entries] == [
        (INDIVIDUAL, "Professor of Law, Chennai", ""),
        (ORGANISATION, "", "Independent medical humanitarian organisation")]


# --- 2. a run-on line under the individuals is flagged, never a person -----------------------------------------


@pytest.mark.parametrize("before", [
    f"{IND}\n\n", f"{IND}:\n", f"{IND}\n\n7\tMeera Krishnan\tProfessor of Law, Chennai\n",
    f"{IND}\n\nAna Pérez, abogada, México\n", "Organisations\n\nAmnesty International\n", "",
], ids=["individuals", "individuals-colon", "after-a-person-row", "after-a-person-line", "organisations", "none"])
def test_a_run_on_line_is_flagged_with_a_split_whatever_section_it_stands_in(before):
    result = parse_list(f"{before}{RUN_ON}\n")
    entry = result.entries[-1]
    assert (entry.kind, entry.several, entry.name) == (ORGANISATION, True, RUN_ON)
    assert entry.section in ("", "Organisations")  # never published under the individuals' heading
    assert entry.split == ["Greenpeace México", "Fundación Pachamama", "Amazon Watch",
                           "Centro Mexicano de Derecho Ambiental", "Colectivo Casa"]
    assert entry.split_countries == ["", "EC", "", "MX", "BO"] and not entry.country and not entry.affiliation


@pytest.mark.parametrize("line, split", [
    ("Fundación Pachamama - Ecuador Colectivo Casa - Bolivia", ["Fundación Pachamama", "Colectivo Casa"]),
    ("Greenpeace México Fundación Pachamama", ["Greenpeace México", "Fundación Pachamama"]),
    ("Oilwatch Sudamérica Red de Acción", ["Oilwatch Sudamérica", "Red de Acción"]),
])
def test_short_run_on_lines_under_the_individuals_are_organisations_flagged_for_review(line, split):
    entry = parse_list(f"{IND}\n\nAna Pérez, abogada, México\n{line}\n").entries[-1]
    assert (entry.kind, entry.several, entry.split) == (ORGANISATION, True, split)


def test_two_country_tails_flag_a_short_line_in_an_organisations_list_too():
    entry = parse_list("Amnesty International\nFundación Pachamama - Ecuador Colectivo Casa - Bolivia\n").entries[1]
    assert entry.several and entry.split == ["Fundación Pachamama", "Colectivo Casa"]


def test_an_organisation_under_the_individuals_is_an_organisation():
    result = parse_list(f"Organisations\n\nAmnesty International\n\n{IND}\n\nAna Pérez, abogada, México\n"
                        "Colectivo Casa - Bolivia\n")
    entry = result.entries[-1]
    assert (entry.kind, entry.name, entry.country, entry.several) == (ORGANISATION, "Colectivo Casa", "BO", False)
    assert [e.section for e in result.entries] == ["Organisations", IND, ""]


@pytest.mark.parametrize("line, name, affiliation, country", [
    ("Ana Pérez, Fundación Pachamama, Ecuador", "Ana Pérez", "Fundación Pachamama", "EC"),
    ("Dr. Ana Pérez - Centro de Estudios Sociales - México", "Dr. Ana Pérez", "Centro de Estudios Sociales", "MX"),
    ("Carlos Centro Ruiz, periodista", "Carlos Centro Ruiz", "periodista", ""),
    ("Luis Ramírez Soto, investigador, Universidad de Chile, Chile", "Luis Ramírez Soto",
     "investigador, Universidad de Chile", "CL"),
])
def test_people_with_an_organisation_in_their_affiliation_stay_people(line, name, affiliation, country):
    entry = parse_list(f"{IND}\n\n{line}\n").entries[0]
    assert (entry.kind, entry.name, entry.affiliation, entry.country, entry.several) == (
        INDIVIDUAL, name, affiliation, country, False)


# --- nothing a line says disappears ----------------------------------------------------------------------------


def _lists():
    paths = [path for folder in LIST_FOLDERS if folder.is_dir() for path in sorted(folder.glob("*.txt"))]
    return [pytest.param(path, id=f"{path.parent.name}/{path.stem}") for path in paths]


def _language(path):
    expected = path.with_name(path.stem + ".expected.json")
    if expected.exists():
        return json.loads(expected.read_text(encoding="utf-8"))["language"]
    return path.stem.rsplit("-", 1)[-1] if "-" in path.stem else None


@pytest.mark.parametrize("path", _lists())
def test_every_part_of_every_entry_line_of_every_example_list_is_placed(path):
    result = parse_list(path.read_text(encoding="utf-8"), language=_language(path))
    assert result.entries
    lost = {entry.line_no: unaccounted(entry) for entry in result.entries if not entry.error}
    assert not {line_no: words for line_no, words in lost.items() if words}
    assert not [entry.unplaced for entry in result.entries if entry.unplaced], "the safety net had to keep words"


SHAPES = [
    "1\tGreenpeace International\tAn independent global campaigning organisation.\n",
    "No.\tName\tCountry\tWebsite\n1\tLigue Iteka\tBurundi\tligue-iteka.bi\n2\tFIDH\tInternational\tfidh.org\n",
    "Name\tOrganisation\tCountry\nMeera Krishnan\tNational Law School\tIndia\n",
    f"{IND}\n\n7\tMeera Krishnan\tProfessor of Law, Chennai\tIndia\tsigned on 3 May\n",
    "Prof. Hannah Okafor, former UN Independent Expert, Nigeria\nJonas Lindqvist, journalist, Sweden\n",
    "Lucía Fernández Ortega / Catedrática, Universidad de Salamanca\n",
    "WaterAid - UK\nNatural Resources Defense Council - USA\nGreen Belt Movement, Nairobi, Kenya\n",
    "Kituo cha Sheria (Nairobi, Kenya)\nFundación Pachamama (Ecuador)\n",
    "1. Asian Forum for Human Rights and\nDevelopment (FORUM-ASIA)\n2. Business & Human Rights Resource\nCentre\n",
    "Organizaciones\n(1) Centro por la Justicia y el Derecho Internacional (CEJIL) - Regional\n",
    f"{IND}\n\n{RUN_ON}\nAna Pérez, abogada, México\n",
    "Amnesty International, Human Rights Watch, Oxfam Novib\n",
]


@pytest.mark.parametrize("text", SHAPES)
def test_every_part_of_lines_in_many_shapes_is_placed(text):
    for entry in parse_list(text).entries:
        assert not entry.error and unaccounted(entry) == [] and not entry.unplaced, entry


def test_unaccounted_finds_a_word_no_part_holds():
    entry = parse_list("7\tMeera Krishnan\tProfessor of Law, Chennai\n").entries[0]
    entry.affiliation = "Professor of Law"
    assert unaccounted(entry) == ["Chennai"]


def test_whatever_a_reading_leaves_out_is_kept_as_a_note_and_said_so(monkeypatch):
    monkeypatch.setattr(parsing, "read_person", lambda text: (text.split(",")[0], "", None))
    entry = parse_list(f"{IND}\n\nJonas Lindqvist, journalist, Sweden\n").entries[0]
    assert (entry.name, entry.note, entry.unplaced) == ("Jonas Lindqvist", "journalist, Sweden", "journalist, Sweden")
    assert "journalist, Sweden" in entry.reading


# --- a city before the country ----------------------------------------------------------------------------------


def test_a_city_before_the_country_comes_off_with_it_where_the_section_splits_its_tails():
    result = parse_list("Green Belt Movement, Nairobi, Kenya\nKituo cha Sheria (Nairobi, Kenya)\n"
                        "Conectas Direitos Humanos, São Paulo, Brasil\nWaterAid - UK\n")
    assert [(e.name, e.country, e.note) for e in result.entries] == [
        ("Green Belt Movement", "KE", "Nairobi"), ("Kituo cha Sheria", "KE", "Nairobi"),
        ("Conectas Direitos Humanos", "BR", "São Paulo"), ("WaterAid", "GB", "")]


def test_a_city_before_the_country_stays_in_the_name_where_the_section_keeps_its_tails():
    result = parse_list("Green Belt Movement, Nairobi, Kenya\nAmnesty International\nOxfam\nFIDH\n")
    assert (result.entries[0].name, result.entries[0].country) == ("Green Belt Movement, Nairobi, Kenya", "")


@pytest.mark.parametrize("line, name", [
    ("Asia Pacific Forum on Women, Law and Development, Thailand", "Asia Pacific Forum on Women, Law and Development"),
    ("Centre for Law, Justice, Kenya", "Centre for Law, Justice"),
    ("Human Rights Watch, Africa Division, Kenya", "Human Rights Watch, Africa Division"),
])
def test_what_is_no_city_stays_in_the_name(line, name):
    entry = parse_list(f"{line}\nWaterAid - UK\n").entries[0]
    assert (entry.name, entry.note) == (name, "")


def test_an_individuals_city_stays_in_the_affiliation():
    entry = parse_list(f"{IND}\n\nJane Wambui, Lawyer, Nairobi, Kenya\n").entries[0]
    assert (entry.name, entry.affiliation, entry.country) == ("Jane Wambui", "Lawyer, Nairobi", "KE")


# --- "Regional" ----------------------------------------------------------------------------------------------------


def test_regional_is_a_region_with_the_code_xi_as_lookup_country_always_read_it():
    assert lookup_country("Regional") == "XI" and lookup_region("Regional") == ("XI", False)
    assert place_codes("Regional") == ("", "XI", True)
    assert split_country("CEJIL - Regional") == ("CEJIL", "XI", "Regional")
    entry = parse_list("(1) CEJIL - Regional\n(2) FAU-LAC - Latinoamérica\n").entries[0]
    assert (entry.name, entry.country, entry.region, entry.region_code) == ("CEJIL", "", "Regional", "XI")
