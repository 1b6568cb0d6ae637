"""Coordinators keep each organisation's contacts: who is invited and reminded, in which language."""

import pytest

from letters.models import Contact
from tests.factories import ContactFactory, OrganisationFactory, UserFactory
from tests.outreach.helpers import partner

pytestmark = pytest.mark.django_db


def test_a_coordinator_adds_a_contact_with_a_preferred_language(coordinator_client, letter):
    organisation = OrganisationFactory(name="Lima Collective")
    response = coordinator_client.post(
        f"/manage/organisations/{organisation.pk}/contacts/",
        {"name": "Rosa Quispe", "email": " Rosa@Lima.example.org ", "language": "es"},
    )
    assert response.status_code == 302
    contact = organisation.contacts.get()
    assert (contact.email, contact.language, contact.is_active) == ("rosa@lima.example.org", "es", True)


def test_the_same_address_twice_for_one_organisation_is_a_form_error(coordinator_client, letter):
    organisation = partner("Lima Collective")
    response = coordinator_client.post(
        f"/manage/organisations/{organisation.pk}/contacts/", {"email": "LIMA-COLLECTIVE-0@lima-collective.example.org"}
    )
    assert response.status_code == 200
    assert b"already has a contact" in response.content
    assert organisation.contacts.count() == 1


def test_deactivating_a_contact_keeps_it_but_stops_its_emails(coordinator_client, letter):
    contact = ContactFactory()
    coordinator_client.post(f"/manage/organisations/{contact.organisation_id}/contacts/{contact.pk}/toggle/")
    assert Contact.objects.get(pk=contact.pk).is_active is False
    assert not Contact.objects.active().filter(pk=contact.pk).exists()
    page = coordinator_client.get(f"/manage/organisations/{contact.organisation_id}/contacts/")
    assert b"Inactive" in page.content


def test_unsubscribed_contacts_are_shown_as_such(coordinator_client, letter):
    contact = ContactFactory(unsubscribed_at="2026-01-01T00:00Z")
    page = coordinator_client.get(f"/manage/organisations/{contact.organisation_id}/contacts/")
    assert b"Unsubscribed" in page.content


def test_people_who_coordinate_nothing_cannot_see_contacts(client, letter):
    client.force_login(UserFactory(username="stranger"))
    contact = ContactFactory()
    assert client.get(f"/manage/organisations/{contact.organisation_id}/contacts/").status_code == 403
    assert client.post(f"/manage/organisations/{contact.organisation_id}/contacts/{contact.pk}/toggle/").status_code == 403
    assert Contact.objects.get(pk=contact.pk).is_active is True


def test_an_absurd_organisation_number_is_a_404_not_a_500(coordinator_client, letter):
    huge = "9" * 30
    assert coordinator_client.get(f"/manage/organisations/{huge}/contacts/").status_code == 404
    contact = ContactFactory()
    toggle = f"/manage/organisations/{contact.organisation_id}/contacts/{huge}/toggle/"
    assert coordinator_client.post(toggle).status_code == 404
