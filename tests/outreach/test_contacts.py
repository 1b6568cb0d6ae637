"""Coordinators keep each organisation's contacts: who is invited and reminded, in which language.

Contacts are personal data: staff see them all, a coordinator only those of organisations related to a letter
they coordinate (invited to it or signed it); anyone else who coordinates sees how many and in which languages.
"""

import re

import pytest

from letters.models import Contact, OutgoingEmail
from letters.models.outreach import EmailSuppression
from letters.services.invitations import select_organisations, send_invitations, unsubscribe
from tests.factories import ContactFactory, LetterFactory, OrganisationFactory, SignatureFactory, UserFactory
from tests.outreach.helpers import partner

pytestmark = pytest.mark.django_db


def contacts_url(organisation):
    return f"/manage/organisations/{organisation.pk}/contacts/"


def toggle_url(contact):
    return f"/manage/organisations/{contact.organisation_id}/contacts/{contact.pk}/toggle/"


def resubscribe_url(contact):
    return f"/manage/organisations/{contact.organisation_id}/contacts/{contact.pk}/resubscribe/"


@pytest.fixture
def invited_partner(letter, coordinator):
    """"Lima Collective", invited to the coordinator's letter, with one Spanish-speaking contact."""
    organisation = partner("Lima Collective", country="PE", languages=["es"])
    send_invitations(letter, select_organisations(organisations=[organisation]), by=coordinator)
    return organisation


@pytest.fixture
def other_letter(other_coordinator):
    """The other coordinator runs a letter of their own."""
    return LetterFactory(slug="their-letter", coordinators=[other_coordinator], languages=["en", "es"])


def test_a_coordinator_adds_a_contact_with_a_preferred_language(coordinator_client, letter):
    organisation = OrganisationFactory(name="Lima Collective")
    response = coordinator_client.post(
        contacts_url(organisation), {"name": "Rosa Quispe", "email": " Rosa@Lima.example.org ", "language": "es"}
    )
    assert response.status_code == 302
    contact = organisation.contacts.get()
    assert (contact.email, contact.language, contact.is_active) == ("rosa@lima.example.org", "es", True)


def test_the_same_address_twice_for_one_organisation_is_a_form_error(coordinator_client, invited_partner):
    response = coordinator_client.post(
        contacts_url(invited_partner), {"email": "LIMA-COLLECTIVE-0@lima-collective.example.org"}
    )
    assert response.status_code == 200
    assert b"already has a contact" in response.content
    assert invited_partner.contacts.count() == 1


def test_deactivating_a_contact_keeps_it_but_stops_its_emails(coordinator_client, invited_partner):
    contact = invited_partner.contacts.get()
    coordinator_client.post(toggle_url(contact))
    assert Contact.objects.get(pk=contact.pk).is_active is False
    assert not Contact.objects.active().filter(pk=contact.pk).exists()
    page = coordinator_client.get(contacts_url(invited_partner))
    assert b"Inactive" in page.content


def test_unsubscribed_contacts_are_shown_as_such(coordinator_client, invited_partner):
    unsubscribe(invited_partner.contacts.get().email)
    page = coordinator_client.get(contacts_url(invited_partner))
    assert b"Unsubscribed" in page.content


def test_a_coordinator_sees_the_contacts_of_organisations_that_signed_their_letter(coordinator_client, letter):
    signed = partner("Signed Partner")
    SignatureFactory(letter=letter, organisation=signed)
    page = coordinator_client.get(contacts_url(signed)).content.decode()
    assert "signed-partner-0@signed-partner.example.org" in page


def test_another_coordinator_sees_only_how_many_contacts_and_their_languages(
    other_client, other_letter, invited_partner
):
    response = other_client.get(contacts_url(invited_partner))
    page = response.content.decode()

    assert response.status_code == 200
    assert "lima-collective-0@lima-collective.example.org" not in page
    assert "This organisation has 1 contact." in page and "Spanish" in page
    assert "/toggle/" not in page


def test_another_coordinator_cannot_deactivate_a_contact_they_may_not_see(other_client, other_letter, invited_partner):
    contact = invited_partner.contacts.get()
    assert other_client.post(toggle_url(contact)).status_code == 403
    assert Contact.objects.get(pk=contact.pk).is_active is True


def test_another_coordinator_may_add_a_contact_to_invite_a_new_partner(other_client, other_letter, invited_partner):
    response = other_client.post(contacts_url(invited_partner), {"email": "maria@lima.example.org", "language": "es"})
    assert response.status_code == 302
    assert invited_partner.contacts.count() == 2
    page = other_client.get(contacts_url(invited_partner)).content.decode()
    assert "This organisation has 2 contacts." in page and "lima-collective-0@" not in page


