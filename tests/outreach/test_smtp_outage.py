"""An SMTP outage delays invitations and reminders but loses none: the outbox keeps them until the server is back."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from letters.models import OutgoingEmail
from letters.services.invitations import select_organisations, send_invitations
from tests.outreach.helpers import partner, run_worker


@pytest.mark.django_db(transaction=True)
def test_an_smtp_outage_delays_invitations_but_loses_none(letter, coordinator, smtp, database_tasks):
    partners = [partner(f"Partner {n}", languages=["en", "fr"]) for n in range(3)]
    smtp.stop()  # the mail server is down when the coordinator invites
    send_invitations(letter, select_organisations(organisations=partners), by=coordinator)

    run_worker()  # the worker tries, fails, and leaves every email queued with the error

    emails = OutgoingEmail.objects.all()
    assert smtp.messages == []
    assert [e.state for e in emails] == ["queued"] * 6
    failed_once = emails.filter(attempts=1).first()
    assert "ConnectionRefused" in failed_once.last_error
    assert failed_once.next_attempt_at > timezone.now()  # retried after a back-off

    smtp.start()
    run_worker()  # the retries are deferred: nothing goes out before the back-off ends
    assert smtp.messages == []

    OutgoingEmail.objects.update(next_attempt_at=timezone.now())  # the back-off time has passed
    call_command("run_scheduler", once=True, stdout=open("/dev/null", "w"))  # its outbox sweep sends them

    assert sorted(smtp.recipients()) == sorted(OutgoingEmail.objects.values_list("to", flat=True))
    assert len(smtp.messages) == 6
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {"sent"}
