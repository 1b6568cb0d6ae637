"""Reminders before the deadline: only to organisations that have not answered and to unconfirmed signers, once per step."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from letters.emails.core import send_due
from letters.models import Contact, Invitation, OutgoingEmail, Signature
from letters.services.invitations import select_organisations, send_invitations, unsubscribe
from letters.services.reminders import due_step, send_reminders
from tests.conftest import requires_postgres
from tests.factories import LetterFactory
from tests.outreach.helpers import body, link_in, partner

NOW = timezone.now()


def invite_days_ago(letter, organisations, days, by=None):
    send_invitations(letter, select_organisations(organisations=organisations), by=by)
    Invitation.objects.filter(letter=letter, organisation__in=organisations).update(created_at=NOW - timedelta(days=days))


def sign(letter, organisation, status, email, days_ago=3):
    signature = Signature.objects.get(letter=letter, organisation=organisation)
    signature.status, signature.signer_email, signature.signer_name = status, email, "A Signer"
    signature.signed_at = NOW - timedelta(days=days_ago)
    signature.save()
    return signature


@pytest.fixture
def campaign(coordinator):
    """A letter whose 7-day reminder step began yesterday, and partners in every situation."""
    letter = LetterFactory(
        slug="chased", coordinators=[coordinator], languages=["en", "fr"], deadline=NOW + timedelta(days=6),
        reminder_days="7,2",
    )
    silent = partner("Silent Partner", languages=["fr", "en"])
    signed = partner("Signed Partner")
    declined = partner("Declined Partner")
    unconfirmed = partner("Unconfirmed Partner")
    left = partner("Gone Partner")
    late = partner("Late Partner")
    invite_days_ago(letter, [silent, signed, declined, unconfirmed, left], days=5)
    invite_days_ago(letter, [late], days=0)  # invited after the step began: its reminder comes at the next step
    sign(letter, signed, Signature.Status.APPROVED, "boss@signed-partner.example.org")
    Signature.objects.get(letter=letter, organisation=declined).decline(reason="test")
    sign(letter, unconfirmed, Signature.Status.PENDING, "forgetful@unconfirmed-partner.example.org")
    unsubscribe("silent-partner-1@silent-partner.example.org")  # one of Silent's two contacts
    Contact.objects.filter(organisation=left).update(is_active=False)
    OutgoingEmail.objects.update(state=OutgoingEmail.State.SENT)  # the invitations went out days ago
    return letter


EXPECTED = ["forgetful@unconfirmed-partner.example.org", "silent-partner-0@silent-partner.example.org"]


@pytest.mark.django_db
def test_reminders_go_only_to_organisations_without_an_answer_and_to_unconfirmed_signers(campaign, smtp, client):
    assert send_reminders(NOW) == 2
    send_due()

    assert smtp.recipients() == EXPECTED
    french = smtp.to("silent-partner-0@silent-partner.example.org")[0]
    # The 7-day step began yesterday: the email says how long is really left (in French: "6 days left").
    # French puts a non-breaking space before the colon; emails.core's render_email turns it into a plain one.
    subject = french["Subject"].replace("\u00a0", " ")
    assert subject == f"Relance, plus que 6 jours pour signer : {campaign.title} [fr]"
    assert "il reste 6 jours." in body(french)
    assert link_in(body(french), "/invite/").startswith("/fr/invite/")
    assert link_in(body(french), "/decline/").startswith("/fr/invite/")
    assert link_in(body(french), "/unsubscribe/").startswith("/fr/unsubscribe/")
    assert french["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unconfirmed = smtp.to("forgetful@unconfirmed-partner.example.org")[0]
    assert unconfirmed["Subject"] == f"Please confirm your sign-on: {campaign.title} [en]"
    assert "6 days left." in body(unconfirmed) and unconfirmed["List-Unsubscribe"]
    confirm_page = client.get(link_in(body(unconfirmed), "/confirm/"))
    assert confirm_page.status_code == 200  # a fresh, working link to the page with the "Confirm" button
    assert 'type="submit"' in confirm_page.content.decode() and "Confirm" in confirm_page.content.decode()


@pytest.mark.django_db
def test_running_the_reminder_job_again_sends_nothing_more(campaign, smtp):
    send_reminders(NOW)
    send_due()
    assert send_reminders(NOW + timedelta(hours=1)) == 0
    call_command("send_reminders", stdout=open("/dev/null", "w"))
    send_due()
    assert smtp.recipients() == EXPECTED


@pytest.mark.django_db
def test_the_next_step_reminds_again_once_and_includes_partners_invited_since(campaign, smtp):
    send_reminders(NOW)
    two_days_before = campaign.deadline - timedelta(days=2) + timedelta(hours=1)
    assert send_reminders(two_days_before) == 3  # Silent, Unconfirmed and Late (invited more than a day before)
    assert send_reminders(two_days_before) == 0
    send_due()
    assert sorted(set(smtp.recipients())) == sorted([*EXPECTED, "late-partner-0@late-partner.example.org"])
    assert len(smtp.to("silent-partner-0@silent-partner.example.org")) == 2


@pytest.mark.django_db
def test_the_scheduler_queues_due_reminders_and_sends_them_in_one_pass(campaign, smtp):
    call_command("run_scheduler", once=True, stdout=open("/dev/null", "w"))
    assert smtp.recipients() == EXPECTED


@pytest.mark.django_db
def test_a_missed_step_is_not_sent_late_together_with_the_next(coordinator, smtp):
    """The job did not run at the 7-day step: one day before the deadline only the 2-day reminder goes out."""
    letter = LetterFactory(coordinators=[coordinator], deadline=NOW + timedelta(days=1), reminder_days="7,2")
    invite_days_ago(letter, [partner("Missed Partner")], days=10)
    OutgoingEmail.objects.update(state=OutgoingEmail.State.SENT)

    assert send_reminders(NOW) == 1
    assert send_reminders(NOW + timedelta(hours=1)) == 0
    reminders = OutgoingEmail.objects.filter(kind="reminder")
    assert [r.dedupe_key.rsplit(":", 1)[1] for r in reminders] == ["2"]
    send_due()
    assert [m["Subject"] for m in smtp.messages] == [f"Reminder, 1 day left to sign: {letter.title} [en]"]


@pytest.mark.django_db
def test_a_reminder_says_how_many_days_are_really_left(coordinator, smtp):
    letter = LetterFactory(coordinators=[coordinator], deadline=NOW + timedelta(days=3), reminder_days="7")
    invite_days_ago(letter, [partner("Slow Partner")], days=5)
    OutgoingEmail.objects.update(state=OutgoingEmail.State.SENT)

    send_reminders(NOW)
    send_due()
    assert smtp.messages[0]["Subject"] == f"Reminder, 3 days left to sign: {letter.title} [en]"
    assert "3 days left." in body(smtp.messages[0])
    assert OutgoingEmail.objects.get(kind="reminder").dedupe_key.endswith(":7")  # the step, not the days left


@pytest.mark.django_db
def test_no_step_is_due_after_the_deadline_or_without_reminder_days(coordinator):
    letter = LetterFactory(coordinators=[coordinator], deadline=NOW + timedelta(days=1), reminder_days="7,2")
    assert due_step(letter, NOW)[0] == 2
    letter.deadline = NOW - timedelta(minutes=1)
    assert due_step(letter, NOW) is None  # after the deadline nobody is reminded
    letter.deadline, letter.reminder_days = NOW + timedelta(days=1), ""
    assert due_step(letter, NOW) is None


@pytest.mark.django_db
def test_closed_letters_send_no_reminders(campaign, smtp):
    campaign.close()
    assert send_reminders(NOW) == 0


@pytest.mark.django_db
def test_an_unsubscribed_signer_is_not_reminded_to_confirm(campaign, smtp):
    unsubscribe("forgetful@unconfirmed-partner.example.org")  # a signer, not a contact
    send_reminders(NOW)
    send_due()
    assert smtp.recipients() == ["silent-partner-0@silent-partner.example.org"]


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_reminder_jobs_running_at_the_same_moment_send_each_reminder_once(coordinator, smtp):
    letter = LetterFactory(
        slug="raced", coordinators=[coordinator], deadline=NOW + timedelta(days=6), reminder_days="7,2"
    )
    partners = [partner(f"Raced Partner {n}") for n in range(30)]
    invite_days_ago(letter, partners, days=5)
    OutgoingEmail.objects.update(state=OutgoingEmail.State.SENT)
    start = threading.Barrier(2)
    results, errors = [], []

    def job():
        try:
            start.wait()
            results.append(send_reminders(NOW))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(results) == 30  # between them, the two jobs queued each reminder exactly once
    send_due()
    assert len(smtp.messages) == 30
    assert len({m["To"] for m in smtp.messages}) == 30
    assert OutgoingEmail.objects.filter(kind="reminder").count() == 30
