"""The outbox at send time: invitations and reminders that became unwanted while queued are not sent, and a
mail server that cannot be reached stops the sweep instead of stalling it email after email."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from letters.emails.core import send_due
from letters.emails.outreach import send_batch
from letters.models import Contact, OutgoingEmail, Signature
from letters.models.outreach import EmailSuppression
from letters.services.invitations import select_organisations, send_invitations
from letters.services.reminders import send_reminders
from tests.factories import LetterFactory, SignatureFactory
from tests.outreach.helpers import Blackhole, partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(letter, coordinator):
    """Invitations to three partners, queued while the mail server was down."""
    partners = [partner(name) for name in ("Alpha Partner", "Beta Partner", "Gamma Partner")]
    send_invitations(letter, select_organisations(organisations=partners), by=coordinator)
    return {email.to.split("-")[0]: email for email in OutgoingEmail.objects.all()}


def state(email):
    email.refresh_from_db()
    return email.state, email.last_error


def test_an_invitation_to_someone_who_unsubscribed_meanwhile_is_not_sent(queued, smtp):
    EmailSuppression.objects.create(email=queued["alpha"].to)  # e.g. through a reminder of another letter
    assert send_due() == 2
    assert state(queued["alpha"]) == ("failed", "unsubscribed")
    assert sorted(smtp.recipients()) == sorted([queued["beta"].to, queued["gamma"].to])


def test_an_invitation_to_an_organisation_that_answered_meanwhile_is_not_sent(queued, letter, smtp):
    Signature.objects.filter(letter=letter, organisation__name="Beta Partner").update(status="pending")
    Signature.objects.get(letter=letter, organisation__name="Gamma Partner").decline()
    send_due()
    assert state(queued["beta"]) == ("failed", "already answered")
    assert state(queued["gamma"]) == ("failed", "already answered")
    assert smtp.recipients() == [queued["alpha"].to]


def test_invitations_of_a_letter_closed_meanwhile_or_to_a_deactivated_contact_are_not_sent(queued, letter, smtp):
    Contact.objects.filter(email=queued["alpha"].to).update(is_active=False)  # left the organisation
    send_batch.call([queued["alpha"].pk])
    assert state(queued["alpha"]) == ("failed", "contact deactivated")
    letter.close()
    send_batch.call([queued["beta"].pk, queued["gamma"].pk])
    assert state(queued["beta"]) == ("failed", "letter closed")
    assert smtp.messages == []


def test_a_reminder_to_confirm_is_not_sent_once_the_signer_has_confirmed(coordinator, smtp):
    now = timezone.now()
    letter = LetterFactory(coordinators=[coordinator], deadline=now + timedelta(days=2), reminder_days="2")
    signer = SignatureFactory(
        letter=letter, status=Signature.Status.PENDING, signer_email="late@ngo.example.org",
        signed_at=now - timedelta(days=3),
    )
    assert send_reminders(now + timedelta(hours=1)) == 1
    signer.confirm()
    send_due()
    assert OutgoingEmail.objects.get(kind="reminder-unconfirmed").last_error == "already answered"
    assert smtp.messages == []


def test_emails_people_ask_for_are_sent_even_after_they_unsubscribed(letter, smtp):
    EmailSuppression.objects.create(email="signer@ngo.example.org")
    OutgoingEmail.objects.create(kind="signon-confirm", to="signer@ngo.example.org", subject="Confirm", body_text="…")
    assert send_due() == 1


def test_the_sweep_stops_at_a_mail_server_that_never_answers(queued, settings):
    """A blackholed host would otherwise hold the scheduler loop for EMAIL_TIMEOUT × every due email."""
    blackhole = Blackhole()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", blackhole.port, 1
    try:
        started = time.perf_counter()
        assert send_due() == 0
        seconds = time.perf_counter() - started
    finally:
        blackhole.close()

    assert seconds < 3  # one timeout, not one per email
    attempts = sorted(OutgoingEmail.objects.values_list("attempts", flat=True))
    assert attempts == [0, 0, 1]
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {"queued"}  # nothing lost


def test_a_refused_recipient_does_not_stop_the_others(letter, coordinator, smtp):
    refused = partner("Refused Partner")
    refused.contacts.update(email="refused@refused-partner.example.org")
    others = [partner("Alpha Partner"), partner("Omega Partner")]
    send_invitations(letter, select_organisations(organisations=[refused, *others]), by=coordinator)

    assert send_due() == 2
    bounced = OutgoingEmail.objects.get(to="refused@refused-partner.example.org")
    assert (bounced.state, bounced.attempts) == ("queued", 1) and "550" in bounced.last_error
    assert len(smtp.messages) == 2


def test_a_batch_goes_on_after_a_refused_recipient(letter, coordinator, smtp):
    refused = partner("Refused Partner")
    refused.contacts.update(email="refused@refused-partner.example.org")
    send_invitations(letter, select_organisations(organisations=[refused, partner("Zulu Partner")]), by=coordinator)
    ids = list(OutgoingEmail.objects.order_by("to").values_list("pk", flat=True))  # the refused one first
    assert send_batch.call(ids) == 1
    assert smtp.recipients() == ["zulu-partner-0@zulu-partner.example.org"]
