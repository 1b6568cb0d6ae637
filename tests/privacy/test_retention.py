"""Retention: N days after a letter is finalised its signers' contact details go, once; the list stays."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from letters.exports import SignatoryList
from letters.models import OutgoingEmail, Signature, SignatureEvent
from letters.services.finalise import finalise_letter
from letters.services.personal_data import RETENTION_ACTION, apply_retention
from tests.factories import LetterFactory, SignatureFactory
from tests.privacy.conftest import ANA_EMAIL, BOB_EMAIL

pytestmark = pytest.mark.django_db


def later(days):
    return timezone.now() + timezone.timedelta(days=days)


@pytest.fixture
def finalised(traces, coordinator):
    finalise_letter(traces.letter, by=coordinator)
    return traces


def test_it_does_nothing_before_the_time_or_when_off(finalised, settings):
    settings.SIGNER_DATA_RETENTION_DAYS = 0
    assert not apply_retention(now=later(1000))
    settings.SIGNER_DATA_RETENTION_DAYS = 30
    assert not apply_retention(now=later(29))
    assert Signature.objects.get(pk=finalised.signature.pk).signer_email == ANA_EMAIL


def test_it_erases_signers_details_and_email_bodies_of_finalised_letters(finalised, settings):
    settings.SIGNER_DATA_RETENTION_DAYS = 30
    open_letter_signature = SignatureFactory(letter=LetterFactory(), signer_email="still@open.example")
    names_before = [row.name for row in SignatoryList(finalised.letter, "en").rows()]

    result = apply_retention(now=later(31))

    assert (result.letters, result.signatures, result.emails) == (1, 2, 1)
    for signature in Signature.objects.filter(letter=finalised.letter):
        assert (signature.signer_name, signature.signer_email) == ("", "")
        assert signature.message in ("", "[erased]")
        assert signature.status == Signature.Status.APPROVED
    assert "ana.perez" not in " ".join(SignatureEvent.objects.values_list("reason", flat=True))
    email = OutgoingEmail.objects.get(pk=finalised.email_to_ana.pk)
    assert (email.body_text, email.body_html, email.subject, email.state) == ("", "", "[erased]", "sent")
    assert [row.name for row in SignatoryList(finalised.letter, "en").rows()] == names_before
    assert Signature.objects.get(pk=open_letter_signature.pk).signer_email == "still@open.example"
    assert SignatureEvent.objects.filter(action=RETENTION_ACTION).count() == 2


def test_a_second_run_changes_nothing_and_says_so(finalised, settings):
    settings.SIGNER_DATA_RETENTION_DAYS = 30
    apply_retention(now=later(31))
    events = SignatureEvent.objects.count()

    again = apply_retention(now=later(32))

    assert not again and str(again) == "nothing to erase"
    assert SignatureEvent.objects.count() == events


def test_the_command_and_the_scheduler_run_it(finalised, settings, capsys):
    settings.SIGNER_DATA_RETENTION_DAYS = 30
    finalised.letter.__class__.objects.filter(pk=finalised.letter.pk).update(finalised_at=later(-40))

    call_command("apply_retention")
    first = capsys.readouterr().out
    call_command("apply_retention")
    second = capsys.readouterr().out

    assert "erased the signer data of 2 sign-on(s) and 1 email(s) on 1 letter(s)" in first
    assert "nothing to erase" in second
    assert Signature.objects.get(pk=finalised.bob_signature.pk).signer_email == ""


def test_run_scheduler_includes_retention(finalised, settings, capsys, monkeypatch):
    from letters.management.commands import run_scheduler

    settings.SIGNER_DATA_RETENTION_DAYS = 30
    finalised.letter.__class__.objects.filter(pk=finalised.letter.pk).update(finalised_at=later(-40))
    monkeypatch.setattr(run_scheduler, "JOBS", [job for job in run_scheduler.JOBS if job[0] == "retention"])

    call_command("run_scheduler", "--once")

    assert "retention: erased the signer data of 2 sign-on(s)" in capsys.readouterr().out
    assert not Signature.objects.filter(signer_email=BOB_EMAIL).exists()


def test_the_command_says_when_retention_is_off(settings, capsys, db):
    settings.SIGNER_DATA_RETENTION_DAYS = 0

    call_command("apply_retention")

    assert "Retention is off" in capsys.readouterr().out


def test_queued_emails_wait_until_they_are_sent(finalised, settings):
    settings.SIGNER_DATA_RETENTION_DAYS = 30
    OutgoingEmail.objects.filter(pk=finalised.email_to_ana.pk).update(state=OutgoingEmail.State.QUEUED)

    assert apply_retention(now=later(31)).emails == 0
    OutgoingEmail.objects.filter(pk=finalised.email_to_ana.pk).update(state=OutgoingEmail.State.SENT)
    assert apply_retention(now=later(32)).emails == 1