def test_once_invited_to_their_own_letter_the_other_coordinator_sees_the_contacts(
    client, other_coordinator, other_letter, invited_partner
):
    send_invitations(other_letter, select_organisations(organisations=[invited_partner]), by=other_coordinator)
    client.force_login(other_coordinator)
    assert "lima-collective-0@lima-collective.example.org" in client.get(contacts_url(invited_partner)).content.decode()


def test_staff_see_every_organisations_contacts(client, admin_user):
    contact = ContactFactory()
    client.force_login(admin_user)
    assert contact.email in client.get(contacts_url(contact.organisation)).content.decode()


def test_the_invite_preview_shows_addresses_only_of_organisations_related_to_the_coordinators_letters(
    client, other_coordinator, other_letter, invited_partner
):
    answered = partner("Cusco Rights", country="PE", languages=["fr"])
    SignatureFactory(letter=other_letter, organisation=answered, status="declined")
    former = partner("Arequipa Voices", country="PE", languages=["fr"])
    SignatureFactory(letter=LetterFactory(coordinators=[other_coordinator]), organisation=former)  # signed before
    client.force_login(other_coordinator)
    preview = client.get(f"/manage/letters/{other_letter.slug}/invite/", {"countries": ["PE"]}).content.decode()

    assert "Lima Collective" in preview and "lima-collective-0@" not in preview  # a stranger's contact: hidden
    assert re.search(r"1 contact\s*<span[^>]*>es</span>", preview)  # … but how many, and in which language
    # Signed one of their letters: its contact is shown, with the language the email will really be in
    # (French preferred, but this letter has no French version).
    assert re.search(r"arequipa-voices-0@arequipa-voices.example.org <span[^>]*>en</span>", preview)
    assert "Cusco Rights" in preview  # declined: listed as answered, not to invite
    assert OutgoingEmail.objects.filter(letter=other_letter).count() == 0


def test_people_who_coordinate_nothing_cannot_see_contacts(client, letter):
    client.force_login(UserFactory(username="stranger"))
    contact = ContactFactory()
    assert client.get(contacts_url(contact.organisation)).status_code == 403
    assert client.post(toggle_url(contact)).status_code == 403
    assert client.post(contacts_url(contact.organisation), {"email": "x@example.org"}).status_code == 403
    assert Contact.objects.get(pk=contact.pk).is_active is True
    assert Contact.objects.count() == 1


def test_an_absurd_organisation_or_contact_number_is_a_404_not_a_500(coordinator_client, invited_partner):
    huge = "9" * 30
    assert coordinator_client.get(f"/manage/organisations/{huge}/contacts/").status_code == 404
    toggle = f"/manage/organisations/{invited_partner.pk}/contacts/{huge}/toggle/"
    assert coordinator_client.post(toggle).status_code == 404


# --- unsubscribed addresses -----------------------------------------------------------------------------------


def test_adding_an_address_that_unsubscribed_warns_and_keeps_it_unsubscribed(coordinator_client, invited_partner):
    unsubscribe("rosa@lima.example.org")
    response = coordinator_client.post(contacts_url(invited_partner), {"email": "Rosa@lima.example.org"}, follow=True)

    assert "This address unsubscribed from invitations and reminders" in response.content.decode()
    contact = invited_partner.contacts.get(email="rosa@lima.example.org")
    assert contact.unsubscribed_at is not None
    assert not Contact.objects.active().filter(pk=contact.pk).exists()


def test_staff_resubscribe_an_address_at_the_persons_request(client, admin_user, invited_partner, letter, coordinator):
    contact = invited_partner.contacts.get()
    unsubscribe(contact.email)
    client.force_login(admin_user)
    page = client.get(contacts_url(invited_partner)).content.decode()
    assert resubscribe_url(contact) in page

    response = client.post(resubscribe_url(contact), follow=True)
    assert "will receive invitations and reminders again" in response.content.decode()
    assert not EmailSuppression.objects.exists()
    assert Contact.objects.get(pk=contact.pk).unsubscribed_at is None
    other = LetterFactory(coordinators=[coordinator])
    assert send_invitations(other, select_organisations(organisations=[invited_partner])).emails == 1


def test_coordinators_cannot_resubscribe_anyone(coordinator_client, invited_partner):
    contact = invited_partner.contacts.get()
    unsubscribe(contact.email)
    assert b"/resubscribe/" not in coordinator_client.get(contacts_url(invited_partner)).content
    assert coordinator_client.post(resubscribe_url(contact)).status_code == 403
    assert EmailSuppression.objects.filter(email=contact.email).exists()
    assert Contact.objects.get(pk=contact.pk).unsubscribed_at is not None
