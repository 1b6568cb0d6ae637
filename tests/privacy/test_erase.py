"""Erasing one person: every trace goes, her organisation's sign-on stays counted and listed, Bob keeps his data."""

import json

import pytest

from letters.documents import export_output
from letters.exports import SignatoryList
from letters.models import (
    Contact,
    EmailSuppression,
    ExportJob,
    ListSnapshot,
    OrganisationChange,
    OutgoingEmail,
    Signature,
    SignatureEvent,
    Throttle,
)
from letters.services import personal_data
from letters.services.finalise import finalise_letter
from letters.services.signon import email_bucket
from tests.privacy.conftest import ANA_EMAIL, ANA_LOOKUP, ANA_NAME, BOB_EMAIL, BOB_NAME, approved_count

pytestmark = pytest.mark.django_db


def everything_as_text():
    """Every row of the tables that can hold a person's data, as one string."""
    from django.contrib.admin.models import LogEntry
    from django_tasks_db.models import DBTaskResult

    from letters import models

    parts = []
    for model in (*[m for m in models.__dict__.values() if isinstance(m, type) and hasattr(m, "_meta")
                    and not m._meta.abstract], LogEntry, DBTaskResult):
        for row in model.objects.values():
            parts.append(json.dumps(row, default=lambda v: bytes(v).decode("utf-8", "replace")
                                    if isinstance(v, (bytes, memoryview)) else str(v), ensure_ascii=False))
    return "\n".join(parts)


def test_nothing_of_hers_is_left_anywhere(traces, coordinator):
    counts = personal_data.erase(ANA_LOOKUP, by=coordinator)

    assert counts["signatures"] == 1 and counts["emails"] == 2
    text = everything_as_text().lower()
    assert "ana.perez" not in text and "quintero" not in text
    assert personal_data.find(ANA_LOOKUP).total == 0


def test_her_sign_on_stays_counted_and_listed(traces, coordinator):
    letter = traces.letter
    before = (approved_count(letter), letter.count_organisations,
              [row.name for row in SignatoryList(letter, "en").rows()])

    personal_data.erase(ANA_EMAIL, by=coordinator)

    letter.refresh_from_db()
    signature = Signature.objects.get(pk=traces.signature.pk)
    assert signature.status == Signature.Status.APPROVED and signature.organisation_id == traces.signature.organisation_id
    assert signature.approved_at == traces.signature.approved_at
    assert signature.signer_name == "[erased]" and personal_data.is_erased_email(signature.signer_email)
    assert (approved_count(letter), letter.count_organisations,
            [row.name for row in SignatoryList(letter, "en").rows()]) == before


def test_list_exports_still_work_after_erasure_with_and_without_contacts(traces, coordinator):
    personal_data.erase(ANA_EMAIL, by=coordinator)

    with_contacts = "".join(export_output(SignatoryList(traces.letter, "en", include_contacts=True), "csv").chunks)
    assert "Women's Rights Forum" in with_contacts and "[erased]" in with_contacts and BOB_EMAIL in with_contacts
    assert ANA_NAME not in with_contacts
    lines = "".join(export_output(SignatoryList(traces.letter, "en"), "lines").chunks)
    assert "Women's Rights Forum" in lines and "Keller Foundation" in lines


def test_a_finalised_letter_still_exports_its_frozen_list(traces, coordinator):
    finalise_letter(traces.letter, by=coordinator)

    personal_data.erase(ANA_EMAIL, by=coordinator)

    rows = [row.name for row in SignatoryList(traces.letter, "en").rows()]
    assert "Women's Rights Forum" in rows and "Keller Foundation" in rows


def test_the_history_keeps_what_happened_without_whom(traces, coordinator):
    personal_data.erase(ANA_EMAIL, by=coordinator)

    events = list(SignatureEvent.objects.filter(signature=traces.signature).order_by("pk"))
    assert [e.action for e in events] == ["submitted again", "listing corrected", "personal data erased"]
    assert events[0].reason == "[erased] as “Women's Rights Forum” (public form)"
    assert events[-1].by == coordinator and events[-1].reason == ""
    change = OrganisationChange.objects.get()
    assert change.note == "contact changed to [erased]" and change.after == {"notes": "Ask [erased] first."}


def test_the_outbox_keeps_the_rows_without_their_text(traces, coordinator):
    personal_data.erase(ANA_EMAIL, by=coordinator)

    email = OutgoingEmail.objects.get(pk=traces.email_to_ana.pk)
    assert (email.state, email.sent_at, email.kind) == (OutgoingEmail.State.SENT, traces.email_to_ana.sent_at,
                                                         "signon-confirm")
    assert (email.subject, email.body_text, email.body_html, email.headers) == ("[erased]", "", "", {})
    digest = OutgoingEmail.objects.get(pk=traces.digest.pk)
    assert digest.body_text == (f"- Women's Rights Forum ([erased], [erased])\n"
                                f"- Keller Foundation ({BOB_NAME}, {BOB_EMAIL})")


