"""The links in invitations and reminders: personal link, decline and unsubscribe (GET shows a page, POST acts)."""

import base64
import uuid

import pytest
from django.test import Client

from letters.emails.outreach import unsubscribe_token
from letters.models import Contact, Invitation, Organisation, OutgoingEmail, Signature
from letters.models.outreach import EmailSuppression
from letters.services.invitations import select_organisations, send_invitations
from letters.views.outreach import SESSION_KEY
from tests.factories import SignatureFactory
from tests.outreach.helpers import link_in, partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(letter, coordinator):
    """Invited organisation "Partner Voices" with one French-speaking contact; returns its invitation.

    Its links lead to the French pages, so the tests below read those pages' French text (locale/fr).
    """
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
    assert "Nous ne signerons pas" in response.content.decode()  # "We will not sign": a button, not an action
    assert status_of(invited) == Signature.Status.INVITED


def test_pressing_decline_records_it_with_when_and_through_whom(client, invited):
    response = client.post(f"/fr/invite/{invited.token}/decline/")
    assert response.status_code == 200
    assert "Merci de nous avoir prévenus" in response.content.decode()  # "Thank you for letting us know"
    signature = Signature.objects.get(letter=invited.letter, organisation=invited.organisation)
    assert signature.status == Signature.Status.DECLINED
    assert signature.declined_at is not None
    event = signature.events.last()
    assert event.to_status == "declined" and invited.contact.email in event.reason


def test_declining_twice_is_harmless(client, invited):
    client.post(f"/fr/invite/{invited.token}/decline/")
    response = client.post(f"/fr/invite/{invited.token}/decline/")
    assert response.status_code == 200
    assert "Merci de nous avoir prévenus" in response.content.decode()  # "Thank you for letting us know"
    assert status_of(invited) == Signature.Status.DECLINED
    assert Signature.objects.get(organisation=invited.organisation).events.filter(to_status="declined").count() == 1


def test_a_decline_link_never_undoes_a_colleagues_sign_on(client, invited):
    Signature.objects.filter(organisation=invited.organisation).update(status=Signature.Status.CONFIRMED)
    response = client.post(f"/fr/invite/{invited.token}/decline/")
    assert "Votre organisation a déjà signé" in response.content.decode()  # "Your organisation has already signed"
    assert status_of(invited) == Signature.Status.CONFIRMED


@pytest.mark.parametrize("close", ["close", "finalise", "deadline"])
def test_declining_a_letter_that_is_no_longer_open_changes_nothing_and_says_so(client, invited, close):
    letter = invited.letter
    if close == "deadline":
        letter.deadline = letter.deadline.replace(year=2000)
        letter.save()
    else:
        letter.change_status("closed" if close == "close" else "finalised")

    closed = "Les signatures pour cette lettre sont closes"  # "Sign-on for this letter is closed"
    shown = client.get(f"/fr/invite/{invited.token}/decline/").content.decode()
    assert closed in shown and "Nous ne signerons pas" not in shown  # no "We will not sign" button
    pressed = client.post(f"/fr/invite/{invited.token}/decline/").content.decode()
    assert closed in pressed and "rien n’a donc été modifié" in pressed  # "so nothing was changed"
    assert status_of(invited) == Signature.Status.INVITED


# --- unsubscribing ----------------------------------------------------------------------------------------------


# The "Unsubscribe" button of the French page the invited contact's links lead to.
UNSUBSCRIBE_BUTTON = '<button type="submit" class="btn btn-primary">Se désabonner</button>'


def unsubscribe_link(invitation):
    return link_in(OutgoingEmail.objects.get(contact=invitation.contact).body_text, "/unsubscribe/")


def test_the_unsubscribe_link_does_not_reveal_the_address(invited):
    token = unsubscribe_link(invited).split("/")[3]
    readable = base64.urlsafe_b64decode(token.split(":")[0] + "==").decode()
    assert invited.contact.email not in token and invited.contact.email not in readable
    assert "partner-voices" not in readable


def test_opening_the_unsubscribe_link_does_not_unsubscribe(client, invited):
    response = client.get(unsubscribe_link(invited))
    page = response.content.decode()
    assert response.status_code == 200 and UNSUBSCRIBE_BUTTON in page
    assert "p…@partner-voices.example.org" in page  # recognisable by its owner, not spelled out to others
    assert invited.contact.email not in page
    assert not EmailSuppression.objects.exists()
    assert Contact.objects.get(pk=invited.contact.pk).unsubscribed_at is None


