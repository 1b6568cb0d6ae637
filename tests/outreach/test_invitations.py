"""Coordinators invite partner organisations; contacts receive a personal link in their own language."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from letters.emails import signon as signon_emails
from letters.emails.core import send_due
from letters.emails import ensure_rendered
from letters.models import Invitation, OutgoingEmail, Signature
from letters.services import invitations as service
from letters.services.invitations import LetterNotOpen, select_organisations, send_invitations
from letters.views.outreach import SESSION_KEY
from tests.factories import LetterFactory, SignatureFactory
from tests.outreach.helpers import body, link_in, partner

pytestmark = pytest.mark.django_db


def invite(client, letter, **choice):
    return client.post(f"/manage/letters/{letter.slug}/invite/", choice)


def read_later():
    """The partner reads the email some minutes after it arrived (mail scanners click within seconds)."""
    OutgoingEmail.objects.filter(sent_at__isnull=False).update(sent_at=timezone.now() - timedelta(minutes=5))


def sign_on_form(organisation_name, email):
    return {
        "kind": "organisation", "organisation_name": organisation_name, "country": "SN", "website": "",
        "signer_name": "Awa Diop", "signer_email": email, "consent_public": "on", "message": "",
        "reference": "", "started": "",
    }


def test_invitations_arrive_in_each_contacts_language_with_a_working_personal_link(client, coordinator, letter, smtp):
    sahel = partner("Réseau Sahel", country="SN", languages=["fr"])
    partner("Red Andina", country="PE", languages=["es"])
    partner("Kenya Voices", country="KE", languages=[""])  # no preference: the letter's default language
    letter.deadline = timezone.make_aware(timezone.datetime(2031, 11, 24, 17, 0))
    letter.save()
    client.force_login(coordinator)

    assert invite(client, letter, regions=["XF", "XL"]).status_code == 302
    assert send_due() == 3

    assert smtp.recipients() == [
        "kenya-voices-0@kenya-voices.example.org",
        "red-andina-0@red-andina.example.org",
        "reseau-sahel-0@reseau-sahel.example.org",
    ]
    rows = {row.to.split("-")[0]: row for row in OutgoingEmail.objects.filter(kind="invitation")}
    assert {name: row.language for name, row in rows.items()} == {"kenya": "en", "red": "es", "reseau": "fr"}
    french = smtp.to("reseau-sahel-0@reseau-sahel.example.org")[0]
    spanish = smtp.to("red-andina-0@red-andina.example.org")[0]
    english = smtp.to("kenya-voices-0@kenya-voices.example.org")[0]
    for message, language in ((french, "fr"), (spanish, "es"), (english, "en")):
        assert f"{letter.title} [{language}]" in message["Subject"]
        for marker in ("/invite/", "/decline/", "/unsubscribe/"):
            assert link_in(body(message), marker).startswith(f"/{language}/")
    assert "Merci de répondre d’ici le 24 nov. 2031 à 17:00" in body(french)
    assert "Responda a más tardar el 24 nov. 2031, a las 17:00" in body(spanish)
    assert "24 Nov 2031, 17:00" in body(english)

    # The contact follows the personal link some minutes later, on another device: a fresh session.
    read_later()
    client.logout()
    followed = client.get(link_in(body(french), "/invite/"))
    assert followed.status_code == 302 and followed["Location"] == f"/fr/letters/{letter.slug}/"
    invitation = Invitation.objects.get(contact__email__startswith="reseau-sahel")
    assert client.session[SESSION_KEY] == str(invitation.token)
    assert invitation_opened(invitation)

    page = client.get(followed["Location"]).content.decode()
    assert re.search(r'name="organisation_name" value="Réseau Sahel"', page)  # the form is filled in
    assert 'value="reseau-sahel-0@reseau-sahel.example.org"' in page

    # The partner types its name a little differently: the sign-on still goes to the invited organisation.
    client.post(followed["Location"], sign_on_form("Reseau Sahel (RS)", "reseau-sahel-0@reseau-sahel.example.org"))
    signature = Signature.objects.get(letter=letter, organisation=sahel)
    assert signature.status == Signature.Status.PENDING
    assert signature.signer_email == "reseau-sahel-0@reseau-sahel.example.org"
    assert Signature.objects.filter(letter=letter).count() == 3  # no new organisation, no second sign-on


def invitation_opened(invitation):
    invitation.refresh_from_db()
    signature = Signature.objects.get(letter=invitation.letter, organisation=invitation.organisation)
    return invitation.opened_at is not None and signature.opened_at is not None


def test_invitations_carry_one_click_unsubscribe_headers(coordinator_client, letter, smtp):
    partner("Réseau Sahel", country="SN", languages=["fr"])
    invite(coordinator_client, letter, countries=["SN"])
    send_due()

    message = smtp.messages[0]
    footer_link = link_in(body(message), "/unsubscribe/")
    assert message["List-Unsubscribe"].strip() == f"<http://testserver{footer_link}one-click/>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize(
    ("versions", "default", "preferred", "expected"),
    [
        (["en", "fr"], "en", "es", "en"),  # no Spanish version: the letter's default language
        (["en", "fr"], "en", "ar", "en"),  # Arabic version or not, the interface does not speak it
        (["fr", "es"], "fr", "", "fr"),  # no preference
        (["fr", "es"], "fr", "es", "es"),
        (["en", "ar"], "ar", "ar", "ar"),  # Arabic is an interface language too (issue 13)
    ],
)
def test_a_contact_is_written_to_in_their_language_only_if_the_letter_has_it(
    coordinator, versions, default, preferred, expected
):
    letter = LetterFactory(languages=versions, default_language=default, coordinators=[coordinator])
    send_invitations(letter, select_organisations(organisations=[partner("Partner", languages=[preferred])]))
    email = OutgoingEmail.objects.get()
    assert email.language == expected
    assert link_in(email.body_text, "/invite/").startswith(f"/{expected}/")


def test_the_signers_confirmation_is_in_the_language_they_signed_in_whatever_the_letters_versions(coordinator):
    letter = LetterFactory(languages=["fr"], default_language="fr", coordinators=[coordinator])
    signature = SignatureFactory(letter=letter, status=Signature.Status.PENDING, language="es")
    signon_emails.send_confirmation(signature)
    # Rendered (and its language settled) by the worker when it sends it: see letters.emails.core.queue_unrendered.
    # Invitations follow the letter's languages (above); a signer chose the interface language by signing in it.
    assert ensure_rendered(OutgoingEmail.objects.get(kind="signon-confirm")).language == "es"


def test_a_personal_link_opened_within_a_minute_of_delivery_is_not_counted_as_opened(client, letter, coordinator):
    """Mail scanners follow links the moment an email arrives; the link still works for a quick person."""
    send_invitations(letter, select_organisations(organisations=[partner("Quick Partner")]), by=coordinator)
    OutgoingEmail.objects.update(state="sent", sent_at=timezone.now() - timedelta(seconds=5))
    invitation = Invitation.objects.get()

    response = client.get(f"/en/invite/{invitation.token}/")
    assert response.status_code == 302 and client.session[SESSION_KEY] == str(invitation.token)
    assert not invitation_opened(invitation)
    client.head(f"/en/invite/{invitation.token}/")
    read_later()
    client.head(f"/en/invite/{invitation.token}/")  # HEAD requests are robots too
    assert not invitation_opened(invitation)

    client.get(f"/en/invite/{invitation.token}/")
    assert invitation_opened(invitation)


def test_a_letter_closed_after_the_form_was_checked_invites_nobody(coordinator, letter):
    stale = letter  # what the coordinator's request loaded
    type(letter).objects.filter(pk=letter.pk).update(status="closed")
    with pytest.raises(LetterNotOpen):
        send_invitations(stale, select_organisations(organisations=[partner("Late Partner")]), by=coordinator)
    assert not Invitation.objects.exists() and not OutgoingEmail.objects.exists()
    assert not Signature.objects.filter(letter=letter).exists()


@pytest.mark.django_db(transaction=True)
def test_invitation_emails_are_rendered_after_the_letter_lock_is_released(coordinator, letter, monkeypatch):
    rendered_inside_a_transaction = []
    real_render = service.emails.render_email

    def watching_render(*args, **kwargs):
        rendered_inside_a_transaction.append(connection.in_atomic_block)
        return real_render(*args, **kwargs)

    monkeypatch.setattr(service.emails, "render_email", watching_render)
    send_invitations(letter, select_organisations(organisations=[partner(f"Partner {n}") for n in range(3)]))
    assert rendered_inside_a_transaction == [False, False, False]
    assert OutgoingEmail.objects.filter(kind="invitation").count() == 3


def test_invitations_left_without_an_email_get_one_with_the_next_invitation(coordinator, letter):
    """A request that died between its two transactions leaves invitations without email; they are not lost."""
    first, second = partner("First Partner"), partner("Second Partner")
    send_invitations(letter, select_organisations(organisations=[first]), by=coordinator)
    OutgoingEmail.objects.all().delete()  # as if the request had died after inviting

    result = send_invitations(letter, select_organisations(organisations=[second]), by=coordinator)
    assert result.emails == 1
    assert sorted(OutgoingEmail.objects.values_list("to", flat=True)) == [
        "first-partner-0@first-partner.example.org", "second-partner-0@second-partner.example.org",
    ]
    send_invitations(letter, select_organisations(organisations=[first, second]), by=coordinator)
    assert OutgoingEmail.objects.count() == 2  # each invitation has exactly one email