def test_another_signers_data_is_left_intact(traces, coordinator):
    bob_before = personal_data.export(BOB_EMAIL)

    personal_data.erase(ANA_EMAIL, by=coordinator)

    bob = Signature.objects.get(pk=traces.bob_signature.pk)
    assert (bob.signer_name, bob.signer_email) == (BOB_NAME, BOB_EMAIL)
    assert bob.message == "Ana ([erased]) told us about the letter."
    assert Throttle.objects.filter(key=f"signon:email:{email_bucket(BOB_EMAIL)}").exists()
    assert not Throttle.objects.filter(key=f"signon:email:{email_bucket(ANA_EMAIL)}").exists()
    snapshot = ListSnapshot.objects.get(pk=traces.snapshot.pk)
    assert snapshot.rows[0]["signer_email"] == BOB_EMAIL and "signer_email" not in snapshot.rows[1]
    bob_after = personal_data.export(BOB_EMAIL)
    assert len(bob_after["signatures"]) == len(bob_before["signatures"]) == 1
    assert bob_after["history"] == bob_before["history"]


def test_files_holding_her_address_are_dropped_and_others_kept(traces, coordinator):
    personal_data.erase(ANA_EMAIL, by=coordinator)

    assert list(ExportJob.objects.values_list("filename", flat=True)) == ["names.csv"]


def test_contacts_become_inactive_markers_and_the_unsubscribe_goes(traces, coordinator):
    personal_data.erase(ANA_EMAIL, by=coordinator)

    contact = Contact.objects.get(pk=traces.contact.pk)
    assert contact.name == "[erased]" and personal_data.is_erased_email(contact.email) and not contact.is_active
    assert contact.invitations.count() == 1  # the record that she was invited, without her
    assert not EmailSuppression.objects.exists()


def test_a_dry_run_changes_nothing(traces):
    counts = personal_data.erase(ANA_EMAIL, dry_run=True)

    assert counts["signatures"] == 1
    assert Signature.objects.get(pk=traces.signature.pk).signer_email == ANA_EMAIL


def test_it_is_one_transaction(traces, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(SignatureEvent.objects, "bulk_create", fail)  # the last step
    with pytest.raises(RuntimeError):
        personal_data.erase(ANA_EMAIL)

    assert Signature.objects.get(pk=traces.signature.pk).signer_email == ANA_EMAIL
    assert OutgoingEmail.objects.get(pk=traces.email_to_ana.pk).body_text


def test_an_xlsx_file_with_her_address_is_found_and_dropped(traces, coordinator):
    from letters.models import Letter

    listing = SignatoryList(Letter.objects.get(pk=traces.letter.pk), "en", include_contacts=True)
    content = export_output(listing, "xlsx").chunks[0]
    job = ExportJob.objects.create(letter=traces.letter, language="en", layout="xlsx", status=ExportJob.Status.DONE,
                                   filename="list.xlsx", content=content)

    assert job in personal_data.find(ANA_LOOKUP).export_jobs
    personal_data.erase(ANA_LOOKUP, by=coordinator)
    assert not ExportJob.objects.filter(pk=job.pk).exists()


def test_an_individual_keeps_her_listed_name_but_not_her_details(db, coordinator):
    from letters.models import Organisation
    from tests.factories import OrganisationFactory, SignatureFactory

    person = OrganisationFactory(name="Lucía Fernández", kind=Organisation.Kind.INDIVIDUAL, affiliation="Professor")
    signature = SignatureFactory(organisation=person, signer_name="Lucía Fernández", submitted_name="Lucía Fernández",
                                 signer_email="lucia@uni.example")

    personal_data.erase("lucia@uni.example", by=coordinator)

    signature.refresh_from_db()
    assert (signature.signer_name, signature.submitted_name) == ("[erased]", "[erased]")
    assert signature.display_name() == "Lucía Fernández"  # her published name, as listed: README says so


def test_the_admin_log_records_who_erased_a_contact(traces, coordinator):
    from django.contrib.admin.models import CHANGE, LogEntry

    personal_data.erase(ANA_LOOKUP, by=coordinator)

    entry = LogEntry.objects.get(action_flag=CHANGE)
    assert entry.user == coordinator and entry.change_message == "personal data erased"
    assert "ana" not in entry.object_repr.lower()
