"""The links in invitations and reminders: personal link, decline and unsubscribe (GET shows a page, POST acts)."""

import uuid

import pytest

from letters.emails.outreach import unsubscribe_token
from letters.models import Contact, Invitation, OutgoingEmail, Signature
from letters.services.invitations import select_organisations, send_invitations
from letters.views.outreach import SESSION_KEY
from tests.outreach.helpers import link_in, partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(letter, coordinator):
    """Invited organisation "Partner Voices" with one French-speaking contact; returns its invitation."""
    organisation = partner("Partner Voices", languages=["fr"])
    send_invitations(letter, select_organisations(organisations=[organisation]), by=coordinator)
    return Invitation.objects.get(organisation=organisation)


def status_of(invitation):
    return Signature.objects.get(letter=invitation.letter, organisation=invitation.organisation).status


def test_the_personal_link_marks_the_invitation_opened_and_leads_to_the_letter_in_the_contacts_language(client, invited):
    email = OutgoingEmail.objects.get(contact=invited.contact)
    response = client.get(link_in(email.body_text, "/invite/"))

    assert response.status_code == 302
    assert response["Location"] == f"/fr/letters/{invited.letter.slug}/"
    assert client.session[SESSION_KEY] == str(invited.token)
    invited.refresh_from_db()
    assert invited.opened_at is not None
    assert status_of(invited) == Signature.Status.INVITED  # opening is not signing


def test_opening_twice_keeps_the_first_opening_time(client, invited):
    client.get(f"/fr/invite/{invited.token}/")
    invited.refresh_from_db()
    first = invited.opened_at
    client.get(f"/fr/invite/{invited.token}/")
    invited.refresh_from_db()
    assert invited.opened_at == first


def test_an_unknown_personal_link_shows_a_clear_page(client):
    response = client.get(f"/en/invite/{uuid.uuid4()}/")
    assert response.status_code == 404
    assert b"This link does not work" in response.content


def test_opening_the_decline_link_does_not_decline(client, invited):
    response = client.get(f"/fr/invite/{invited.token}/decline/")
    assert response.status_code == 200
    assert b'method="post"' in response.content
    assert status_of(invited) == Signature.Status.INVITED


def test_pressing_decline_records_it_with_when_and_through_whom(client, invited):
    response = client.post(f"/fr/invite/{invited.token}/decline/")
    assert response.status_code == 200
    signature = Signature.objects.get(letter=invited.letter, organisation=invited.organisation)
    assert signature.status == Signature.Status.DECLINED
    assert signature.declined_at is not None
    event = signature.events.last()
    assert event.to_status == "declined" and invited.contact.email in event.reason


def test_declining_twice_is_harmless(client, invited):
    client.post(f"/fr/invite/{invited.token}/decline/")
    response = client.post(f"/fr/invite/{invited.token}/decline/")
    assert response.status_code == 200
    assert status_of(invited) == Signature.Status.DECLINED


def test_a_decline_link_never_undoes_a_colleagues_sign_on(client, invited):
    Signature.objects.filter(organisation=invited.organisation).update(status=Signature.Status.CONFIRMED)
    response = client.post(f"/fr/invite/{invited.token}/decline/")
    assert b'id="outcome"' in response.content
    assert status_of(invited) == Signature.Status.CONFIRMED


def test_opening_the_unsubscribe_link_does_not_unsubscribe(client, invited):
    email = OutgoingEmail.objects.get(contact=invited.contact)
    response = client.get(link_in(email.body_text, "/unsubscribe/"))
    assert response.status_code == 200
    assert invited.contact.email.encode() in response.content
    assert Contact.objects.get(pk=invited.contact.pk).unsubscribed_at is None


def test_pressing_unsubscribe_stops_invitations_to_that_address_under_every_organisation(
    client, invited, letter, coordinator
):
    other_network = partner("Other Network", languages=[])
    same_person_elsewhere = other_network.contacts.create(email=invited.contact.email, language="en")
    email = OutgoingEmail.objects.get(contact=invited.contact)
    client.post(link_in(email.body_text, "/unsubscribe/"))

    assert Contact.objects.get(pk=invited.contact.pk).unsubscribed_at is not None
    assert Contact.objects.get(pk=same_person_elsewhere.pk).unsubscribed_at is not None
    result = send_invitations(letter, select_organisations(organisations=[other_network]), by=coordinator)
    assert result.emails == 0


def test_a_tampered_unsubscribe_link_is_refused_and_changes_nothing(client, invited):
    token = unsubscribe_token(invited.contact.email, invited.organisation_id)
    response = client.post(f"/en/unsubscribe/{token[:-3]}abc/")
    assert response.status_code == 400
    assert Contact.objects.get(pk=invited.contact.pk).unsubscribed_at is None


def test_a_signer_who_is_not_a_contact_can_unsubscribe_and_it_is_respected_by_later_invitations(client, letter, coordinator):
    organisation = partner("Quiet Org", languages=[])
    client.post(f"/en/unsubscribe/{unsubscribe_token('signer@quiet-org.example.org', organisation.pk)}/")
    assert Contact.objects.get(email="signer@quiet-org.example.org").unsubscribed_at is not None

    organisation.contacts.create(email="other@quiet-org.example.org")
    elsewhere = partner("Elsewhere")
    elsewhere.contacts.create(email="signer@quiet-org.example.org")
    result = send_invitations(letter, select_organisations(organisations=[organisation, elsewhere]), by=coordinator)
    assert "signer@quiet-org.example.org" not in set(OutgoingEmail.objects.values_list("to", flat=True))
    assert "other@quiet-org.example.org" in set(OutgoingEmail.objects.values_list("to", flat=True))
    assert result.emails == 2  # Elsewhere's own contact and Quiet Org's other contact
