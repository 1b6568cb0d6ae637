"""Coordinators hear about new sign-ons: an email per sign-on, or a daily digest per letter."""

from datetime import timedelta

import pytest
from django.utils import timezone

from letters.emails.core import send_due
from letters.models import Letter, OutgoingEmail, Signature
from letters.services.reminders import send_digests
from letters.signals import signature_submitted
from tests.factories import SignatureFactory, UserFactory
from tests.outreach.helpers import body

pytestmark = pytest.mark.django_db


def submitted(signature):
    signature_submitted.send(sender=Signature, signature=signature)


@pytest.fixture
def second_coordinator(letter):
    user = UserFactory(username="second", email="second@coalition.example.org")
    letter.coordinators.add(user)
    return user


def test_each_coordinator_gets_an_email_per_new_sign_on_when_the_letter_asks(letter, coordinator, second_coordinator, smtp):
    letter.notify = Letter.Notify.EACH
    letter.save()
    signature = SignatureFactory(letter=letter, status=Signature.Status.PENDING, signer_email="amina@ngo.example.org")

    submitted(signature)
    submitted(signature)  # the same submission announced twice is one email
    send_due()

    assert smtp.recipients() == ["coordinator@example.org", "second@coalition.example.org"]
    text = body(smtp.messages[0])
    assert signature.organisation.name in text and "amina@ngo.example.org" in text
    assert "Pending confirmation" in text


def test_no_sign_on_email_for_letters_without_notifications_or_with_a_digest(letter, coordinator):
    for notify in (Letter.Notify.NONE, Letter.Notify.DIGEST):
        letter.notify = notify
        letter.save()
        submitted(SignatureFactory(letter=letter, status=Signature.Status.PENDING))
    assert not OutgoingEmail.objects.filter(kind="notify-signon").exists()


def test_a_failing_notification_never_breaks_the_sign_on(
    client, letter, coordinator, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    letter.notify = Letter.Notify.EACH
    letter.save()

    def broken(*args, **kwargs):
        raise RuntimeError("template missing")

    monkeypatch.setattr("letters.emails.outreach.sign_on_notification", broken)
    form = {
        "kind": "organisation", "organisation_name": "Centre for Civic Voices", "country": "KE",
        "signer_name": "Amina Odhiambo", "signer_email": "amina@ccv.example.org", "consent_public": "on",
    }
    # Through the public form and the sign-on service, running what they leave for after the commit.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(f"/en/letters/{letter.slug}/", form)

    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    assert callbacks  # the notification really was attempted after the commit
    signature = Signature.objects.get(letter=letter, signer_email="amina@ccv.example.org")
    assert signature.status == Signature.Status.PENDING
    assert OutgoingEmail.objects.filter(kind="signon-confirm", signature=signature).exists()
    assert not OutgoingEmail.objects.filter(kind="notify-signon").exists()
    assert f"could not queue the new sign-on notification for signature {signature.pk}" in caplog.text


def at(hour, days=0):
    local = timezone.localtime() + timedelta(days=days)
    return local.replace(hour=hour, minute=5, second=0, microsecond=0)


def test_the_daily_digest_lists_the_new_sign_ons_once_a_day(letter, coordinator, smtp):
    letter.notify = Letter.Notify.DIGEST
    letter.save()
    morning = at(9)
    SignatureFactory(letter=letter, organisation__name="Old News", signed_at=morning - timedelta(days=3))
    # Before today's 8:00 cut-off:
    SignatureFactory(letter=letter, organisation__name="Fresh Sign-on", signed_at=morning - timedelta(hours=3))

    assert send_digests(at(6)) == 0  # before DIGEST_HOUR
    assert send_digests(morning) == 1
    assert send_digests(morning + timedelta(hours=2)) == 0  # one digest a day
    send_due()

    assert smtp.recipients() == ["coordinator@example.org"]
    text = body(smtp.messages[0])
    assert "Fresh Sign-on" in text and "Old News" not in text
    assert "1 new sign-on" in smtp.messages[0]["Subject"]


def test_the_next_digest_covers_what_came_in_since_the_previous_one_and_quiet_days_send_nothing(letter, coordinator):
    letter.notify = Letter.Notify.DIGEST
    letter.save()
    SignatureFactory(letter=letter, organisation__name="Day One", signed_at=at(9) - timedelta(hours=2))
    send_digests(at(9))
    assert send_digests(at(9, days=1)) == 0  # nothing new on day two

    SignatureFactory(letter=letter, organisation__name="Day Three", signed_at=at(9, days=2) - timedelta(hours=2))
    assert send_digests(at(9, days=2)) == 1
    latest = OutgoingEmail.objects.filter(kind="digest").order_by("-pk").first()
    assert "Day Three" in latest.body_text and "Day One" not in latest.body_text