def test_pressing_unsubscribe_stops_invitations_to_that_address_under_every_organisation(
    client, invited, letter, coordinator
):
    other_network = partner("Other Network", languages=[])
    same_person_elsewhere = other_network.contacts.create(email=invited.contact.email, language="en")
    response = client.post(unsubscribe_link(invited))

    assert "Désabonnement effectué" in response.content.decode()  # "You are unsubscribed", in French
    assert EmailSuppression.objects.get().email == invited.contact.email
    assert Contact.objects.get(pk=invited.contact.pk).unsubscribed_at is not None
    assert Contact.objects.get(pk=same_person_elsewhere.pk).unsubscribed_at is not None
    result = send_invitations(letter, select_organisations(organisations=[other_network]), by=coordinator)
    assert result.emails == 0


def test_unsubscribing_cancels_the_invitations_and_reminders_still_queued_for_that_address(client, invited, letter):
    confirmation = OutgoingEmail.objects.create(
        kind="signon-confirm", to=invited.contact.email, subject="Confirm", body_text="…", letter=letter
    )
    client.post(unsubscribe_link(invited))

    invitation_email = OutgoingEmail.objects.get(contact=invited.contact)
    assert (invitation_email.state, invitation_email.last_error) == ("failed", "unsubscribed")
    assert OutgoingEmail.objects.get(pk=confirmation.pk).state == "queued"  # asked for: still sent


def test_an_unsubscribe_outlives_the_contact_and_its_organisation(client, letter, coordinator):
    gone = partner("Dissolved Org", languages=["en"])
    address = gone.contacts.get().email
    client.post(f"/en/unsubscribe/{unsubscribe_token(contact=gone.contacts.get())}/")
    gone.delete()  # e.g. folded away by a directory merge

    newcomer = partner("New Home")
    newcomer.contacts.create(email=address.upper())
    result = send_invitations(letter, select_organisations(organisations=[newcomer]), by=coordinator)
    assert result.emails == 1
    assert address not in set(OutgoingEmail.objects.values_list("to", flat=True))


def test_a_tampered_unsubscribe_link_is_refused_and_changes_nothing(client, invited):
    token = unsubscribe_token(contact=invited.contact)
    for path in (f"/en/unsubscribe/{token[:-3]}abc/", f"/en/unsubscribe/{token[:-3]}abc/one-click/"):
        assert client.post(path).status_code == 400
    assert not EmailSuppression.objects.exists()
    assert Contact.objects.get(pk=invited.contact.pk).unsubscribed_at is None


def test_a_signer_who_is_not_a_contact_can_unsubscribe_and_it_is_respected_by_later_invitations(
    client, letter, coordinator
):
    organisation = partner("Quiet Org", languages=[])
    signature = SignatureFactory(letter=letter, organisation=organisation, signer_email="signer@quiet-org.example.org")
    response = client.post(f"/en/unsubscribe/{unsubscribe_token(signature=signature)}/")
    assert "You are unsubscribed" in response.content.decode()
    assert EmailSuppression.objects.get().email == "signer@quiet-org.example.org"

    organisation.contacts.create(email="other@quiet-org.example.org")
    elsewhere = partner("Elsewhere")
    elsewhere.contacts.create(email="signer@quiet-org.example.org")
    later = Organisation.objects.filter(pk__in=[organisation.pk, elsewhere.pk])
    other_letter = type(letter).objects.create(slug="later", title="Later", status="open")
    result = send_invitations(other_letter, later, by=coordinator)
    assert "signer@quiet-org.example.org" not in set(OutgoingEmail.objects.values_list("to", flat=True))
    assert "other@quiet-org.example.org" in set(OutgoingEmail.objects.values_list("to", flat=True))
    assert result.emails == 2  # Elsewhere's own contact and Quiet Org's other contact


def test_the_mail_programs_one_click_unsubscribe_works_without_a_page_or_csrf_token(invited):
    mail_program = Client(enforce_csrf_checks=True)
    one_click = unsubscribe_link(invited) + "one-click/"

    form = "application/x-www-form-urlencoded"
    response = mail_program.post(one_click, "List-Unsubscribe=One-Click", content_type=form)
    assert response.status_code == 200
    suppression = EmailSuppression.objects.get()
    assert (suppression.email, suppression.source) == (invited.contact.email, "one-click")


def test_opening_the_one_click_link_in_a_browser_only_asks(client, invited):
    response = client.get(unsubscribe_link(invited) + "one-click/", follow=True)
    assert response.status_code == 200 and UNSUBSCRIBE_BUTTON in response.content.decode()
    assert not EmailSuppression.objects.exists()
