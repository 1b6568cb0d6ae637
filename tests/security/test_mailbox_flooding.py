"""Issue 10, item 7: the sign-on form cannot be used to flood someone's mailbox, and nothing a signer types becomes a
link in an email we send (names, organisation names, messages: defanged, never auto-linked)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from letters.emails import outreach as outreach_emails
from letters.emails.defang import defang
from letters.emails import ensure_rendered
from letters.models import Invitation, Letter, OutgoingEmail, Signature
from letters.services import signon
from tests.factories import ContactFactory, LetterFactory, OrganisationFactory, SignatureFactory
from tests.public.helpers import form_data

pytestmark = pytest.mark.django_db

VICTIM = "victim@mail.example"
LINKS_IN_FREE_TEXT = {
    "organisation_name": "Rights Watch http://evil.example/login",
    "signer_name": "Click www.evil.example now",
    "message": "Please see https://evil.example/verify?u=1 and phish.evil.example.",
}
# What a mail client would turn into a link: a scheme, or a host name (a dot followed by letters).
LINKABLE = re.compile(r"evil\.example|https?://evil|www\.", re.IGNORECASE)


@pytest.fixture(autouse=True)
def _settings(signon_settings):
    signon_settings.SIGNON_RATE_PER_IP = 0
    signon_settings.SIGNON_RATE_PER_EMAIL = 0
    signon_settings.CONFIRMATION_RESEND_MINUTES = 10


@pytest.fixture
def open_letter(coordinator):
    return LetterFactory(slug="open-letter", coordinators=[coordinator], languages=["en", "fr"])


def sign(client, letter, **overrides):
    return client.post(f"/en/letters/{letter.slug}/", form_data(**overrides))


def confirmations_to(address):
    return OutgoingEmail.objects.filter(kind="signon-confirm", to=address)


# --- the per-email limit counts mailboxes, not spellings ----------------------------------------------------------


@pytest.mark.parametrize("variant", ["victim+1@mail.example", "VICTIM+8@Mail.Example", " victim+x+y@mail.example "])
def test_plus_tags_and_case_are_one_mailbox(variant):
    assert signon.mailbox_key(variant) == signon.mailbox_key(VICTIM) == VICTIM


@pytest.mark.parametrize("variant", ["v.i.c.t.i.m@gmail.com", "victim+news@googlemail.com", "Vic.Tim@GMail.com"])
def test_dots_in_a_gmail_address_are_one_mailbox(variant):
    assert signon.mailbox_key(variant) == "victim@gmail.com"


def test_dots_elsewhere_are_different_mailboxes():
    assert signon.mailbox_key("v.ictim@mail.example") != signon.mailbox_key(VICTIM)


def test_plus_addressed_variants_share_one_per_email_budget(client, open_letter, settings):
    settings.SIGNON_RATE_PER_EMAIL = 2
    statuses = [
        sign(client, open_letter, organisation_name=f"Flood Org {n}", signer_email=f"victim+{n}@mail.example")
        .status_code
        for n in range(1, 5)
    ]
    assert statuses == [302, 302, 429, 429]
    assert OutgoingEmail.objects.filter(to__startswith="victim").count() == 2


def test_gmail_dot_variants_share_one_per_email_budget(client, open_letter, settings):
    settings.SIGNON_RATE_PER_EMAIL = 1
    assert sign(client, open_letter, organisation_name="Org A", signer_email="victim@gmail.com").status_code == 302
    response = sign(client, open_letter, organisation_name="Org B", signer_email="v.ictim@googlemail.com")
    assert response.status_code == 429


# --- identical resubmissions -------------------------------------------------------------------------------------


def test_resubmitting_the_same_sign_on_resends_the_confirmation_at_most_once_per_interval(client, open_letter):
    for _ in range(6):
        assert sign(client, open_letter, signer_email=VICTIM).status_code == 302
    # The first email, and one resend for a signer who lost it: not six.
    assert confirmations_to(VICTIM).count() == 2
    assert Signature.objects.get().events.filter(action="submitted again").count() == 5  # still recorded

    confirmations_to(VICTIM).update(created_at=timezone.now() - timedelta(minutes=11))
    for _ in range(3):
        sign(client, open_letter, signer_email=VICTIM)
    assert confirmations_to(VICTIM).count() == 3  # one more once the interval has passed


def test_a_resend_interval_of_zero_resends_every_time(client, open_letter, settings):
    settings.CONFIRMATION_RESEND_MINUTES = 0
    for _ in range(3):
        sign(client, open_letter, signer_email=VICTIM)
    assert confirmations_to(VICTIM).count() == 3


# --- links in free text ------------------------------------------------------------------------------------------


def assert_no_link_from_free_text(email):
    for part in (email.subject, email.body_text, email.body_html):
        assert not LINKABLE.search(part), part
    hrefs = re.findall(r'href="([^"]*)"', email.body_html)
    assert all(href.startswith("http://testserver/") for href in hrefs), hrefs
    assert "hxxp://evil[.]example/login" in email.body_text


def test_the_confirmation_email_carries_no_link_from_what_the_signer_typed(client, open_letter):
    sign(client, open_letter, **LINKS_IN_FREE_TEXT)
    email = ensure_rendered(confirmations_to("amina@ccv.example.org").get())  # as the worker renders it to send
    assert_no_link_from_free_text(email)
    assert "Click www[.]evil[.]example now" in email.body_text
    assert "/en/letters/open-letter/confirm/" in email.body_text  # our own links are untouched


def test_the_coordinators_notification_carries_no_link_from_the_signers_message(
        client, open_letter, coordinator, django_capture_on_commit_callbacks):
    open_letter.notify = Letter.Notify.EACH
    open_letter.save()
    with django_capture_on_commit_callbacks(execute=True):
        sign(client, open_letter, **LINKS_IN_FREE_TEXT)
    email = OutgoingEmail.objects.get(kind="notify-signon", to=coordinator.email)
    assert_no_link_from_free_text(email)
    assert "hxxps://evil[.]example/verify?u=1 and phish[.]evil[.]example." in email.body_text
    assert "http://testserver/manage/letters/open-letter/" in email.body_text


def test_the_digest_and_reminders_carry_no_link_from_names(open_letter, coordinator):
    organisation = OrganisationFactory(name=LINKS_IN_FREE_TEXT["organisation_name"])
    signature = SignatureFactory(letter=open_letter, organisation=organisation, status=Signature.Status.PENDING,
                                 signer_name=LINKS_IN_FREE_TEXT["signer_name"])
    digest = outreach_emails.digest(open_letter, coordinator, timezone.localdate(), [signature], {})
    assert_no_link_from_free_text(digest)
    reminder = outreach_emails.unconfirmed_reminder(signature, 2, 2)
    assert_no_link_from_free_text(reminder)


def test_an_invitation_carries_no_link_from_the_organisation_or_contact_name(open_letter, coordinator):
    organisation = OrganisationFactory(name=LINKS_IN_FREE_TEXT["organisation_name"])
    contact = ContactFactory(organisation=organisation, name="http://evil.example/login")
    invite = Invitation.objects.create(letter=open_letter, organisation=organisation, contact=contact,
                                       invited_by=coordinator)
    email = outreach_emails.invitation(invite, None)
    assert_no_link_from_free_text(email)


@pytest.mark.parametrize("text, expected", [
    ("http://evil.example/x", "hxxp://evil[.]example/x"),
    ("HTTPS://Evil.Example", "hxxps://Evil[.]Example"),
    ("ftp://files.evil.example", "ftp[:]//files[.]evil[.]example"),
    ("write to x@evil.example", "write to x@evil[.]example"),
    ("evil\u3002example", "evil[.]example"),
    ("192.0.2.1/login", "192[.]0[.]2[.]1/login"),
    # Ordinary names are left alone.
    ("Ligue des droits de l’Homme (LDH)", "Ligue des droits de l’Homme (LDH)"),
    ("Verein für Menschenrechte e.V.", "Verein für Menschenrechte e.V."),
    ("U.S.A. Rights Group, 3.5 million members", "U.S.A. Rights Group, 3.5 million members"),
])
def test_defang(text, expected):
    assert defang(text) == expected
