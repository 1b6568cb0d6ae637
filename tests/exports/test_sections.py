"""A letter's list sections in every layout: headings per language, in order, numbering continuous or per section."""

import io
import json

import openpyxl
import pytest
from django.core.management import call_command

from letters.documents import export_output
from letters.exports import SignatoryList
from letters.layouts import render_text
from letters.models import Letter, Organisation, Section, Signature
from letters.resources import render_json
from letters.services import finalise as finalise_service
from letters.services import sections as section_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def sectioned(letter, sign):
    """International, then national organisations, then individuals; one org without a section."""
    international = Section.objects.create(letter=letter, position=1, kind="organisation", headings={
        "en": "International organisations", "fr": "Organisations internationales"})
    national = Section.objects.create(letter=letter, position=2, kind="organisation", headings={
        "en": "National organisations", "fr": "Organisations nationales"})
    people = Section.objects.create(letter=letter, position=3, kind="individual", headings={
        "en": "Individuals", "es": "Personas"})
    for name, section in (("Oxfam International", international), ("Amnesty International", international),
                          ("Instituto Socioambiental", national), ("Conectas Direitos Humanos", national)):
        signature = sign(name)
        signature.section = section
        signature.save()
    person = sign("Dr. Amal Haddad", kind=Organisation.Kind.INDIVIDUAL, affiliation="Beirut Bar", country="LB")
    person.section = people
    person.save()
    sign("Coordinating Network")
    return letter


def test_each_section_prints_under_its_heading_in_the_export_language(sectioned):
    assert render_text(SignatoryList(sectioned, "en"), "lines") == (
        "Coordinating Network\n\nInternational organisations\nAmnesty International\nOxfam International\n\n"
        "National organisations\nConectas Direitos Humanos\nInstituto Socioambiental\n\n"
        "Individuals\nDr. Amal Haddad (Beirut Bar)\n"
    )
    french = render_text(SignatoryList(sectioned, "fr"), "lines")
    assert "Organisations internationales\n" in french and "Organisations nationales\n" in french
    # No French heading for the individuals' section: the letter's default language (English) stands in.
    assert "\nIndividuals\n" in french
    assert "\nPersonas\n" in render_text(SignatoryList(sectioned, "es"), "lines")


def test_numbering_continues_across_sections_or_restarts_per_section(sectioned):
    continuous = render_text(SignatoryList(sectioned, "en", "manual"), "numbered")
    assert "\n6. Dr. Amal Haddad (Beirut Bar)\n" in continuous
    restarted = render_text(SignatoryList(sectioned, "en", "manual", numbering="section"), "numbered")
    assert restarted.splitlines()[2:4] == ["International organisations", "1. Oxfam International"]
    assert "\n1. Dr. Amal Haddad (Beirut Bar)\n" in restarted

    sectioned.numbering = Letter.Numbering.PER_SECTION
    sectioned.save()
    assert render_text(SignatoryList(sectioned, "en", "manual"), "numbered") == restarted


def test_table_layout_prints_number_name_and_country_columns(sectioned):
    table = render_text(SignatoryList(sectioned, "en", "manual", numbering="section"), "table")
    assert "1\tOxfam International\tSwitzerland\n" in table
    assert "1\tDr. Amal Haddad (Beirut Bar)\tLebanon\n" in table


def test_unnamed_count_closes_the_organisations_before_the_individuals(sectioned, sign):
    sign("Hidden Group", consent=False)
    lines = render_text(SignatoryList(sectioned, "en"), "lines").splitlines()
    unnamed = next(i for i, line in enumerate(lines) if "cannot be named" in line)
    assert lines[unnamed + 2] == "Individuals"


def test_data_exports_carry_the_section_of_every_row(sectioned):
    rows = json.loads(render_json(SignatoryList(sectioned, "fr", "manual")))["rows"]
    assert [row["section"] for row in rows] == [
        "", "Organisations internationales", "Organisations internationales", "Organisations nationales",
        "Organisations nationales", "Individuals"]
    workbook = openpyxl.load_workbook(io.BytesIO(export_output(SignatoryList(sectioned, "en"), "xlsx").chunks[0]))
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    assert "Section" in headers
    assert sheet.cell(row=3, column=headers.index("Section") + 1).value == "International organisations"


