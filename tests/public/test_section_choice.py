"""Signers and the letter's list sections: a choice on the form where the letter offers it, else a default."""

import pytest

from letters.models import Organisation, Section, Signature
from tests.public.helpers import sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def sections(open_letter):
    international = Section.objects.create(letter=open_letter, position=1, kind="organisation", headings={
        "en": "International organisations", "fr": "Organisations internationales"})
    national = Section.objects.create(letter=open_letter, position=2, kind="organisation", headings={
        "en": "National organisations", "fr": "Organisations nationales"})
    people = Section.objects.create(letter=open_letter, position=3, kind="individual", headings={"en": "Individuals"})
    return international, national, people


def test_form_offers_the_sections_in_the_page_language_when_the_letter_says_so(client, open_letter, sections):
    assert "National organisations" not in client.get(f"/en/letters/{open_letter.slug}/").content.decode()
    open_letter.offer_sections = True
    open_letter.save()
    html = client.get(f"/fr/letters/{open_letter.slug}/").content.decode()
    assert "Organisations nationales" in html and "Organisations internationales" in html


def test_the_chosen_section_is_kept_on_the_sign_on(client, open_letter, sections):
    open_letter.offer_sections = True
    open_letter.save()
    _international, national, _people = sections
    assert sign(client, open_letter, section=str(national.pk)).status_code == 302
    assert Signature.objects.get(letter=open_letter).section == national


def test_a_section_of_another_letter_is_refused_not_stored(client, open_letter, sections, coordinator):
    from tests.factories import LetterFactory

    other = Section.objects.create(letter=LetterFactory(coordinators=[coordinator]), position=1, headings={"en": "X"})
    open_letter.offer_sections = True
    open_letter.save()
    response = sign(client, open_letter, section=str(other.pk))
    assert response.status_code == 200 and not Signature.objects.filter(letter=open_letter).exists()


def test_without_a_choice_organisations_and_individuals_go_to_the_first_section_for_them(client, open_letter,
                                                                                          sections):
    international, _national, people = sections
    open_letter.accepts_individuals = True
    open_letter.save()
    sign(client, open_letter, kind=Organisation.Kind.ORGANISATION)
    sign(client, open_letter, kind=Organisation.Kind.INDIVIDUAL, organisation_name="", country="",
         signer_name="Jonas Lindqvist", signer_email="jonas@example.org", affiliation="journalist")
    assert Signature.objects.get(organisation__name="Centre for Civic Voices").section == international
    assert Signature.objects.get(organisation__kind=Organisation.Kind.INDIVIDUAL).section == people


def test_public_page_lists_each_section_under_its_heading_in_the_page_language(client, open_letter, sections):
    from tests.factories import OrganisationFactory, SignatureFactory

    international, national, _people = sections
    for name, section in (("Amnesty International", international), ("Conectas Direitos Humanos", national)):
        SignatureFactory(letter=open_letter, organisation=OrganisationFactory(name=name), section=section)
    html = client.get(f"/fr/letters/{open_letter.slug}/").content.decode()
    assert html.index("Organisations internationales") < html.index("<li><bdi>Amnesty International</bdi></li>") < \
        html.index("Organisations nationales") < html.index("<li><bdi>Conectas Direitos Humanos</bdi></li>")

    section_service_rename(national, {"fr": "ONG nationales"})
    html = client.get(f"/fr/letters/{open_letter.slug}/").content.decode()
    assert "ONG nationales" in html  # a renamed heading shows at once, despite the page cache


def section_service_rename(section, headings):
    from letters.services import sections as service

    service.rename(section, headings)
