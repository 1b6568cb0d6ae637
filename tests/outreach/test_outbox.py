"""The outbox at send time: invitations and reminders that became unwanted while queued are not sent, and a
mail server that cannot be reached stops the sweep instead of stalling it email after email."""

import io
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from letters.emails.core import Outcome, send_due, send_one, sweep_expired_claims
from letters.management.commands import run_scheduler, run_worker
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
        assert send_due() == 0
        connections = _pending_connections(blackhole)
    finally:
        blackhole.close()

    assert connections == 1  # one timeout, not one per email (the time it takes is measured in bench/)
    attempts = sorted(OutgoingEmail.objects.values_list("attempts", flat=True))
    assert attempts == [0, 0, 1]
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {"queued"}  # nothing lost


def _pending_connections(blackhole):
    """How many connections the sweep opened to the mail server that never answers (still in its accept queue)."""
    blackhole.socket.setblocking(False)
    count = 0
    while True:
        try:
            connection, _address = blackhole.socket.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1


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


# --- delivery across crashes: claims, leases, the sweep (see letters.emails.core, "Delivery across crashes") ---


def _confirmation(**fields):
    return OutgoingEmail.objects.create(
        kind="signon-confirm", to="signer@ngo.example.org", subject="Confirm", body_text="…", **fields
    )


def _expired_claim(**fields):
    claimed = timezone.now() - timedelta(minutes=10)
    return _confirmation(attempts=1, claimed_at=claimed, lease_until=claimed + timedelta(minutes=5), **fields)


def test_a_retry_goes_out_with_the_message_id_chosen_the_first_time(smtp):
    email = _confirmation()
    smtp.stop()
    assert send_one(email.pk) == Outcome.OUTAGE
    email.refresh_from_db()
    assert email.message_id.startswith("<") and email.attempts == 1 and email.lease_until is None
    smtp.start()
    assert send_one(email.pk) == Outcome.SENT
    assert [message["Message-ID"] for message in smtp.messages] == [email.message_id]
    email.refresh_from_db()
    assert (email.state, email.attempts, email.lease_until) == ("sent", 2, None)


def test_an_email_another_worker_is_sending_is_left_to_it(smtp):
    now = timezone.now()
    email = _confirmation(attempts=1, claimed_at=now, lease_until=now + timedelta(minutes=5))
    assert send_one(email.pk) == Outcome.SKIPPED
    assert send_due() == 0  # a live claim is neither due nor swept
    assert smtp.messages == []
    assert OutgoingEmail.objects.claimed().get() == email


def test_the_sweep_queues_again_an_email_whose_worker_died_before_handing_it_over(smtp):
    email = _expired_claim(message_id="<chosen-once@localhost>")
    assert send_due() == 1
    email.refresh_from_db()
    assert (email.state, email.attempts, email.lease_until) == ("sent", 2, None)
    assert [message["Message-ID"] for message in smtp.messages] == ["<chosen-once@localhost>"]


def test_the_sweep_never_sends_again_an_email_handed_over_before_its_worker_died(smtp):
    email = _expired_claim(message_id="<handed-over@localhost>", handed_over_at=timezone.now() - timedelta(minutes=9))
    assert send_due() == 0
    email.refresh_from_db()
    assert email.state == "sent" and email.sent_at == email.handed_over_at and email.lease_until is None
    assert email.last_error.startswith("Unconfirmed")  # the coordinator sees it was not confirmed
    assert smtp.messages == []


def test_an_email_whose_worker_keeps_dying_fails_after_the_last_attempt(settings, smtp):
    email = _expired_claim()
    OutgoingEmail.objects.filter(pk=email.pk).update(attempts=settings.EMAIL_MAX_ATTEMPTS)
    assert sweep_expired_claims() == []
    email.refresh_from_db()
    assert email.state == "failed" and email.lease_until is None and "worker stopped" in email.last_error


def test_a_worker_whose_lease_ran_out_hands_nothing_over(settings, smtp):
    settings.EMAIL_LEASE_SECONDS = -1  # the claim has expired by the time the mail server answers
    email = _confirmation()
    assert send_one(email.pk) == Outcome.SKIPPED
    assert smtp.messages == []
    assert sweep_expired_claims() == [email.pk]  # the sweep owns it now, and queues it again


class AnswerLostBackend(locmem.EmailBackend):
    """The message reaches the server, then the connection drops before its "250" (RFC 1047's duplicate case)."""

    def send_messages(self, messages):
        super().send_messages(messages)
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_no_answer_after_the_hand_over_is_recorded_as_unconfirmed_not_sent_again(settings):
    settings.EMAIL_BACKEND = f"{__name__}.AnswerLostBackend"
    mail.outbox = []
    email = _confirmation()
    send_one(email.pk)
    email.refresh_from_db()
    assert email.state == "sent" and email.last_error.startswith("Unconfirmed")
    assert send_due() == 0
    assert len(mail.outbox) == 1


def test_task_rows_left_running_by_a_killed_worker_are_closed_by_the_sweep(settings):
    settings.TASKS_RUNNING_TIMEOUT = 600
    now = timezone.now()

    def task_row(started):
        return DBTaskResult.objects.create(
            status="RUNNING", started_at=started, args_kwargs={"args": [1], "kwargs": {}},
            task_path="letters.tasks.send_email", backend_name="default", run_after=now,
        )

    dead, live = task_row(now - timedelta(hours=1)), task_row(now - timedelta(seconds=5))
    send_due()
    dead.refresh_from_db()
    live.refresh_from_db()
    assert (dead.status, live.status) == ("FAILED", "RUNNING")
    assert dead.exception_class_path == "letters.emails.core.WorkerLost"


@pytest.mark.django_db(transaction=True)  # the worker closes its broken connection: no test transaction around it
def test_the_worker_starts_again_after_losing_the_database(monkeypatch, database_tasks):
    runs, waits = [], []

    def library_loop(worker):
        runs.append(worker.worker_id)
        if len(runs) == 1:
            raise OperationalError("server closed the connection unexpectedly")

    def wait(seconds):
        assert len(waits) < 3, "the worker did not recover"
        waits.append(seconds)

    monkeypatch.setattr(Worker, "run", library_loop)
    monkeypatch.setattr(run_worker.time, "sleep", wait)
    call_command("run_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)
    assert len(runs) == 2 and waits == [1]


def test_the_scheduler_goes_on_when_a_job_loses_the_database(monkeypatch):
    ran = []

    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setattr(
        run_scheduler, "JOBS", [("outbox sweep", unreachable, 60), ("reminders", lambda: ran.append(1), 900)]
    )
    call_command("run_scheduler", once=True, stdout=io.StringIO())
    assert ran == [1]