def test_documents_print_the_section_headings(sectioned):
    from letters.documents import list_blocks

    blocks = list_blocks(SignatoryList(sectioned, "fr", "manual", numbering="section"), "numbered")
    headings = [block["heading"] for block in blocks if "heading" in block]
    assert headings == ["Organisations internationales", "Organisations nationales", "Individuals"]
    assert [block["start"] for block in blocks if "names" in block] == [1, 1, 1, 1]


def test_finalised_list_keeps_the_headings_it_was_published_with(sectioned, coordinator):
    finalise_service.finalise_letter(sectioned, by=coordinator)
    sectioned.refresh_from_db()
    assert sectioned.status == Letter.Status.FINALISED
    section = sectioned.sections.get(position=1)
    section_service.rename(section, {"en": "Global organisations"})
    text = render_text(SignatoryList(sectioned, "en"), "lines")
    assert "International organisations" in text and "Global organisations" not in text


def test_moving_sign_ons_between_sections_is_recorded(sectioned, coordinator):
    national = sectioned.sections.get(position=2)
    oxfam = Signature.objects.get(letter=sectioned, organisation__name="Oxfam International")
    assert section_service.assign(sectioned, [oxfam], national, by=coordinator) == 1
    oxfam.refresh_from_db()
    assert oxfam.section == national
    assert oxfam.events.filter(action="section").exists()
    assert "National organisations\nConectas Direitos Humanos\nInstituto Socioambiental\nOxfam International" in \
        render_text(SignatoryList(sectioned, "en"), "lines")


def test_deleting_a_section_keeps_its_sign_ons_without_a_section(sectioned):
    people = sectioned.sections.get(position=3)
    assert section_service.delete(people) == 1
    assert Signature.objects.filter(letter=sectioned, organisation__name="Dr. Amal Haddad", section=None).exists()


def test_cli_numbering_flag(sectioned):
    out = io.StringIO()
    call_command("export_signatories", sectioned.slug, "--language", "en", "--format", "numbered", "--order",
                 "manual", "--numbering", "section", stdout=out)
    assert "\n1. Dr. Amal Haddad (Beirut Bar)\n" in out.getvalue()


def test_a_letter_without_sections_still_groups_organisations_then_individuals(letter, sign):
    sign("Amnesty International")
    sign("Jonas Lindqvist", kind=Organisation.Kind.INDIVIDUAL, affiliation="journalist")
    assert render_text(SignatoryList(letter, "en"), "lines") == (
        "Organisations\nAmnesty International\n\n"
        "Individuals (affiliation for identification purposes only)\nJonas Lindqvist (journalist)\n"
    )


def test_a_version_in_a_language_without_a_translation_uses_its_own_words_or_english(letter, sign):
    from tests.factories import LetterVersionFactory

    sign("Amnesty International")
    sign("Secret", consent=False)
    sign("Giulia Rossi", kind=Organisation.Kind.INDIVIDUAL, affiliation="giornalista")
    LetterVersionFactory(letter=letter, language="it")
    english_words = render_text(SignatoryList(letter, "it"), "lines")
    assert "Organisations\n" in english_words and "cannot be named" in english_words

    version = letter.versions.get(language="it")
    version.organisations_label = "Organizzazioni"
    version.individuals_label = "Persone (affiliazione solo a fini identificativi)"
    version.unnamed_label = "e {count} organizzazioni che non possono essere nominate per motivi di sicurezza"
    version.save()
    italian = render_text(SignatoryList(letter, "it"), "lines")
    assert italian.startswith("Organizzazioni\nAmnesty International\n")
    assert "e 1 organizzazioni che non possono essere nominate" in italian
    assert "Persone (affiliazione solo a fini identificativi)\nGiulia Rossi (giornalista)" in italian


def test_region_as_listed_is_printed_where_the_country_would_be(letter, sign):
    signature = sign("Oil Change International", country="XI")
    signature.region = "Global"
    signature.save()
    assert render_text(SignatoryList(letter, "fr"), "name-dash") == "Oil Change International - Global\n"
    assert render_text(SignatoryList(letter, "fr"), "name-paren") == "Oil Change International (Global)\n"
